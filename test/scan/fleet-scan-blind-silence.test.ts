/**
 * Faults of a second review of the scan path: what a run that could not read some signals may
 * conclude about the clusters behind them.
 */
import { describe, expect, it } from 'vitest';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import type { Store } from '../../src/adapters/store/types.js';
import { scanShard, type FleetScanOptions } from '../../src/scan/fleet-scan.js';
import { catalogOf, memoryStore, plainClusters, scanContext, valueSource } from './fleet-fixtures.js';

const STEP = 300;
const H = 3_600_000;
const E0 = Date.UTC(2025, 0, 10);
const clusters = plainClusters(4);
/** A source from a value function per component (see valueSource). */
const source = (fn: (cluster: string, component: string, tMs: number) => number): MetricsSource => valueSource((c, t, component) => fn(c, component, t));

const opts = (endMs: number): FleetScanOptions => ({
  shard: { index: 0, count: 1 }, endMs, stepSeconds: STEP, lookbackHours: 48, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2,
});
const scan = (store: Store, metrics: MetricsSource, catalog: ReturnType<typeof catalogOf>, endMs: number, ctx = scanContext()) =>
  scanShard({ inventory: { listClusters: async () => clusters }, metrics, store, catalog }, ctx, opts(endMs));

// coredns runs on every cluster; no cluster runs the service mesh, so its query answers no series
const twoComponents = catalogOf((e) => e.id === 'latency_p99' && (e.component === 'coredns' || e.component === 'service-mesh'));
const coredns = (_c: string, component: string, t: number) => (component === 'coredns' ? 0.05 + 0.001 * Math.sin(t / 7e5) : NaN);

describe('fleet scan blind to some signals', () => {
  it('does not call a cluster silent when the queries of the signals it was sending failed and only signals it never had answered', async () => {
    const store = await memoryStore();
    const good = source(coredns);
    await scan(store, good, twoComponents, E0);
    const corednsDown: MetricsSource = { async query(req) {
      if (req.component === 'coredns') throw new Error('Prometheus answered 503: service unavailable');
      return good.query(req);
    } };
    const ctx = scanContext('run-2');

    const result = await scan(store, corednsDown, twoComponents, E0 + H, ctx);

    expect(result.failedClusters.sort()).toEqual(['c0', 'c1', 'c2', 'c3']);
    expect(result.missingClusters).toEqual([]);
    expect(await store.anomalies.list({ startMs: 0, endMs: E0 + 9 * H, kinds: ['missing-data'] })).toEqual([]);
    expect(ctx.failures.map((f) => f.part)).toEqual(['signal:latency_p99:coredns']);
  });

  it('still calls a cluster silent when the signal that failed had stopped before the run', async () => {
    const store = await memoryStore();
    const stops = (c: string, component: string, t: number) => (c === 'c3' && t > E0 - 4 * H ? NaN : coredns(c, component, t));
    await scan(store, source(stops), twoComponents, E0);
    const corednsDown: MetricsSource = { async query(req) {
      if (req.component === 'coredns') throw new Error('Prometheus answered 503: service unavailable');
      return source(stops).query(req);
    } };

    const result = await scan(store, corednsDown, twoComponents, E0 + H, scanContext('run-2'));

    expect(result.missingClusters).toEqual(['c3']);
  });
});
