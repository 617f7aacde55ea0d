import { describe, expect, it } from 'vitest';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import { grid } from '../../src/fleet/grid.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { decodeClusterState } from '../../src/scan/scan-state-codec.js';
import { catalogOf, memoryStore, plainClusters, scanContext } from './fleet-fixtures.js';

const STEP = 300;
const H = 3_600_000;
const E0 = Date.UTC(2025, 0, 10);
const clusters = plainClusters(2);
const catalog = catalogOf((e) => e.component === 'coredns' && (e.id === 'latency_p99' || e.id === 'availability'));

/** Steady series of both signals; `failing` signal's query throws (Prometheus answered 503). */
function source(failing?: string): MetricsSource {
  return {
    async query(req) {
      if (req.signal === failing) throw new Error('HTTP 503 from Prometheus');
      const stepMs = req.stepSeconds * 1000;
      const { firstMs, n } = grid(req.startMs, req.endMs, stepMs);
      const series = req.clusters.map((cluster) => ({ cluster, component: req.component!, signal: req.signal, startMs: firstMs, stepMs, values: new Float64Array(n).fill(req.signal === 'availability' ? 0.9999 : 0.05) }));
      return { series, warnings: [], failedClusters: [], bytesFetched: 0 };
    },
  };
}

const scan = (store: Awaited<ReturnType<typeof memoryStore>>, metrics: MetricsSource, endMs: number, fullRebuild: boolean) =>
  scanShard({ inventory: { listClusters: async () => clusters }, metrics, store, catalog }, scanContext(),
    { shard: { index: 0, count: 1 }, endMs, stepSeconds: STEP, lookbackHours: 48, contextHours: 6, fullRebuild, slo: {}, missingAfterMinutes: 30, concurrency: 2 });
const statesOf = async (store: Awaited<ReturnType<typeof memoryStore>>, cluster: string) =>
  new Map([...decodeClusterState((await store.baselines.get(`scan:${cluster}`))!.state)].map(([key, s]) => [key, s.throughMs]));

describe('a rebuild (--full) while one signal\'s query fails', () => {
  it('keeps that signal\'s stored state instead of writing the cluster\'s state without it', async () => {
    const store = await memoryStore();
    await scan(store, source(), E0, false);
    const before = await statesOf(store, 'c0');
    expect([...before.keys()].sort()).toEqual(['availability|coredns', 'latency_p99|coredns']);

    const result = await scan(store, source('availability'), E0 + H, true);

    expect(result.failedClusters.sort()).toEqual(['c0', 'c1']);
    const after = await statesOf(store, 'c0');
    // before: the availability state was gone, so the next runs scanned it from the context only
    expect(after.get('availability|coredns')).toBe(before.get('availability|coredns'));
    expect(after.get('latency_p99|coredns')).toBe(before.get('latency_p99|coredns')! + H);
    // and the next hourly run carries it on from where it stopped
    await scan(store, source(), E0 + 2 * H, false);
    expect((await statesOf(store, 'c0')).get('availability|coredns')).toBe(before.get('availability|coredns')! + 2 * H);
  });
});
