import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fleetops-config-validate-'));
const config = join(tmp, 'fleetops.yaml');
/** A real metrics source needs its evidence sources set (simulated ones are refused at load). */
const NO_EVIDENCE = { FLEETOPS__LOGS__KIND: 'none', FLEETOPS__EVENTS__KIND: 'none', FLEETOPS__CHANGES__KIND: 'none' };
writeFileSync(config, 'store:\n  kind: postgres\nchat:\n  kind: slack\ndocs:\n  kind: google\nclusterOps:\n  kind: kubernetes\n');

describe('fleetops config validate: what the configured kinds need', () => {
  it('exits 2 naming file, line and field for each missing secret and kind-specific field', async () => {
    const run = await runCli(['config', 'validate', '--config', config, '--out', tmp]);

    expect(run.code).toBe(2);
    expect(run.stdout).not.toContain('config ok');
    expect(run.stderr).toContain(`${config}:1: store.postgresUrlEnv: environment variable FLEETOPS_DATABASE_URL is not set`);
    expect(run.stderr).toContain(`${config}:3: chat.slack.tokenEnv: environment variable SLACK_BOT_TOKEN is not set`);
    expect(run.stderr).toContain(`${config}:5: docs.google.sharedDriveFolderId: expected the Shared Drive folder id`);
    expect(run.stderr).toContain(`${config}:7: clusterOps.registryFile: expected the cluster registry file`);
  });

  it('passes once the secrets are in the environment and the fields are set', async () => {
    const full = join(tmp, 'full.yaml');
    writeFileSync(full, 'store:\n  kind: postgres\nchat:\n  kind: slack\ndocs:\n  kind: google\n  google:\n    sharedDriveFolderId: 0AFolder\n');

    const run = await runCli(['config', 'validate', '--config', full, '--out', tmp], { FLEETOPS_DATABASE_URL: 'postgres://h/db', SLACK_BOT_TOKEN: 'xoxb-1' });

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
  });

  it('names the secret of a kind chosen in the environment', async () => {
    const run = await runCli(['config', 'validate', '--out', tmp], { FLEETOPS__METRICS__KIND: 'prometheus', FLEETOPS__METRICS__PROMETHEUS__AUTH__KIND: 'bearer', ...NO_EVIDENCE });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('metrics.prometheus.auth.tokenEnv: environment variable PROMETHEUS_BEARER_TOKEN is not set');
  });
});

describe('jobs check what they use before any work', () => {
  it('a digest with Slack chosen and no token exits 2 up front, naming file, line and field, and writes nothing', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetops-job-needs-'));
    const file = join(out, 'fleetops.yaml');
    writeFileSync(file, 'chat:\n  kind: slack\n');

    const run = await runCli(['digest', '--config', file, '--out', out]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`${file}:1: chat.slack.tokenEnv: environment variable SLACK_BOT_TOKEN is not set`);
    expect(existsSync(join(out, 'docs'))).toBe(false);
  });

  it('checks only the sections the job uses: a scan does not need the docs folder or the executor registry', async () => {
    const out = mkdtempSync(join(tmpdir(), 'fleetops-job-needs-'));
    const file = join(out, 'fleetops.yaml');
    writeFileSync(file, 'docs:\n  kind: google\nclusterOps:\n  kind: kubernetes\nsimulator:\n  clusters: 10\n  days: 1\n');

    const run = await runCli(['scan', '--config', file, '--out', out]);

    expect(run.stderr).not.toContain('sharedDriveFolderId');
    expect(run.stderr).not.toContain('registryFile');
    expect(run.code).toBe(0);
  });
});
