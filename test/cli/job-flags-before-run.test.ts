import { mkdtempSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { main } from '../../src/cli/main.js';
import { fixedClock } from '../../src/core/clock.js';
import { runsInStore } from './cli-fixtures.js';

let out: string;
let pushgateway: Server;
let pushes: string[];
beforeEach(async () => {
  out = mkdtempSync(join(tmpdir(), 'fleetops-job-flags-'));
  pushes = [];
  pushgateway = createServer((req, res) => { pushes.push(`${req.method} ${req.url}`); res.end(); });
  await new Promise<void>((ok) => pushgateway.listen(0, '127.0.0.1', ok));
});
afterEach(async () => {
  await new Promise((ok) => pushgateway.close(ok));
  rmSync(out, { recursive: true, force: true });
});

/** The CLI in-process with the job metrics pushed to a local Pushgateway and the log lines kept. */
async function run(argv: string[], env: NodeJS.ProcessEnv = {}) {
  let stderr = '';
  const logs: { msg?: string }[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => { logs.push(JSON.parse(line) as { msg?: string }); } });
  const code = await main([...argv, '--out', out], {
    stdout: () => undefined, stderr: (t) => { stderr += t; }, clock: fixedClock(Date.UTC(2026, 10, 30, 6)), logger, isTty: false,
    env: {
      FLEETOPS__SIMULATOR__CLUSTERS: '6', FLEETOPS__SIMULATOR__DAYS: '1',
      FLEETOPS__JOBMETRICS__PUSHGATEWAYURL: `http://127.0.0.1:${(pushgateway.address() as AddressInfo).port}`, ...env,
    },
  });
  return { code, stderr, logs };
}

const ROLLOUT = { operationId: 'p-0123456789ab', operation: 'rollout-restart', target: { cluster: 'c-us-east-1-0001', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };

describe('a job command refuses bad flags before its run starts', () => {
  it.each([
    { argv: ['scan', '--shard', '0/2000'], env: {}, error: 'fleetops scan: --shard: at most 1024 shards, found 2000' },
    { argv: ['scan', '--shard', 'abc'], env: {}, error: 'fleetops scan: --shard: expected "i/n" such as 0/8, found "abc"' },
    { argv: ['scan'], env: { JOB_COMPLETION_INDEX: '3', FLEETOPS_SHARD_COUNT: '2' }, error: 'fleetops scan: JOB_COMPLETION_INDEX/FLEETOPS_SHARD_COUNT: index must be in 0..n-1' },
    { argv: ['scan', '--finalize'], env: { FLEETOPS_SHARD_COUNT: 'many' }, error: 'fleetops scan: FLEETOPS_SHARD_COUNT: expected the number of shards' },
    { argv: ['report', '--week', '2026-11-31'], env: {}, error: 'fleetops report: --week: expected a date YYYY-MM-DD such as 2026-11-23, found "2026-11-31"' },
    { argv: ['report', '--week', '2026-11-24'], env: {}, error: 'fleetops report: --week 2026-11-24: that is a tuesday, but weeks start on the handoff weekday (report.handoff.weekday: monday)' },
    { argv: ['report', '--week', '2026-11-30'], env: {}, error: 'fleetops report: --week 2026-11-30: that week ends at 2026-12-07T09:00:00.000Z, which is after now' },
    { argv: ['digest', '--day', '29/11/2026'], env: {}, error: 'fleetops digest: --day: expected a calendar date YYYY-MM-DD' },
    { argv: ['digest', '--day', '2024-01-10'], env: {}, error: 'digest day 2024-01-10 starts at 2024-01-10T00:00:00.000Z, before' },
    { argv: ['report', '--week', '2024-01-08'], env: {}, error: 'on-call report week 2024-01-08 starts at' },
    { argv: ['ops', 'run', '--mode', 'execute', '--request', JSON.stringify(ROLLOUT)], env: { FLEETOPS__CLUSTEROPS__KIND: 'argo-workflows' }, error: 'fleetops ops run: clusterOps.kind: expected kubernetes (or dry-run) for `ops run`, found argo-workflows' },
  ])('$argv exits 2 naming the flag; no run is recorded, logged or pushed', async ({ argv, env, error }) => {
    const result = await run(argv, env);

    expect(result.code).toBe(2);
    expect(result.stderr).toContain(error);
    // before: a run was recorded (bad-input), 'job failed' logged with the stack, and the exit code pushed
    expect(result.logs.map((l) => l.msg)).not.toContain('job started');
    expect(result.logs.map((l) => l.msg)).not.toContain('job failed');
    expect(pushes).toEqual([]);
    expect(await runsInStore(out)).toEqual([]);
  });

  it('a valid shard still runs and records its run with the shard', async () => {
    const result = await run(['scan', '--shard', '1/2']);

    expect(result.code, result.stderr).toBe(0);
    expect(await runsInStore(out)).toMatchObject([{ job: 'fleet-scan', shard: '1/2', status: 'ok' }]);
    expect(pushes).toHaveLength(1);
  }, 60_000);
});
