import { describe, expect, it } from 'vitest';
import type { MetricsRequest, MetricsSource } from '../../src/adapters/metrics/types.js';
import type { Store } from '../../src/adapters/store/types.js';
import type { Cluster } from '../../src/fleet/types.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { decodeClusterState } from '../../src/scan/scan-state-codec.js';
import { catalogOf, memoryStore, plainClusters, scanContext, valueSource } from './fleet-fixtures.js';

const STEP = 300;
const H = 3_600_000;
const E0 = Date.UTC(2025, 0, 10);
const LOOKBACK_H = 48;
const catalog = catalogOf((e) => e.component === 'coredns' && (e.id === 'latency_p99' || e.id === 'availability'));
const statesOf = async (store: Store, cluster: string) => decodeClusterState((await store.baselines.get(`scan:${cluster}`))!.state);

type Hook = (req: MetricsRequest, endMs: number) => 'fail' | 'none' | number | undefined;

/** Steady series; `hook` may fail a request, answer it with no series, or delay it (ms). */
function source(hook: Hook = () => undefined, calls: MetricsRequest[] = []): MetricsSource {
  const inner = valueSource(() => 0.05, []);
  return {
    async query(req) {
      calls.push(req);
      const h = hook(req, req.endMs);
      if (h === 'fail') throw new Error('HTTP 503 from Prometheus');
      if (h === 'none') return { series: [], warnings: [], failedClusters: [], bytesFetched: 0 };
      if (typeof h === 'number') await new Promise((r) => setTimeout(r, h));
      const answer = await inner.query(req);
      return { ...answer, series: answer.series.map((s) => (req.signal === 'availability' ? { ...s, values: s.values.map(() => 0.9999) } : s)) };
    },
  };
}

const scan = (store: Store, clusters: Cluster[], metrics: MetricsSource, endMs: number, fullRebuild = false, stepSeconds = STEP) =>
  scanShard({ inventory: { listClusters: async () => clusters }, metrics, store, catalog }, scanContext(),
    { shard: { index: 0, count: 1 }, endMs, stepSeconds, lookbackHours: LOOKBACK_H, contextHours: 6, fullRebuild, slo: {}, missingAfterMinutes: 30, concurrency: 2 });

/** Whether the request is the placeholder's own part (from the full lookback). */
const isFull = (req: MetricsRequest) => req.startMs <= req.endMs - LOOKBACK_H * H;

describe('a placeholder series: answer order, its own query failing, --full over stale states', () => {
  it('is scanned once, in its own part, whichever answer comes first (before: twice, and the cluster was twice among the fleet peers)', async () => {
    const store = await memoryStore();
    const clusters = plainClusters(1);
    await scan(store, clusters, source((req) => (req.signal === 'availability' ? 'fail' : undefined)), E0);
    expect((await statesOf(store, 'c0')).get('availability|coredns')?.unbuilt).toBe(true);
    // the batch's shared (context) query for availability answers after the placeholder's own query
    const r = await scan(store, clusters, source((req) => (req.signal === 'availability' && !isFull(req) ? 50 : undefined)), E0 + H);
    expect(r.peers.series.get('availability|coredns')?.clusters).toEqual(['c0']);
    expect(r.series).toBe(2);
  });

  it('a placeholder whose own (full-lookback) query fails does not make a sending cluster missing', async () => {
    const store = await memoryStore();
    const clusters = plainClusters(1);
    await scan(store, clusters, source((req) => (req.signal === 'availability' ? 'fail' : undefined)), E0);
    // latency goes quiet (no series); availability sends, answered in the shared context query, but
    // its own full-lookback query (a larger query, e.g. timing out) fails
    const r = await scan(store, clusters, source((req) => (req.signal === 'latency_p99' ? 'none' : req.signal === 'availability' && isFull(req) ? 'fail' : undefined)), E0 + H);
    expect(r.missingClusters).toEqual([]);
    expect(r.findings.filter((f) => f.kind === 'missing-data')).toEqual([]);
  });

  it('counts a cluster once in the failure report when both its signal\'s queries fail (the batch\'s and the placeholder\'s own)', async () => {
    const store = await memoryStore();
    const clusters = plainClusters(1);
    const failing = source((req) => (req.signal === 'availability' ? 'fail' : undefined));
    await scan(store, clusters, failing, E0);
    const calls: MetricsRequest[] = [];
    const ctx = scanContext();

    await scanShard({ inventory: { listClusters: async () => clusters }, metrics: source((req) => (req.signal === 'availability' ? 'fail' : undefined), calls), store, catalog }, ctx,
      { shard: { index: 0, count: 1 }, endMs: E0 + H, stepSeconds: STEP, lookbackHours: LOOKBACK_H, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2 });

    expect(calls.filter((r) => r.signal === 'availability')).toHaveLength(2);
    expect(ctx.failures.map((f) => f.message)).toEqual([expect.stringMatching(/^no answer for 1 clusters \(c0\)/)]);
  });

  it('--full over a cluster whose stored states are stale (another step / older version) leaves a placeholder, as a normal run does', async () => {
    for (const full of [false, true]) {
      const store = await memoryStore();
      const clusters = plainClusters(1);
      // built with another step: every stored state is stale for the 300 s runs below
      await scan(store, clusters, source(), E0, false, 60);
      await scan(store, clusters, source((req) => (req.signal === 'availability' ? 'fail' : undefined)), E0 + H, full);
      expect({ full, unbuilt: (await statesOf(store, 'c0')).get('availability|coredns')?.unbuilt }).toEqual({ full, unbuilt: true });
    }
  });
});

describe('a placeholder series: progress, dropping, reruns', () => {
  it('progress: once per entry with a placeholder part', async () => {
    const store = await memoryStore();
    const clusters = plainClusters(2);
    await scan(store, clusters, source((req) => (req.signal === 'availability' ? 'fail' : undefined)), E0);
    const seen: [number, number][] = [];
    await scanShard({ inventory: { listClusters: async () => clusters }, metrics: source(), store, catalog, progress: (d, t) => seen.push([d, t]) }, scanContext(),
      { shard: { index: 0, count: 1 }, endMs: E0 + H, stepSeconds: STEP, lookbackHours: LOOKBACK_H, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2 });
    expect(seen).toEqual([[1, 2], [2, 2]]);
  });

  it('a placeholder that was the cluster\'s only state, answered with no series, is dropped from the store too', async () => {
    const store = await memoryStore();
    const clusters = plainClusters(1);
    await scan(store, clusters, source((req) => (req.signal === 'availability' ? 'fail' : 'none')), E0);
    expect((await statesOf(store, 'c0')).get('availability|coredns')?.unbuilt).toBe(true);
    await scan(store, clusters, source(() => 'none'), E0 + H);
    expect((await statesOf(store, 'c0')).has('availability|coredns')).toBe(false);
  });

  it('rescanning the same window stores the same rows (placeholder built in between)', async () => {
    const store = await memoryStore();
    const clusters = plainClusters(1);
    await scan(store, clusters, source((req) => (req.signal === 'availability' ? 'fail' : undefined)), E0);
    const a = await scan(store, clusters, source(), E0 + H);
    const before = (await store.anomalies.list({ startMs: 0, endMs: E0 + 10 * H })).map((r) => r.id).sort();
    const b = await scan(store, clusters, source(), E0 + H);
    const after = (await store.anomalies.list({ startMs: 0, endMs: E0 + 10 * H })).map((r) => r.id).sort();
    expect(after).toEqual(before);
    expect(b.peers.series.get('availability|coredns')?.clusters).toEqual(a.peers.series.get('availability|coredns')?.clusters);
  });
});
