import { describe, expect, it } from 'vitest';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import { grid } from '../../src/fleet/grid.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { catalogOf, memoryStore, plainClusters, scanContext } from './fleet-fixtures.js';

const STEP = 300;
const E0 = Date.UTC(2025, 0, 10);
const clusters = plainClusters(3);
const catalog = catalogOf((e) => e.component === 'coredns' && (e.id === 'latency_p99' || e.id === 'availability'));

/** Steady series; the latency answer for c1 comes without its values (an answer no source should give). */
const broken: MetricsSource = {
  async query(req) {
    const stepMs = req.stepSeconds * 1000;
    const { firstMs, n } = grid(req.startMs, req.endMs, stepMs);
    const series = req.clusters.map((cluster) => ({
      cluster, component: req.component!, signal: req.signal, startMs: firstMs, stepMs,
      values: req.signal === 'latency_p99' && cluster === 'c1' ? (undefined as unknown as Float64Array) : new Float64Array(n).fill(req.signal === 'availability' ? 0.9999 : 0.05),
    }));
    return { series, warnings: [], failedClusters: [], bytesFetched: 0 };
  },
};

describe('fleet scan when detection itself fails', () => {
  it('records the failure for that query\'s clusters and scans the other signals: the run is not lost', async () => {
    const store = await memoryStore();
    const ctx = scanContext();

    // before: the TypeError failed the whole scan (and, from the query queue, was an unhandled rejection)
    const result = await scanShard({ inventory: { listClusters: async () => clusters }, metrics: broken, store, catalog }, ctx,
      { shard: { index: 0, count: 1 }, endMs: E0, stepSeconds: STEP, lookbackHours: 48, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2 });

    expect(result.failedClusters.sort()).toEqual(['c0', 'c1', 'c2']);
    expect(ctx.failures).toHaveLength(1);
    expect(ctx.failures[0].part).toMatch(/latency_p99/);
    expect(ctx.failures[0].message).toMatch(/detection failed: .*/);
    // the availability query was scanned for every cluster: its series are counted and stored
    expect(result.series).toBeGreaterThanOrEqual(3);
    expect(result.missingClusters).toEqual([]);
  });
});
