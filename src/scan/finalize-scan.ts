import type { ChatChannel } from '../adapters/chat/types.js';
import type { AnomalyRow, Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { computePeerStats, scorePeerOutliers } from '../detect/index.js';
import type { Cluster } from '../fleet/types.js';
import type { SignalCatalog } from '../signals/catalog.js';
import { findingId } from './finding-id.js';
import { mergeShardPeers, peerWindowLastMs, type ShardPeers } from './peer-window.js';
import { loadShardResults } from './shard-results.js';
import { fleetAlertMessage, fleetWideGroups } from './fleet-alert.js';
import { compareText } from '../core/compare-text.js';

const PEER_MIN_PEERS = 5;
const PEER_MIN_SCALE = 0.05;

export interface FinalizeOptions {
  endMs: number;
  shardCount: number;
  /** In-process shard results (unsharded run); otherwise read from the store. */
  peers?: ShardPeers[];
  peerZThreshold: number;
  /** Outlier points (of PEER_WINDOW_POINTS) needed to report a cluster. */
  peerMinPoints: number;
  /** A severe finding is fleet-wide when at least this many clusters share it. */
  fleetWideMinClusters: number;
  alertChannel?: string;
  lookbackHours: number;
  /**
   * Clusters this run could not read (their queries failed), in an unsharded run; a sharded run's come
   * from the shards' outcomes. A fleet-wide episode on them is not closed by a run that did not see them,
   * until the blind hold has passed since they were last seen in it.
   */
  unscannedClusters?: string[];
  /** How long after a cluster was last seen in a fleet-wide episode a run blind to it keeps the episode open (default BLIND_HOLD_MINUTES). */
  blindHoldMinutes?: number;
}

/** Three hourly runs: a longer blindness closes the episode, so a new one pages instead of editing the old alert. */
export const BLIND_HOLD_MINUTES = 180;

export interface FinalizeResult {
  /** The shard count merged: the one the window's shards ran with, else opts.shardCount. */
  shardCount: number;
  missingShards: string[];
  /** Shards that finished with failures (`i/n`): their failed clusters are not in the fleet-wide peers. */
  failedShards: string[];
  peerOutliers: AnomalyRow[];
  /** Peer outliers stored for the first time. */
  inserted: number;
  fleetAlerts: number;
}

/** Merge shards, compute fleet-wide peer outliers, report missing shards, alert on new fleet-wide severe findings. */
export async function finalizeScan(
  deps: { store: Store; catalog: SignalCatalog; clusters: Cluster[]; chat?: ChatChannel },
  ctx: Pick<JobContext, 'runId' | 'fail' | 'logger'>, opts: FinalizeOptions,
): Promise<FinalizeResult> {
  const { parts, missingShards: unfinished, failedShards, unreadableShards, shardCount } = opts.peers
    ? { parts: opts.peers, missingShards: [], failedShards: [], unreadableShards: [], shardCount: opts.shardCount }
    : await loadShardResults(deps.store, opts.endMs, opts.shardCount, ctx.logger);
  const at = new Date(opts.endMs).toISOString();
  unfinished.forEach((s) => ctx.fail(`shard:${s}`, new Error(`shard ${s} did not finish: its clusters were not scanned for ${at}`)));
  for (const { shard, reason } of unreadableShards) {
    ctx.fail(`shard:${shard}`, new Error(`shard ${shard} results for ${at} cannot be read (${reason}): its clusters are missing from the fleet-wide peers; run that shard again for this window (--shard ${shard} --end ${at})`));
  }
  // a shard whose results cannot be read is as blind as one that did not finish
  const missingShards = [...unfinished, ...unreadableShards.map((u) => u.shard)].sort(compareShards);
  for (const { shard, outcome } of failedShards) {
    const parts = outcome.failedParts.slice(0, 3).join(', ') + (outcome.failedParts.length > 3 ? `, … ${outcome.failedParts.length - 3} more` : '');
    ctx.fail(`shard:${shard}`, new Error(`shard ${shard} finished with failures for ${at} (${parts || 'no part named'}): ${outcome.failedClusters} clusters got no answer and are missing from the fleet-wide peers; see that shard's run`));
  }
  const peerOutliers = peerFindings(mergeShardPeers(parts), deps, ctx.runId, opts);
  const { inserted } = await deps.store.anomalies.upsertMany(peerOutliers);
  // a run blind to some clusters cannot say an episode on them ended (a shard that did not finish: to any)
  const unscanned: Unscanned = missingShards.length > 0 ? 'all' : new Set([...(opts.unscannedClusters ?? []), ...failedShards.flatMap((f) => f.outcome.failedClusterIds ?? [])]);
  const fleetAlerts = deps.chat && opts.alertChannel ? await alertFleetWide(deps as Required<typeof deps>, ctx, opts, unscanned) : 0;
  return { shardCount, missingShards, failedShards: failedShards.map((f) => f.shard), peerOutliers, inserted, fleetAlerts };
}

function peerFindings(peers: ShardPeers, deps: { catalog: SignalCatalog; clusters: Cluster[] }, runId: string, opts: FinalizeOptions): AnomalyRow[] {
  const byId = new Map(deps.clusters.map((c) => [c.id, c]));
  const out: AnomalyRow[] = [];
  for (const [key, { clusters, rows }] of [...peers.series].sort(([a], [b]) => compareText(a, b))) {
    const [signal, component] = key.split('|');
    const entry = deps.catalog.entriesFor(signal, component)[0];
    if (!entry) continue;
    const groups = clusters.map((id) => `${byId.get(id)?.versions[component as never] ?? '?'}|${byId.get(id)?.region ?? '?'}`);
    const stats = computePeerStats(rows, groups);
    rows.forEach((row, r) => {
      // rows are relative departures from each cluster's own level: a floor of 5% keeps peers that
      // all sit still (MAD ≈ 0) from turning ordinary noise into huge z
      const z = scorePeerOutliers(row, stats.groups.get(groups[r])!, { minPeers: PEER_MIN_PEERS, minScale: PEER_MIN_SCALE });
      // the points beyond the threshold in the bad direction: how many, the first, the largest
      // (a loop: an object per point for 1,000 rows × 288 points was most of finalize's garbage)
      const sign = entry.badDirection === 'up' ? 1 : -1;
      let count = 0;
      let first = -1;
      let max = -Infinity;
      for (let t = 0; t < z.length; t++) {
        const v = sign * z[t];
        if (!(v > opts.peerZThreshold)) continue;
        if (first < 0) first = t;
        count++;
        if (v > max) max = v;
      }
      if (count < opts.peerMinPoints) return;
      const startMs = peerWindowLastMs(peers) - (row.length - 1 - first) * peers.stepMs;
      out.push({
        id: findingId({ cluster: clusters[r], component, signal, kind: 'peer-outlier', startMs }), runId, cluster: clusters[r], component, signal,
        kind: 'peer-outlier', severity: 'warning', startMs, endMs: peers.endMs, score: Math.min(1, max / (4 * opts.peerZThreshold)),
        details: { peerGroup: groups[r], peers: stats.groups.get(groups[r])!.count[first], maxRobustZ: Math.round(max * 10) / 10, outlierPoints: count },
      });
    });
  }
  return out;
}

type Unscanned = Set<string> | 'all';
type Ctx = Pick<JobContext, 'fail' | 'logger'>;

const openKey = (g: { kind: string; component: string; signal: string }) => `scan-alert-open:${g.kind}:${g.component}:${g.signal}`;

/**
 * Posts (or edits) one alert per fleet-wide group of recent critical findings. An episode keeps the
 * key of its first alert while its group stays fleet-wide, recorded as a publication
 * (`scan-alert-open:<kind>:<component>:<signal>`): the group's start moves when its earliest
 * cluster recovers or an earlier row turns critical, and a key built from it would page again for the
 * same incident. A group no longer fleet-wide closes its episode (see closeEpisodes for runs blind to
 * its clusters); the next one pages anew.
 */
async function alertFleetWide(deps: { store: Store; chat: ChatChannel }, ctx: Ctx, opts: FinalizeOptions, unscanned: Unscanned): Promise<number> {
  const rows = await deps.store.anomalies.list({ startMs: opts.endMs - opts.lookbackHours * 3_600_000, endMs: opts.endMs, kinds: ['dip', 'missing-data'] });
  const groups = fleetWideGroups(rows.filter((r) => r.severity === 'critical' && r.endMs >= opts.endMs - 3_600_000), opts.fleetWideMinClusters);
  let posted = 0;
  for (const g of groups) {
    try {
      const open = await deps.store.publications.get(openKey(g));
      const msg = fleetAlertMessage(g, opts.alertChannel!, open && open.externalId !== CLOSED ? open.externalId : undefined);
      const r = await deps.chat.upsertMessage(msg);
      if (open?.externalId !== msg.idempotencyKey) await deps.store.publications.put({ key: openKey(g), sink: 'chat', externalId: msg.idempotencyKey, contentHash: '', updatedAtMs: opts.endMs });
      if (r.created) posted++;
    } catch (err) {
      ctx.fail('sink:chat', err);
    }
  }
  await closeEpisodes(deps.store, ctx, opts, rows, new Set(groups.map(openKey)), unscanned);
  return posted;
}

/** Close the episodes of the look-back that are no longer fleet-wide, unless this run could not see them end. */
async function closeEpisodes(store: Store, ctx: Ctx, opts: FinalizeOptions, rows: AnomalyRow[], live: Set<string>, unscanned: Unscanned): Promise<void> {
  // an episode whose clusters this run could not read stays open: closed, it paged again when the data
  // came back with its start moved (its earliest cluster having recovered unseen). Only for a while after
  // such a cluster was last seen in it: one failing for hours held it open for the whole look-back, and a
  // new episode then edited the old alert instead of paging
  const holdFromMs = opts.endMs - (opts.blindHoldMinutes ?? BLIND_HOLD_MINUTES) * 60_000;
  const blindRows = rows.filter((r) => r.severity === 'critical' && (unscanned === 'all' || unscanned.has(r.cluster)));
  const held = new Set(blindRows.filter((r) => r.endMs >= holdFromMs).map(openKey));
  const unseen = new Set(blindRows.map(openKey));
  for (const key of new Set(rows.map(openKey))) {
    if (live.has(key) || held.has(key)) continue;
    try {
      const open = await store.publications.get(key);
      if (!open || open.externalId === CLOSED) continue;
      await store.publications.put({ ...open, externalId: CLOSED, updatedAtMs: opts.endMs });
      if (unseen.has(key)) {
        ctx.logger.warn({ episode: key, alert: open.externalId, blindHoldMinutes: opts.blindHoldMinutes ?? BLIND_HOLD_MINUTES }, 'closed a fleet-wide episode on clusters not read for longer than the blind hold: it may not have ended; a new episode of it pages anew');
      }
    } catch (err) {
      ctx.fail('store:fleet-alert', err);
    }
  }
}

const compareShards = (a: string, b: string) => Number(a.split('/')[0]) - Number(b.split('/')[0]);

/** What an episode's record holds once its group is no longer fleet-wide (or went unseen past the blind hold). */
const CLOSED = 'closed';
