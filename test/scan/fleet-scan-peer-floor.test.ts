/**
 * Peer outliers on series whose own level is zero (an error ratio with no errors): the departure
 * from the level is measured against the same floor the series' own detectors use.
 */
import { describe, expect, it } from 'vitest';
import type { MetricsAnswer, MetricsRequest, MetricsSource } from '../../src/adapters/metrics/types.js';
import type { Cluster } from '../../src/fleet/types.js';
import { grid } from '../../src/fleet/grid.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { finalizeScan } from '../../src/scan/finalize-scan.js';
import { buildCatalog, type CatalogEntry } from '../../src/signals/catalog.js';
import { memoryStore, scanContext } from './fleet-fixtures.js';

const E0 = Date.UTC(2025, 0, 10);
const MIN = 60_000;
const full = buildCatalog();
const clusters = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, region: 'r', substrate: 'aws', environment: 'prod', tier: 'tier-1', versions: {}, nodePools: [] })) as unknown as Cluster[];
const errorRatio = (() => {
  const entries = full.entries.filter((e: CatalogEntry) => e.kind === 'golden' && e.id === 'error_ratio' && e.component === 'coredns');
  return { ...full, entries, entriesFor: (s: string, c?: string) => entries.filter((e) => e.id === s && (c === undefined || e.component === c)) } as typeof full;
})();

function source(fn: (cluster: string, tMs: number) => number): MetricsSource {
  return { async query(req: MetricsRequest): Promise<MetricsAnswer> {
    const stepMs = req.stepSeconds * 1000;
    const { firstMs, n } = grid(req.startMs, req.endMs, stepMs);
    const series = req.clusters.map((cluster) => {
      const values = new Float64Array(n);
      for (let i = 0; i < n; i++) values[i] = fn(cluster, firstMs + i * stepMs);
      return { cluster, component: req.component!, signal: req.signal, startMs: firstMs, stepMs, values };
    });
    return { series, warnings: [], failedClusters: [], bytesFetched: 0 };
  } };
}

async function peerOutliers(fn: (cluster: string, tMs: number) => number) {
  const store = await memoryStore();
  const ctx = scanContext();
  const scanned = await scanShard({ inventory: { listClusters: async () => clusters }, metrics: source(fn), store, catalog: errorRatio }, ctx, {
    shard: { index: 0, count: 1 }, endMs: E0, stepSeconds: 300, lookbackHours: 48, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2,
  });
  const fin = await finalizeScan({ store, catalog: errorRatio, clusters }, ctx, {
    endMs: E0, shardCount: 1, peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 5, lookbackHours: 24, peers: [scanned.peers],
  });
  return fin.peerOutliers;
}

describe('peer outliers on a zero level', () => {
  it('does not report a cluster whose error ratio moved from 0 to 0.002 % while its peers stayed at 0', async () => {
    const outliers = await peerOutliers((c, t) => (c === 'c3' && t >= E0 - 20 * MIN ? 2e-5 : 0));

    expect(outliers).toEqual([]);
  });

  it('still reports one whose error ratio moved from 0 to 5 % while its peers stayed at 0', async () => {
    const outliers = await peerOutliers((c, t) => (c === 'c3' && t >= E0 - 20 * MIN ? 0.05 : 0));

    expect(outliers.map((o) => o.cluster)).toEqual(['c3']);
  });
});
