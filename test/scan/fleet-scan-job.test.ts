import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAdapters } from '../../src/adapters/index.js';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { fleetScanJob } from '../../src/scan/fleet-scan-job.js';
import { scanContext } from './fleet-fixtures.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function setup(env: Record<string, string>) {
  const outDir = mkdtempSync(join(tmpdir(), 'fleetops-scanjob-'));
  dirs.push(outDir);
  const config = loadConfig({ env });
  const adapters = buildAdapters({ config, outDir, env: {}, clock: fixedClock(0), logger: silentLogger });
  const ctx = { ...scanContext(), job: 'fleet-scan', clock: fixedClock(0) };
  return { adapters, ctx };
}

describe('fleet-scan job', () => {
  it('lists the inventory once per run and scans every cluster it lists', async () => {
    const { adapters, ctx } = setup({ FLEETOPS__SIMULATOR__CLUSTERS: '6', FLEETOPS__SIMULATOR__DAYS: '1', FLEETOPS__SCAN__LOOKBACKHOURS: '24' });
    const inventory = adapters.inventory();
    const listed: number[] = [];
    adapters.inventory = () => ({ ...inventory, listClusters: async (signal) => { const c = await inventory.listClusters(signal); listed.push(c.length); return c; } });

    const summary = await fleetScanJob(adapters, ctx, { fullRebuild: true, finalizeOnly: false, endMs: adapters.fleet().rangeMs.endMs });

    expect(listed).toEqual([6]);
    expect(summary.clusters).toBe(6);
    expect(summary.series).toBeGreaterThan(6);
    expect(ctx.failures).toEqual([]);
    await (await adapters.store()).close();
  });

  it('counts the peer outliers finalize stored among the new findings: on an empty store every stored row is new', async () => {
    const { adapters, ctx } = setup({ FLEETOPS__SIMULATOR__CLUSTERS: '60', FLEETOPS__SIMULATOR__DAYS: '2', FLEETOPS__SCAN__LOOKBACKHOURS: '24' });
    const fleet = adapters.fleet();
    const groupOf = (c: (typeof fleet.clusters)[number]) => `${c.versions.coredns}|${c.region}`;
    const sizes = new Map<string, number>();
    for (const c of fleet.clusters) sizes.set(groupOf(c), (sizes.get(groupOf(c)) ?? 0) + 1);
    const [group] = [...sizes].sort((a, b) => b[1] - a[1])[0];
    const target = fleet.clusters.find((c) => groupOf(c) === group)!.id;
    const sim = adapters.metrics();
    const departing: MetricsSource = {
      query: async (req) => {
        const a = await sim.query(req);
        if (req.signal !== 'latency_p99' || req.component !== 'coredns') return a;
        return { ...a, series: a.series.map((x) => (x.cluster !== target ? x : { ...x, values: x.values.map((v, i) => (i >= x.values.length - 6 ? v * 4 : v)) })) };
      },
    };
    adapters.metrics = () => departing;
    const store = await adapters.store();

    const summary = await fleetScanJob(adapters, ctx, { fullRebuild: true, finalizeOnly: false, endMs: fleet.rangeMs.endMs });
    const stored = await store.anomalies.list({ startMs: fleet.rangeMs.startMs - 86_400_000, endMs: fleet.rangeMs.endMs + 86_400_000 });

    expect(summary.peerOutliers).toBeGreaterThan(0);
    expect(summary.newFindings).toBe(stored.length);
    await store.close();
  });
});
