import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pushJobMetrics } from '../../src/core/job-metrics.js';
import type { JobResult } from '../../src/core/run-job.js';
import { hasPushgateway, startPushgateway } from '../support/pushgateway.js';

const available = hasPushgateway();
if (!available) console.warn('job metrics test skipped: prometheus-pushgateway is not installed (Debian package prometheus-pushgateway)');

function value(metrics: string, name: string, labels: string): number | undefined {
  const line = metrics.split('\n').find((l) => l.startsWith(`${name}{`) && labels.split(',').every((kv) => l.includes(kv)));
  return line ? Number(line.split(' ').pop()) : undefined;
}

describe.skipIf(!available)('job metrics against a real Pushgateway', () => {
  let gw: Awaited<ReturnType<typeof startPushgateway>>;
  beforeAll(async () => { gw = await startPushgateway(); });
  afterAll(async () => { await gw?.stop(); });

  const ok: JobResult = { runId: 'r1', exitCode: 0, summary: { series: 840 }, failures: [] };
  const partial: JobResult = { runId: 'r2', exitCode: 1, summary: { series: 800 }, failures: [{ part: 'cluster:c-1', message: 'x' }, { part: 'cluster:c-2', message: 'y' }, { part: 'sink:slack', message: 'z' }] };

  it('records success time, duration, items and failures by kind; a failed run keeps the last success', async () => {
    await pushJobMetrics({ url: gw.url, job: 'fleet-scan', instance: '0/2', result: ok, startedAtMs: 1_000_000, finishedAtMs: 1_030_000 });
    await pushJobMetrics({ url: gw.url, job: 'fleet-scan', instance: '0/2', result: partial, startedAtMs: 2_000_000, finishedAtMs: 2_010_000 });

    const metrics = await (await fetch(`${gw.url}/metrics`)).text();
    const labels = 'job="fleet-scan",instance="0of2"';

    expect(value(metrics, 'fleetops_job_last_success_timestamp_seconds', labels)).toBe(1030);
    expect(value(metrics, 'fleetops_job_last_run_timestamp_seconds', labels)).toBe(2010);
    expect(value(metrics, 'fleetops_job_duration_seconds', labels)).toBe(10);
    expect(value(metrics, 'fleetops_job_exit_code', labels)).toBe(1);
    expect(value(metrics, 'fleetops_job_items_processed', labels)).toBe(800);
    expect(value(metrics, 'fleetops_job_failures', `${labels},kind="cluster"`)).toBe(2);
    expect(value(metrics, 'fleetops_job_failures', `${labels},kind="sink"`)).toBe(1);
  });

  it('keeps shards apart by instance', async () => {
    await pushJobMetrics({ url: gw.url, job: 'fleet-scan', instance: '1/2', result: ok, startedAtMs: 0, finishedAtMs: 5000 });

    const metrics = await (await fetch(`${gw.url}/metrics`)).text();

    expect(value(metrics, 'fleetops_job_duration_seconds', 'job="fleet-scan",instance="1of2"')).toBe(5);
  });

  it('fails clearly when the gateway is unreachable', async () => {
    await expect(pushJobMetrics({ url: 'http://127.0.0.1:1', job: 'x', instance: 'all', result: ok, startedAtMs: 0, finishedAtMs: 1 })).rejects.toThrow();
  });
});
