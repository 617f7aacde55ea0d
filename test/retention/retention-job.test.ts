import { describe, expect, it } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { runJob, type JobContext } from '../../src/core/run-job.js';
import { verifyAuditLog } from '../../src/remediation/audit/audit-log-tools.js';
import { formatRetentionSummary } from '../../src/retention/format-retention-summary.js';
import { RetentionConfig } from '../../src/retention/retention-config.js';
import { retentionCutoffs } from '../../src/retention/retention-cutoffs.js';
import { retentionJob, type RetentionDeps, type RetentionSummary } from '../../src/retention/retention-job.js';
import { DAY, NOW, OLD, present, seedIncident } from '../adapters/store/retention-fixtures.js';

const config = RetentionConfig.parse({});
const lookbacks = { scanLookbackHours: 168, feedbackLookbackDays: 14 };
const state = new Uint8Array(16);

async function seededStore(): Promise<Store> {
  const store = await createStore({ kind: 'sqlite', path: ':memory:' });
  await store.migrate();
  await seedIncident(store, 'open', '2025-07-01', 'approved', OLD);
  await seedIncident(store, 'closed', '2025-07-02', 'expired', OLD);
  await store.runs.start({ id: 'old-run', job: 'proposals', startedAtMs: OLD, status: 'running' });
  await store.runs.finish('old-run', { status: 'ok', exitCode: 0, finishedAtMs: OLD + 1000 });
  await store.baselines.putMany([{ key: 'scan:c-1', state, throughMs: OLD, updatedAtMs: OLD }, { key: 'scan:c-gone', state, throughMs: OLD, updatedAtMs: OLD }]);
  await store.audit.append({ atMs: OLD, actor: 'fleetops', action: 'proposal.expired', subject: 'pclosed', details: {} });
  return store;
}

const inventory = (ids: string[]): RetentionDeps['inventory'] => ({ listClusters: async () => ids.map((id) => ({ id }) as never) });

async function run(store: Store, deps: Partial<RetentionDeps> = {}, dryRun = false, dataNowMs?: number) {
  let summary: RetentionSummary | undefined;
  const result = await runJob({ job: 'retention', logger: silentLogger, clock: fixedClock(NOW), deadlineSeconds: 60, store }, async (ctx) => {
    summary = await retentionJob({ store, inventory: inventory(['c-1']), ...deps }, ctx, { config, dryRun, ...lookbacks, ...(dataNowMs !== undefined && { dataNowMs }) });
    return { ...summary };
  });
  return { ...result, summary: summary! };
}

describe('retention job', () => {
  it('reports in a dry run what a run then deletes; a rerun deletes nothing; the audit chain still verifies', async () => {
    const store = await seededStore();

    const dry = await run(store, {}, true);
    const closedAfterDry = await store.proposals.get('pclosed');
    const real = await run(store);
    const rerun = await run(store);

    expect(dry.exitCode).toBe(0);
    expect(closedAfterDry).toBeDefined();
    expect(real.summary.deleted).toEqual(dry.summary.deleted);
    expect(real.summary.deleted).toMatchObject({ runs: 1, proposals: 1, evidence: 1, auditKeys: 3, detectorStates: 1 });
    expect(real.summary).toMatchObject({ complete: true, held: { openProposals: 1, runsLeftRunning: 0 } });
    expect(Object.values(rerun.summary.deleted).every((n) => n === 0)).toBe(true);
    expect(await store.baselines.get('scan:c-1')).toBeDefined();
    expect((await present(store, { group: 'ig-open', proposal: 'popen', day: '2025-07-01' })).proposal).toBe(true);
    expect(await verifyAuditLog(store)).toMatchObject({ ok: true, entries: 1 });
    expect((await store.runs.get(real.runId))?.status).toBe('ok');
    await store.close();
  });

  it('measures ages from the data\'s end when it is earlier than the clock (a simulator ending in the past), so its rows stay', async () => {
    const store = await seededStore();

    const simulated = await run(store, {}, true, OLD + DAY);
    const later = await run(store, {}, true, NOW + 365 * DAY);

    expect(Object.values(simulated.summary.deleted).every((n) => n === 0)).toBe(true);
    expect(later.summary.deleted).toMatchObject({ runs: 1, proposals: 1, evidence: 1 });
    await store.close();
  });

  it('leaves detector states alone when the inventory fails or lists nothing, deleting the rest (exit 1 on the failure)', async () => {
    const failing = await seededStore();
    const empty = await seededStore();

    const failed = await run(failing, { inventory: { listClusters: async () => { throw new Error('prometheus: 503'); } } });
    const none = await run(empty, { inventory: inventory([]) });

    expect(failed.exitCode).toBe(1);
    expect(failed.failures).toEqual([{ part: 'inventory', message: 'prometheus: 503' }]);
    expect(failed.summary).toMatchObject({ detectorStatesSkipped: 'the inventory could not be read: prometheus: 503', deleted: { detectorStates: 0, proposals: 1 } });
    expect(none.exitCode).toBe(0);
    expect(none.summary.deleted.detectorStates).toBe(0);
    expect(await empty.baselines.get('scan:c-gone')).toBeDefined();
    expect(formatRetentionSummary(none.summary)).toContain('all detector states: the inventory lists no cluster');
    await Promise.all([failing.close(), empty.close()]);
  });

  it('stops at its deadline, reports itself incomplete, and the next run finishes', async () => {
    const store = await seededStore();
    const stopped = new AbortController();
    stopped.abort();
    const failures: { part: string; message: string }[] = [];
    const ctx = { runId: 'r', job: 'retention', logger: silentLogger, clock: fixedClock(NOW), signal: stopped.signal, failures, fail: (part: string, err: unknown) => failures.push({ part, message: (err as Error).message }) } as JobContext;

    const summary = await retentionJob({ store, inventory: inventory(['c-1']) }, ctx, { config, dryRun: false, ...lookbacks });
    const next = await run(store);

    expect(summary.complete).toBe(false);
    expect(failures.map((f) => f.part)).toEqual(['kind:runs']);
    expect(formatRetentionSummary(summary)).toMatch(/stopped before the end \(rerun to finish\)/);
    expect(next.summary.deleted.proposals).toBe(1);
    await store.close();
  });
});

describe('retention cutoffs and summary', () => {
  it('counts each kind\'s days back from now; feedback reads after the feedback lookback, detector states after the scan lookback', () => {
    const cutoffs = retentionCutoffs(config, lookbacks, NOW);

    expect(cutoffs).toMatchObject({
      runs: NOW - 30 * DAY, anomalies: NOW - 400 * DAY, proposals: NOW - 400 * DAY, proposalReads: NOW - 7 * DAY,
      feedbackReads: NOW - 21 * DAY, detectorStates: NOW - 7 * DAY,
    });
  });

  it('prints a line per kind with the rule that applied, and what it kept', () => {
    const summary: RetentionSummary = {
      dryRun: true, deleted: { runs: 12_000, proposals: 2 }, batches: 4, complete: true,
      cutoffs: Object.fromEntries(Object.keys(retentionCutoffs(config, lookbacks, NOW)).map((k) => [k, '2026-10-30T12:00:00.000Z'])) as RetentionSummary['cutoffs'],
      held: { openProposals: 3, runsLeftRunning: 1 },
    };

    const text = formatRetentionSummary(summary);

    expect(text).toMatch(/^retention \(dry run, nothing deleted\): would delete 12002 row\(s\) in 4 batch\(es\)\n/);
    expect(text).toMatch(/ {2}runs\s+12000 {2}finished runs started before 2026-10-30T12:00:00.000Z\n/);
    expect(text).toMatch(/ {2}anomalies\s+- {2}anomalies ended before/);
    expect(text).toContain('3 open proposal(s) with their incident groups');
    expect(text).toContain('1 run(s) started before 2026-10-30T12:00:00.000Z still marked running');
    expect(text).toContain('the audit log (append-only, never deleted)');
  });
});
