import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Store } from '../../src/adapters/store/types.js';
import type { Cluster, Series } from '../../src/fleet/types.js';
import { finalizeScan } from '../../src/scan/finalize-scan.js';
import { PEERS_KEY, putShardPeers } from '../../src/scan/shard-results.js';
import { collectShardPeers, PEER_BASELINE_POINTS, PEER_WINDOW_POINTS } from '../../src/scan/peer-window.js';
import { catalog, memoryStore, scanContext } from './fleet-fixtures.js';

const H = 3_600_000;
const STEP = 300_000;
const END = Date.UTC(2026, 10, 30, 6);
const clusters = Array.from({ length: 8 }, (_, i) => ({ id: `c${i}`, region: 'r', versions: { coredns: 'v1' } })) as unknown as Cluster[];

/** A shard's peer window at `endMs`: latency of its clusters, flat, or 4× in the window for `outlier`. */
function shardPeers(endMs: number, ids: string[], outlier?: string) {
  const peers = collectShardPeers.empty([], endMs, STEP);
  const points = PEER_BASELINE_POINTS + PEER_WINDOW_POINTS;
  for (const id of ids) {
    const values = Float64Array.from({ length: points }, (_, i) => (id === outlier && i >= PEER_BASELINE_POINTS ? 0.2 : 0.05) * (1 + 0.01 * ((i * 7 + id.length) % 5)));
    const s: Series = { cluster: id, component: 'coredns', signal: 'latency_p99', startMs: endMs - points * STEP, stepMs: STEP, values };
    collectShardPeers.add(peers, 'latency_p99|coredns', s);
  }
  return peers;
}
const options = (endMs: number, shardCount: number) => ({ endMs, shardCount, peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 5, lookbackHours: 24 });

const stores: Store[] = [];
afterEach(async () => Promise.all(stores.splice(0).map((s) => s.close())));
const open = async () => {
  const s = await memoryStore();
  stores.push(s);
  return s;
};

describe('finalizeScan reading the shards from the store', () => {
  it('merges the shards the window ran with when its own shard count differs (the finalize CronJob without FLEETOPS_SHARD_COUNT)', async () => {
    const store = await open();
    await putShardPeers(store, shardPeers(END, ['c0', 'c1', 'c2', 'c3'], 'c2'), { index: 0, count: 2 }, 0);
    await putShardPeers(store, shardPeers(END, ['c4', 'c5', 'c6', 'c7']), { index: 1, count: 2 }, 0);
    const ctx = scanContext();

    const fin = await finalizeScan({ store, catalog, clusters }, ctx, options(END, 1));

    expect(ctx.failures).toEqual([]);
    expect([fin.shardCount, fin.missingShards]).toEqual([2, []]);
    // the outlier needs the peers of both shards: four clusters alone are fewer than the five peers a finding needs
    expect(fin.peerOutliers.map((r) => [r.cluster, r.kind])).toEqual([['c2', 'peer-outlier']]);
    expect(fin.inserted).toBe(1);
  });

  it('keeps shard results in a ring of 48 hourly slots, so the store does not grow by one blob per shard every hour', () => {
    const keys = new Set(Array.from({ length: 24 * 30 }, (_, h) => PEERS_KEY(END + h * H, 3, 8)));

    expect(keys.size).toBe(48);
    expect(PEERS_KEY(END + 48 * H, 3, 8)).toBe(PEERS_KEY(END, 3, 8));
  });

  it('reports the shards of a window whose slot a later window took as missing, instead of merging the later window', async () => {
    const store = await open();
    for (const endMs of [END, END + 48 * H]) {
      await putShardPeers(store, shardPeers(endMs, ['c0', 'c1', 'c2', 'c3']), { index: 0, count: 2 }, 0);
      await putShardPeers(store, shardPeers(endMs, ['c4', 'c5', 'c6', 'c7']), { index: 1, count: 2 }, 0);
    }
    const old = scanContext();
    const latest = scanContext();

    const stale = await finalizeScan({ store, catalog, clusters }, old, options(END, 2));
    const fresh = await finalizeScan({ store, catalog, clusters }, latest, options(END + 48 * H, 2));

    expect(stale.missingShards).toEqual(['0/2', '1/2']);
    expect(old.failures.map((f) => f.part)).toEqual(['shard:0/2', 'shard:1/2']);
    expect([fresh.missingShards, latest.failures]).toEqual([[], []]);
  });

  it.each<[string, string[] | 'missing', number, string]>([
    ['closes it when every shard saw the fleet', [], 2, 'closed'],
    ['keeps it open when a shard could not read one of its clusters', ['c2'], 2, 'alert-1'],
    ['keeps it open when a shard did not finish', 'missing', 2, 'alert-1'],
    ['keeps it open when its clusters were last seen in it as long ago as the blind hold', ['c2'], 3, 'alert-1'],
    ['closes it when a shard could not read one of its clusters for longer than the blind hold', ['c2'], 4, 'closed'],
    ['closes it when shards did not finish for longer than the blind hold', 'missing', 4, 'closed'],
    ['closes it when the cluster a shard could not read had only warnings in it', ['c5'], 2, 'closed'],
  ])('a fleet-wide episode whose dips are no longer recent: %s', async (_, shard1, endedHoursAgo, expected) => {
    const store = await open();
    const chat = createOutboxChat({ dir: join(mkdtempSync(join(tmpdir(), 'fleet-alert-')), 'slack'), clock: fixedClock(END) });
    // the episode's last rows ended hours before this window: not live any more
    await store.anomalies.upsertMany(['c0', 'c1', 'c2', 'c3', 'c4', 'c5'].map((cluster) => ({
      id: `dip-${cluster}`, runId: 'r0', cluster, component: 'coredns', signal: 'availability', kind: 'dip' as const, severity: cluster === 'c5' ? 'warning' as const : 'critical' as const,
      startMs: END - 5 * H, endMs: END - endedHoursAgo * H, score: 1, details: {},
    })));
    const key = 'scan-alert-open:dip:coredns:availability';
    await store.publications.put({ key, sink: 'chat', externalId: 'alert-1', contentHash: '', updatedAtMs: END - 2 * H });
    await putShardPeers(store, shardPeers(END, ['c0', 'c1', 'c2', 'c3']), { index: 0, count: 2 }, 0);
    if (shard1 !== 'missing') {
      await putShardPeers(store, shardPeers(END, ['c4', 'c5', 'c6', 'c7']), { index: 1, count: 2 }, 0, { failedParts: [], failedClusters: shard1.length, failedClusterIds: shard1 });
    }

    await finalizeScan({ store, catalog, clusters, chat }, scanContext(), { ...options(END, 2), alertChannel: '#fleet' });

    expect((await store.publications.get(key))?.externalId).toBe(expected);
  });
});

