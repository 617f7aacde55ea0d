import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { errorBody, matrixBody, startPrometheusFake, type PrometheusFake } from '../fakes/prometheus-fake.js';
import { createStore } from '../../src/adapters/store/index.js';
import { runCli } from './run-cli.js';

const dirs: string[] = [];
let prom: PrometheusFake | undefined;
let broken: PrometheusFake | undefined;
afterEach(async () => {
  dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true }));
  await Promise.all([prom?.close(), broken?.close()]);
  prom = broken = undefined;
});
const outDir = () => {
  const d = mkdtempSync(join(tmpdir(), 'fleetops-scan-cli-'));
  dirs.push(d);
  return d;
};
const small = { FLEETOPS__SIMULATOR__CLUSTERS: '6', FLEETOPS__SIMULATOR__DAYS: '1', FLEETOPS__SCAN__LOOKBACKHOURS: '6' };
/** Real metrics need the evidence sources set (simulated ones are refused at load). */
const NO_EVIDENCE = { FLEETOPS__LOGS__KIND: 'none', FLEETOPS__EVENTS__KIND: 'none', FLEETOPS__CHANGES__KIND: 'none' };
const at = (h: number, m: number, s = 0) => Date.UTC(2026, 10, 30, h, m, s);

describe('scan: shard settings', () => {
  it.each(['abc', '0', '2.5', '-1', ''])('exits 2 naming FLEETOPS_SHARD_COUNT for the finalize step when it is %j', async (count) => {
    const run = await runCli(['scan', '--finalize', '--out', outDir()], { ...small, FLEETOPS_SHARD_COUNT: count });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`FLEETOPS_SHARD_COUNT: expected the number of shards (a whole number ≥ 1, the Indexed Job's completions), found ${JSON.stringify(count)}`);
  });

  it.each([
    [['--shard', '0/5000'], {}, '--shard: at most 1024 shards, found 5000'],
    [[], { JOB_COMPLETION_INDEX: '3', FLEETOPS_SHARD_COUNT: '5000' }, 'FLEETOPS_SHARD_COUNT: at most 1024 shards, found 5000'],
    [['--finalize'], { FLEETOPS_SHARD_COUNT: '5000' }, 'FLEETOPS_SHARD_COUNT: at most 1024 shards, found 5000'],
  ])('exits 2 on a shard count rendezvous hashing cannot afford (%j %j)', async (argv, env, message) => {
    const run = await runCli(['scan', ...argv, '--out', outDir()], { ...small, ...env });

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(message);
  });
});

describe('scan: the hourly Indexed Job and its finalize step against Prometheus', () => {
  it('agree on the window without --end: pods started minutes apart, a retried index and finalize at :50 (CronJob schedules)', async () => {
    prom = await startPrometheusFake();
    prom.route('/api/v1/query_range', () => ({ body: matrixBody([]) }));
    prom.route('/api/v1/label/__name__/values', () => ({ body: { status: 'success', data: [] } }));
    const out = outDir();
    const env = { ...small, FLEETOPS_SHARD_COUNT: '3', FLEETOPS__METRICS__KIND: 'prometheus', FLEETOPS__METRICS__PROMETHEUS__URL: prom.url, ...NO_EVIDENCE };
    const starts = [at(5, 5, 20), at(5, 6, 40), at(5, 31, 5)];

    const shards = [];
    for (const [i, t] of starts.entries()) shards.push(await runCli(['scan', '--out', out], { ...env, JOB_COMPLETION_INDEX: String(i) }, t));
    const fin = await runCli(['scan', '--finalize', '--out', out], env, at(5, 50, 3));

    expect(shards.map((s) => s.stdout.split('\n')[0].split(', window ')[1])).toEqual(Array(3).fill('2026-11-29T23:00Z → 2026-11-30T05:00Z, 0.0 MB fetched'));
    expect(fin.stderr).not.toContain('did not finish');
    expect(fin.stdout).toContain('missing shards: none');
    expect(fin.code).toBe(0);
    expect(prom.unexpected).toEqual([]);
    // the finalize step is its own job: its run record (and job metrics, alerted on as fleet-scan-finalize)
    const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
    try {
      const runs = [...await store.runs.list({ job: 'fleet-scan', limit: 10 }), ...await store.runs.list({ job: 'fleet-scan-finalize', limit: 10 })];
      expect(runs.map((r) => `${r.job} ${r.status}`).sort()).toEqual(['fleet-scan ok', 'fleet-scan ok', 'fleet-scan ok', 'fleet-scan-finalize ok']);
    } finally {
      await store.close();
    }
  });

  it('finalize names a shard that finished with failures and exits 1 (its clusters are missing from the fleet-wide peers)', async () => {
    prom = await startPrometheusFake();
    prom.route('/api/v1/query_range', () => ({ body: matrixBody([]) }));
    prom.route('/api/v1/label/__name__/values', () => ({ body: { status: 'success', data: [] } }));
    broken = await startPrometheusFake();
    broken.route('/api/v1/query_range', () => ({ status: 422, body: errorBody('execution', 'many-to-many matching not allowed') }));
    broken.route('/api/v1/label/__name__/values', () => ({ body: { status: 'success', data: [] } }));
    const out = outDir();
    const env = { ...small, FLEETOPS_SHARD_COUNT: '2', FLEETOPS__METRICS__KIND: 'prometheus', ...NO_EVIDENCE };

    const ok = await runCli(['scan', '--out', out], { ...env, FLEETOPS__METRICS__PROMETHEUS__URL: prom.url, JOB_COMPLETION_INDEX: '0' }, at(5, 5));
    const failed = await runCli(['scan', '--out', out], { ...env, FLEETOPS__METRICS__PROMETHEUS__URL: broken.url, JOB_COMPLETION_INDEX: '1' }, at(5, 5));
    const fin = await runCli(['scan', '--finalize', '--out', out], { ...env, FLEETOPS__METRICS__PROMETHEUS__URL: prom.url }, at(5, 50));

    expect([ok.code, failed.code]).toEqual([0, 1]);
    expect(fin.code).toBe(1);
    expect(fin.stdout).toContain('missing shards: none; shards with failures: 1/2;');
    expect(fin.stderr).toMatch(/shard:1\/2: shard 1\/2 finished with failures for 2026-11-30T05:00:00.000Z \(signal:[^)]+\): \d+ clusters got no answer/);
  });
});
