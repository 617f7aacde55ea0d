/** Finalize when one shard's stored results cannot be read: the other shards are still merged. */
import { describe, expect, it } from 'vitest';
import type { Cluster, Series } from '../../src/fleet/types.js';
import { finalizeScan } from '../../src/scan/finalize-scan.js';
import { PEERS_KEY, putShardPeers } from '../../src/scan/shard-results.js';
import { collectShardPeers, PEER_BASELINE_POINTS, PEER_WINDOW_POINTS } from '../../src/scan/peer-window.js';
import { catalog, memoryStore, scanContext } from './fleet-fixtures.js';

const STEP = 300_000;
const END = Date.UTC(2026, 10, 30, 6);
const clusters = Array.from({ length: 12 }, (_, i) => ({ id: `c${i}`, region: 'r', versions: { coredns: 'v1' } })) as unknown as Cluster[];

function shardPeers(ids: string[], outlier?: string) {
  const peers = collectShardPeers.empty([], END, STEP);
  const points = PEER_BASELINE_POINTS + PEER_WINDOW_POINTS;
  for (const id of ids) {
    const values = Float64Array.from({ length: points }, (_, i) => (id === outlier && i >= PEER_BASELINE_POINTS ? 0.2 : 0.05) * (1 + 0.01 * ((i * 7 + id.length) % 5)));
    const s: Series = { cluster: id, component: 'coredns', signal: 'latency_p99', startMs: END - points * STEP, stepMs: STEP, values };
    collectShardPeers.add(peers, 'latency_p99|coredns', s);
  }
  return peers;
}
const options = { endMs: END, shardCount: 2, peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 5, lookbackHours: 24 };

describe('finalizeScan with a shard whose results cannot be read', () => {
  it.each([
    ['its peer window', (i: number) => PEERS_KEY(END, i, 2)],
    ['its outcome', (i: number) => `${PEERS_KEY(END, i, 2)}:outcome`],
  ])('merges the other shards and reports that one, naming it and why, when %s is damaged', async (_what, key) => {
    const store = await memoryStore();
    await putShardPeers(store, shardPeers(['c0', 'c1', 'c2', 'c3', 'c4', 'c5'], 'c2'), { index: 0, count: 2 }, 0);
    await putShardPeers(store, shardPeers(['c6', 'c7', 'c8', 'c9', 'c10', 'c11']), { index: 1, count: 2 }, 0);
    await store.baselines.put(key(1), Buffer.from('not a shard result'), END, 0);
    const ctx = scanContext();

    const fin = await finalizeScan({ store, catalog, clusters }, ctx, options);

    expect(fin.peerOutliers.map((r) => r.cluster)).toEqual(['c2']);
    expect(fin.missingShards).toEqual(['1/2']);
    expect(ctx.failures.map((f) => f.part)).toEqual(['shard:1/2']);
    expect(ctx.failures[0].message).toMatch(/^shard 1\/2 results for 2026-11-30T06:00:00.000Z cannot be read \(.+\)/);
  });
});
