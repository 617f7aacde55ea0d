/**
 * Peer outliers on series whose own level is zero (an error ratio with no errors): the departure
 * from the level is measured against the same floor the series' own detectors use.
 */
import { describe, expect, it } from 'vitest';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { finalizeScan } from '../../src/scan/finalize-scan.js';
import { catalogOf, memoryStore, plainClusters, scanContext, valueSource } from './fleet-fixtures.js';

const E0 = Date.UTC(2025, 0, 10);
const MIN = 60_000;
const clusters = plainClusters(12);
const errorRatio = catalogOf((e) => e.id === 'error_ratio' && e.component === 'coredns');
const source = valueSource;

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
