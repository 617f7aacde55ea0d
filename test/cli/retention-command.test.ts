import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { createStore } from '../../src/adapters/store/index.js';
import { JOB_SCHEDULES } from '../../src/core/schedules.js';
import { renderCronJobs } from '../../src/deploy/cronjob-manifests.js';
import { OLD, seedIncident } from '../adapters/store/retention-fixtures.js';
import { runCli } from './run-cli.js';

const env = { FLEETOPS__SIMULATOR__CLUSTERS: '20', FLEETOPS__SIMULATOR__ENDTIME: '2026-11-30T06:00:00.000Z' };
const state = new Uint8Array(64);

/** An out/ folder whose store holds a year and a half old incident with a closed and one with an open proposal. */
async function oldStore(): Promise<string> {
  const out = mkdtempSync(join(tmpdir(), 'fleetops-retention-'));
  const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
  await store.migrate();
  await seedIncident(store, 'open', '2025-07-01', 'proposed', OLD);
  await seedIncident(store, 'closed', '2025-07-02', 'succeeded', OLD);
  await store.baselines.putMany([
    { key: 'scan:c-us-east-1-0001', state, throughMs: OLD, updatedAtMs: OLD },
    { key: 'scan:c-decommissioned-0999', state, throughMs: OLD, updatedAtMs: OLD },
  ]);
  await store.audit.append({ atMs: OLD, actor: 'fleetops', action: 'proposal.succeeded', subject: 'pclosed', details: {} });
  await store.close();
  return out;
}

async function rows(out: string) {
  const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
  await store.migrate();
  const found = {
    open: Boolean(await store.proposals.get('popen')),
    closed: Boolean(await store.proposals.get('pclosed')),
    states: [...(await store.baselines.getMany(['scan:c-us-east-1-0001', 'scan:c-decommissioned-0999'])).keys()].sort(),
  };
  await store.close();
  return found;
}

describe('fleetops retention', () => {
  it('prints per kind what it would delete with --dry-run, deleting nothing; then deletes it; audit verify still passes', async () => {
    const out = await oldStore();

    const dry = await runCli(['retention', '--dry-run', '--out', out], env);
    const afterDry = await rows(out);
    const real = await runCli(['retention', '--out', out], env);
    const afterReal = await rows(out);
    const again = await runCli(['retention', '--out', out], env);
    const verify = await runCli(['audit', 'verify', '--out', out], env);

    expect(dry.code).toBe(0);
    expect(dry.stdout).toMatch(/^retention \(dry run, nothing deleted\): would delete 17 row\(s\)/);
    expect(dry.stdout).toMatch(/\n {2}proposals\s+1 {2}proposals whose group has none open or changed since 2025-10-26T06:00:00.000Z\n/);
    expect(dry.stdout).toMatch(/\n {2}detectorStates\s+1 {2}detector states of clusters not in the inventory/);
    expect(dry.stdout).toContain('1 open proposal(s) with their incident groups');
    expect(afterDry).toEqual({ open: true, closed: true, states: ['scan:c-decommissioned-0999', 'scan:c-us-east-1-0001'] });
    expect(real.code).toBe(0);
    expect(real.stdout).toMatch(/^retention: deleted 17 row\(s\) in \d+ batch\(es\)\n/);
    expect(afterReal).toEqual({ open: true, closed: false, states: ['scan:c-us-east-1-0001'] });
    expect(again.stdout).toMatch(/^retention: deleted 0 row\(s\)/);
    expect(verify.code).toBe(0);
  });

  it('exits 2 naming the field of a retention setting below its floor', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetops-retention-'));

    const result = await runCli(['retention', '--out', out], { ...env, FLEETOPS__RETENTION__PROPOSALSDAYS: '10' });

    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/retention\.proposalsDays: expected at least 90 days/);
  });

  it('is listed in --help with its --dry-run', async () => {
    const help = await runCli(['retention', '--help']);

    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--dry-run       count what would be deleted, delete nothing');
  });

  it('runs daily in `fleetops schedule` and as a CronJob that never overlaps itself', () => {
    const schedule = JOB_SCHEDULES.find((s) => s.job === 'retention');
    const cronJob = parseAllDocuments(renderCronJobs()).map((d) => d.toJS() as { metadata: { name: string }; spec: Record<string, any> }) // eslint-disable-line @typescript-eslint/no-explicit-any
      .find((d) => d.metadata.name === 'retention');

    expect(schedule).toMatchObject({ args: ['retention'], intervalSeconds: 86_400 });
    expect(schedule?.cron).toMatch(/^\d+ \d+ \* \* \*$/);
    expect(cronJob?.spec).toMatchObject({ schedule: schedule?.cron, concurrencyPolicy: 'Forbid', jobTemplate: { spec: { activeDeadlineSeconds: 1800 } } });
    expect(cronJob?.spec.jobTemplate.spec.template.spec.containers[0]).toMatchObject({ args: ['retention'], resources: { limits: { memory: '1Gi' } } });
  });
});
