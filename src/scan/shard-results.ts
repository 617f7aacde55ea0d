import type { Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { decodeShardPeers, encodeShardPeers, type ShardPeers } from './peer-window.js';

/**
 * What each shard of an Indexed Job hands the finalize step through the store: its peer window, how
 * it ended, and the shard count it ran with. Kept in a ring of PEER_SLOTS hourly slots, each
 * overwritten two days later (one key per window grew the store by ~11 MB an hour at 1,400 clusters,
 * never read again); every entry holds its window's end (`throughMs`), so finalize takes only the
 * window it asks for.
 */
const PEER_SLOTS = 48;
const slotOf = (endMs: number) => Math.floor(endMs / 3_600_000) % PEER_SLOTS;
export const PEERS_KEY = (endMs: number, index: number, count: number) => `peers:slot${slotOf(endMs)}:${index}/${count}`;
const OUTCOME_KEY = (endMs: number, index: number, count: number) => `${PEERS_KEY(endMs, index, count)}:outcome`;
/** The shard count the window's shards ran with (finalize merges that many, whatever its own config says). */
export const PEERS_COUNT_KEY = (endMs: number) => `peers:slot${slotOf(endMs)}:count`;

/** How a shard's scan ended: the parts that failed (`signal:…`) and the clusters that got no answer. */
export interface ShardOutcome {
  failedParts: string[];
  failedClusters: number;
  /** Which clusters got no answer (absent in outcomes written before it was kept). */
  failedClusterIds?: string[];
}

/** Store a shard's results for finalize; the outcome first, so results never stand without it. */
export async function putShardPeers(store: Store, peers: ShardPeers, shard: { index: number; count: number }, nowMs: number, outcome: ShardOutcome = { failedParts: [], failedClusters: 0 }): Promise<void> {
  await store.baselines.put(OUTCOME_KEY(peers.endMs, shard.index, shard.count), Buffer.from(JSON.stringify(outcome)), peers.endMs, nowMs);
  await store.baselines.put(PEERS_KEY(peers.endMs, shard.index, shard.count), encodeShardPeers(peers), peers.endMs, nowMs);
  await store.baselines.put(PEERS_COUNT_KEY(peers.endMs), Buffer.from(String(shard.count)), peers.endMs, nowMs);
}

export interface ShardResults {
  parts: ShardPeers[];
  shardCount: number;
  /** Shards with no results for the window: they did not finish. */
  missingShards: string[];
  /** Shards that finished with failures, and what failed. */
  failedShards: { shard: string; outcome: ShardOutcome }[];
  /** Shards whose stored results cannot be read (damaged, or another version's format), and why. */
  unreadableShards: { shard: string; reason: string }[];
}

/** The window's shard results; a slot still holding another window counts as missing. */
export async function loadShardResults(store: Store, endMs: number, configuredCount: number, logger: JobContext['logger']): Promise<ShardResults> {
  const shardCount = await shardCountOfWindow(store, endMs, configuredCount, logger);
  const out: ShardResults = { parts: [], shardCount, missingShards: [], failedShards: [], unreadableShards: [] };
  for (let i = 0; i < shardCount; i++) {
    const shard = `${i}/${shardCount}`;
    const blob = await store.baselines.get(PEERS_KEY(endMs, i, shardCount));
    if (!blob || blob.throughMs !== endMs) {
      out.missingShards.push(shard);
      continue;
    }
    const saved = await store.baselines.get(OUTCOME_KEY(endMs, i, shardCount));
    let part: ShardPeers;
    let outcome: ShardOutcome | undefined;
    // one damaged shard result (or one of another version) failed the whole finalize: the others are merged
    try {
      part = decodeShardPeers(blob.state);
      outcome = saved && saved.throughMs === endMs ? (JSON.parse(Buffer.from(saved.state).toString()) as ShardOutcome) : undefined;
    } catch (err) {
      out.unreadableShards.push({ shard, reason: (err as Error).message });
      continue;
    }
    out.parts.push(part);
    if (outcome && (outcome.failedParts.length > 0 || outcome.failedClusters > 0)) out.failedShards.push({ shard, outcome });
  }
  return out;
}

/**
 * The count the window's shards ran with. The Indexed Job's pods read FLEETOPS_SHARD_COUNT, which the
 * finalize CronJob may lack: with scan.shards at its default 1 it looked for shard 0/1 only and
 * reported it missing every hour, merging none of the shards that did finish.
 */
async function shardCountOfWindow(store: Store, endMs: number, configuredCount: number, logger: JobContext['logger']): Promise<number> {
  const mark = await store.baselines.get(PEERS_COUNT_KEY(endMs));
  const ran = mark && mark.throughMs === endMs ? Number(Buffer.from(mark.state).toString()) : NaN;
  if (!Number.isInteger(ran) || ran < 1) return configuredCount;
  if (ran !== configuredCount) logger.warn({ shardsRan: ran, shardCount: configuredCount }, 'the window\'s shards ran with another shard count than finalize has (FLEETOPS_SHARD_COUNT or scan.shards): merging the shards that ran');
  return ran;
}
