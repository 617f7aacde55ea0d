import PQueue from 'p-queue';
import { CausalScorer } from '../detect/causal-score.js';
import { LevelShiftTracker } from '../detect/level-shift-tracker.js';
import { DipTracker } from '../detect/dip-tracker.js';
import type { Inventory } from '../adapters/inventory/types.js';
import type { MetricsAnswer, MetricsSource } from '../adapters/metrics/types.js';
import type { AnomalyRow, Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { mapLimit } from '../core/map-limit.js';
import { selectShard } from '../fleet/sharding.js';
import { grid } from '../fleet/grid.js';
import type { Cluster, ComponentId } from '../fleet/types.js';
import type { CatalogEntry, SignalCatalog } from '../signals/catalog.js';
import { findingId } from './finding-id.js';
import { collectShardPeers, PEER_BASELINE_POINTS, PEER_WINDOW_POINTS, type ShardPeers } from './peer-window.js';
import { decodeClusterState, encodeClusterStateAsync } from './scan-state-codec.js';
import { DEFAULT_SCAN_OPTIONS, scanSeries, type SeriesScanState } from './series-scan.js';
import { isPartialWarning } from '../adapters/metrics/prometheus/partial-warning.js';

export interface FleetScanDeps {
  /** The fleet (a shard's clusters are picked from it); the job passes the list it already has. */
  inventory: Pick<Inventory, 'listClusters'>;
  metrics: MetricsSource;
  store: Store;
  catalog: SignalCatalog;
  /** Called after each signal × component batch: (done, total). */
  progress?: (done: number, total: number) => void;
}

export interface FleetScanOptions {
  shard: { index: number; count: number };
  /** End of the scan window (aligned down to the step). */
  endMs: number;
  stepSeconds: number;
  /** History fetched for a cluster without state, or on a full rebuild. */
  lookbackHours: number;
  /** Context fetched before the new window so burn-rate windows are complete. */
  contextHours: number;
  fullRebuild: boolean;
  /** Per-signal or per `signal:component` SLO overrides. */
  slo: Record<string, number>;
  /** A cluster is missing when no signal has a sample in this many minutes before endMs. */
  missingAfterMinutes: number;
  concurrency: number;
  /**
   * Clusters per batch (default: all): states, queries and detection run batch by batch, so memory
   * is bounded by one batch's scorer states rather than the shard's, and each batch is still one
   * query per signal × component (never one per cluster).
   */
  batchClusters?: number;
}

export interface ShardScanResult {
  clusters: number;
  series: number;
  findings: AnomalyRow[];
  inserted: number;
  failedClusters: string[];
  missingClusters: string[];
  bytesFetched: number;
  window: { startMs: number; endMs: number };
  peers: ShardPeers;
}

/** Smallest level relative changes are measured against, by unit (0.1% of requests; 1 ms). */
const RELATIVE_FLOOR: Record<string, number | undefined> = { ratio: 1e-3, seconds: 1e-3 };

const STATE_KEY = (cluster: string) => `scan:${cluster}`;
/** Compressions in flight on libuv's pool (4 threads by default). */
const CODEC_CONCURRENCY = 4;

/** Scan one shard: inventory → per signal × component queries → detectors → findings and states stored. */
export async function scanShard(deps: FleetScanDeps, ctx: Pick<JobContext, 'runId' | 'signal' | 'fail' | 'logger'>, opts: FleetScanOptions): Promise<ShardScanResult> {
  const stepMs = opts.stepSeconds * 1000;
  const endMs = Math.floor(opts.endMs / stepMs) * stepMs;
  const clusters = selectShard(await deps.inventory.listClusters(ctx.signal), opts.shard.index, opts.shard.count);
  const entries = deps.catalog.entries.filter((e) => e.kind === 'golden');
  const size = Math.max(1, opts.batchClusters ?? clusters.length);
  const batches = Math.max(1, Math.ceil(clusters.length / size));
  const acc = newAccumulator(clusters, endMs, stepMs);
  const missingClusters: string[] = [];
  let inserted = 0;
  let startMs = endMs;
  let done = 0;
  try {
    for (let b = 0; b < batches; b++) {
      const batch = clusters.slice(b * size, (b + 1) * size);
      const states = pruneStates(await loadStates(deps.store, batch, { ...opts, oldestMs: endMs - opts.lookbackHours * 3_600_000 }, ctx.logger), entries);
      const parts = windowParts(batch, states, endMs, opts);
      const hadStates = new Set([...states].filter(([, s]) => s.size).map(([id]) => id));
      for (const part of parts) startMs = Math.min(startMs, part.range.startMs);
      const built = new Set(batch.filter((c) => isBuilt(states.get(c.id))).map((c) => c.id));
      await fetchAndDetect(deps, ctx, opts, entries, parts, states, acc, () => deps.progress?.(++done, entries.length * batches));
      markUnbuilt(batch, states, acc, endMs, opts.fullRebuild ? await keepFailedStates(deps.store, batch, states, acc, opts.stepSeconds) : built);
      const missing = missingFindings(batch, acc, states, endMs, opts, ctx.runId, await openMissingStarts(deps.store, batch, acc, states, endMs, opts));
      missingClusters.push(...missing.map((m) => m.cluster));
      const rows = [...acc.pending, ...missing.map((m) => m.row)];
      acc.pending = [];
      const stored = await deps.store.anomalies.upsertMany(rows);
      inserted += stored.inserted;
      acc.findings.push(...rows);
      // (writing a batch's states while the next one is scanned was measured too: no faster, 100 MB more)
      await saveStates(deps.store, states, endMs, hadStates);
    }
  } finally {
    reportFailures(ctx, acc);
  }
  return {
    clusters: clusters.length, series: acc.series, findings: acc.findings, inserted,
    failedClusters: [...acc.failed], missingClusters, bytesFetched: acc.bytes,
    window: { startMs, endMs }, peers: acc.peers,
  };
}

interface Accumulator {
  /** Findings stored so far, and those of the batch being scanned. */
  findings: AnomalyRow[];
  pending: AnomalyRow[];
  series: number;
  bytes: number;
  failed: Set<string>;
  /** Clusters at least one query answered for: only these can be called silent. */
  answered: Set<string>;
  lastSeenMs: Map<string, number>;
  peers: ShardPeers;
  /** Per signal × component: the clusters it got no answer for, over all batches, and why. */
  failures: Map<string, { clusters: Set<string>; reasons: Set<string> }>;
  /** Per cluster: the series (`signal|component`) whose query failed for it in this run. */
  failedKeys: Map<string, Set<string>>;
}

function newAccumulator(clusters: Cluster[], endMs: number, stepMs: number): Accumulator {
  return { findings: [], pending: [], series: 0, bytes: 0, failed: new Set(), answered: new Set(), lastSeenMs: new Map(), peers: collectShardPeers.empty(clusters, endMs, stepMs), failures: new Map(), failedKeys: new Map() };
}

function noteFailure(acc: Accumulator, entry: CatalogEntry, clusters: readonly string[], reasons: readonly string[]): void {
  const part = `signal:${entry.id}:${entry.component}`;
  let f = acc.failures.get(part);
  if (!f) acc.failures.set(part, (f = { clusters: new Set(), reasons: new Set() }));
  // (a set: a cluster with a placeholder is in two of the signal's queries)
  for (const id of clusters) f.clusters.add(id);
  for (const r of reasons) f.reasons.add(r);
  for (const id of clusters) {
    let keys = acc.failedKeys.get(id);
    if (!keys) acc.failedKeys.set(id, (keys = new Set()));
    keys.add(`${entry.id}|${entry.component}`);
  }
}

/**
 * One failure per signal × component for the whole shard (not one per batch: against a server that
 * is down that was ~500 lines), with how many clusters got no answer, the first few, and why.
 */
function reportFailures(ctx: Pick<JobContext, 'fail'>, acc: Accumulator): void {
  for (const [part, f] of acc.failures) {
    const ids = [...f.clusters];
    const shown = ids.slice(0, 5).join(', ') + (ids.length > 5 ? `, … ${ids.length - 5} more` : '');
    const reasons = [...f.reasons];
    const why = reasons.length ? reasons.slice(0, 3).join('; ') + (reasons.length > 3 ? `; … ${reasons.length - 3} more` : '') : 'no reason given';
    ctx.fail(part, new Error(`no answer for ${ids.length} clusters (${shown}): ${why}`));
  }
}

/**
 * One query per signal × component × part, at most opts.concurrency in flight; each answer is
 * scored on the next turn of the event loop. `entryDone` is called once an entry's parts are scored.
 */
async function fetchAndDetect(
  deps: FleetScanDeps, ctx: Pick<JobContext, 'runId' | 'signal'>, opts: FleetScanOptions, entries: CatalogEntry[],
  parts: Part[], states: Map<string, Map<string, SeriesScanState>>, acc: Accumulator, entryDone: () => void,
): Promise<void> {
  const queue = new PQueue({ concurrency: opts.concurrency });
  const detections: Promise<void>[] = [];
  let backlog = 0;
  for (const entry of entries) {
    const mine = parts.filter((p) => p.key === undefined || p.key === `${entry.id}|${entry.component}`);
    let partsLeft = mine.length;
    for (const part of mine) {
      const { clusters: members, range } = part;
      void queue.add(async () => {
        const answer = await fetchEntry(deps, ctx, opts, entry, members, acc, range);
        // detect once this query's slot is free: the next query is then already on its way to the
        // server, which stays busy while the answer is scored (detection blocks the event loop)
        backlog++;
        const detection = nextTurn().then(() => {
          backlog--;
          if (answer) {
            // an error here (a bug, or an answer no source should give) is this query's failure for its
            // clusters, and the run goes on: thrown, it failed the whole scan (or, from a queued task, was unhandled)
            try {
              detectEntry(ctx, opts, entry, answer, members, states, acc, part);
            } catch (err) {
              const ids = members.map((c) => c.id);
              noteFailure(acc, entry, ids, [`detection failed: ${(err as Error)?.message ?? String(err)}`]);
              ids.forEach((id) => acc.failed.add(id));
            }
          }
          if (--partsLeft === 0) entryDone();
        });
        detections.push(detection);
        // but never hold more answers than queries in flight: a source that answers at once (the
        // simulator) would otherwise fetch the whole batch before the first detection
        if (backlog > opts.concurrency) await detection;
      });
    }
  }
  await queue.onIdle();
  await Promise.all(detections);
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

type Range = { startMs: number; endMs: number };
/**
 * One query per signal of these clusters over this range (only the signal `key`, when set: the part
 * that builds placeholders, SeriesScanState.unbuilt, from the full lookback). `skip`: by signal, the
 * clusters whose series another part builds, left alone here whichever answer comes first.
 */
interface Part { clusters: Cluster[]; range: Range; key?: string; skip?: ReadonlyMap<string, ReadonlySet<string>> }

/** One signal × component query for the batch; failures are recorded, and undefined returned. */
async function fetchEntry(
  deps: FleetScanDeps, ctx: Pick<JobContext, 'signal'>, opts: FleetScanOptions, entry: CatalogEntry,
  clusters: Cluster[], acc: Accumulator, range: Range,
): Promise<MetricsAnswer | undefined> {
  const ids = clusters.map((c) => c.id);
  let answer;
  try {
    answer = await deps.metrics.query({ signal: entry.id, component: entry.component, clusters: ids, ...range, stepSeconds: opts.stepSeconds, abortSignal: ctx.signal });
  } catch (err) {
    noteFailure(acc, entry, ids, [(err as Error)?.message ?? String(err)]);
    ids.forEach((id) => acc.failed.add(id));
    return undefined;
  }
  acc.bytes += answer.bytesFetched;
  if (answer.warnings.some(isPartialWarning) && answer.failedClusters.length === 0) answer = partialAnswer(answer, ids);
  answer.failedClusters.forEach((id) => acc.failed.add(id));
  const failed = new Set(answer.failedClusters);
  for (const id of ids) if (!failed.has(id)) acc.answered.add(id);
  if (answer.failedClusters.length) noteFailure(acc, entry, answer.failedClusters, answer.failureReasons ?? []);
  return answer;
}

/**
 * An answer that came with warnings (a Thanos or Mimir partial response: a store or ingester did not
 * answer) may lack clusters that do have data. A cluster it holds no series for is a failure of this
 * query, not a silence: its state stays where it was, to be fetched again, and it is not reported
 * missing on this answer's word. Only for a source that named no failed cluster: the Prometheus
 * adapter fails the clusters of each partial query itself, and a cluster another of its queries
 * answered with no series is silent.
 */

function partialAnswer(answer: MetricsAnswer, ids: string[]): MetricsAnswer {
  const present = new Set(answer.series.map((s) => s.cluster));
  const failed = new Set(answer.failedClusters);
  const absent = ids.filter((id) => !present.has(id) && !failed.has(id));
  if (absent.length === 0) return answer;
  const reason = `partial answer: ${answer.warnings.filter(isPartialWarning).slice(0, 3).join('; ')}`;
  return { ...answer, failedClusters: [...answer.failedClusters, ...absent], failureReasons: [...(answer.failureReasons ?? []), reason] };
}

/**
 * Score every series of one answer, carrying each series' state forward. A series with a stored
 * state that the server answered without (Prometheus leaves out a series with no sample in the
 * range: a component removed, a cluster gone quiet) is carried to the window's end as missing points,
 * as if it had been answered with NaN: its state otherwise stayed behind, and every later run fetched
 * the whole batch from its last point. A cluster whose query failed keeps its state, to be fetched again.
 */
function detectEntry(
  ctx: Pick<JobContext, 'runId'>, opts: FleetScanOptions, entry: CatalogEntry, answer: MetricsAnswer, members: Cluster[],
  states: Map<string, Map<string, SeriesScanState>>, acc: Accumulator, part: Part,
): void {
  const range = part.range;
  const slo = opts.slo[`${entry.id}:${entry.component}`] ?? opts.slo[entry.id] ?? entry.slo;
  const key = `${entry.id}|${entry.component}`;
  const stepMs = opts.stepSeconds * 1000;
  const spec = { component: entry.component, signal: entry.id, badDirection: entry.badDirection, slo: entry.id === DIP_SIGNAL ? slo : undefined, floor: RELATIVE_FLOOR[entry.unit] };
  const scan = (cluster: string, clusterStates: Map<string, SeriesScanState>, values: Float64Array, startMs: number): void => {
    // a placeholder (see SeriesScanState.unbuilt) is scanned as new, from this fetch's start
    const stored = clusterStates.get(key);
    const prev = stored?.unbuilt ? undefined : stored;
    const newFromMs = prev ? prev.throughMs + stepMs : range.startMs;
    const { findings, state } = scanSeries({ ...spec, cluster }, values, startMs, prev, { stepSeconds: opts.stepSeconds, newFromMs, runId: ctx.runId, ...DEFAULT_SCAN_OPTIONS });
    clusterStates.set(key, state);
    acc.pending.push(...findings);
  };
  const failed = new Set<string>(answer.failedClusters);
  const handled = new Set<string>(failed);
  for (const s of answer.series) {
    const clusterStates = states.get(s.cluster);
    // a cluster whose query failed in part (one piece of a split range) comes back with NaN where the
    // piece was: scanning it would carry its state past data never seen; it is fetched again whole
    if (!clusterStates || failed.has(s.cluster)) continue;
    handled.add(s.cluster);
    // its samples are samples, whichever part scans the series (isMissing)
    noteLastSeen(acc, s.cluster, s.values, s.startMs, s.stepMs);
    if (part.skip?.get(key)?.has(s.cluster)) continue;
    scan(s.cluster, clusterStates, s.values, s.startMs);
    acc.series++;
    collectShardPeers.add(acc.peers, key, s, spec.floor);
  }
  const { firstMs, n } = grid(range.startMs, range.endMs, stepMs);
  const lastMs = firstMs + (n - 1) * stepMs;
  for (const c of members) {
    const clusterStates = states.get(c.id);
    const prev = clusterStates?.get(key);
    if (!clusterStates || !prev || handled.has(c.id) || part.skip?.get(key)?.has(c.id)) continue;
    // a placeholder answered with no series: there is nothing to build (a component the cluster does not run)
    if (prev.unbuilt) {
      clusterStates.delete(key);
      continue;
    }
    const missing = Math.round((lastMs - prev.throughMs) / stepMs);
    if (missing > 0) scan(c.id, clusterStates, new Float64Array(missing).fill(NaN), prev.throughMs + stepMs);
  }
}

function noteLastSeen(acc: Accumulator, cluster: string, values: Float64Array, startMs: number, stepMs: number): void {
  for (let i = values.length - 1; i >= 0; i--) {
    if (Number.isNaN(values[i])) continue;
    const t = startMs + i * stepMs;
    if (t > (acc.lastSeenMs.get(cluster) ?? -Infinity)) acc.lastSeenMs.set(cluster, t);
    return;
  }
}

/**
 * Silent: a query answered for the cluster, and its last sample, in this run's answers or in its
 * stored states (a rerun of an earlier window fetches nothing new for a healthy cluster), is older
 * than the limit; and no signal whose query failed for it was still sending when last read.
 */
const isMissing = (c: Cluster, acc: Accumulator, states: Map<string, Map<string, SeriesScanState>>, limit: number, afterMs: number) =>
  acc.answered.has(c.id) && Math.max(acc.lastSeenMs.get(c.id) ?? -Infinity, previousLastSeen(states.get(c.id)) ?? -Infinity) < limit && !blindTo(c, acc, states, afterMs);

/**
 * Whether a series whose query failed for the cluster had a sample within `afterMs` of the end of
 * its stored state: it may have samples since, unseen. (Queries that answered with no series, for
 * components the cluster does not run, do not make it silent then.)
 */
function blindTo(c: Cluster, acc: Accumulator, states: Map<string, Map<string, SeriesScanState>>, afterMs: number): boolean {
  for (const key of acc.failedKeys.get(c.id) ?? []) {
    const s = states.get(c.id)?.get(key);
    if (s?.lastSeenMs !== undefined && s.lastSeenMs >= s.throughMs - afterMs) return true;
  }
  return false;
}

/**
 * Where the missing-data episode of a cluster never seen in the lookback began, from the rows earlier
 * runs stored: without a last sample, the start would be "lookback ago" and move every run, giving a
 * new row (and a new fleet alert) each hour for the same silence.
 */
async function openMissingStarts(store: Store, clusters: Cluster[], acc: Accumulator, states: Map<string, Map<string, SeriesScanState>>, endMs: number, opts: FleetScanOptions): Promise<Map<string, number>> {
  const limit = endMs - opts.missingAfterMinutes * 60_000;
  const never = new Set(clusters.filter((c) => isMissing(c, acc, states, limit, opts.missingAfterMinutes * 60_000) && acc.lastSeenMs.get(c.id) === undefined && previousLastSeen(states.get(c.id)) === undefined).map((c) => c.id));
  const out = new Map<string, number>();
  if (never.size === 0) return out;
  const rows = await store.anomalies.list({ startMs: endMs - opts.lookbackHours * 3_600_000, endMs, kinds: ['missing-data'] });
  for (const r of rows) {
    if (never.has(r.cluster) && r.startMs < (out.get(r.cluster) ?? Infinity)) out.set(r.cluster, r.startMs);
  }
  return out;
}

function missingFindings(clusters: Cluster[], acc: Accumulator, states: Map<string, Map<string, SeriesScanState>>, endMs: number, opts: FleetScanOptions, runId: string, openStarts = new Map<string, number>()): { cluster: string; row: AnomalyRow }[] {
  const limit = endMs - opts.missingAfterMinutes * 60_000;
  // one failing signal must not hide a silent cluster: any query that answered for it is enough, unless
  // the failing one was still sending when last read (blindTo)
  return clusters.filter((c) => isMissing(c, acc, states, limit, opts.missingAfterMinutes * 60_000)).map((c) => {
    const lastSeen = acc.lastSeenMs.get(c.id) ?? previousLastSeen(states.get(c.id));
    const startMs = lastSeen !== undefined ? lastSeen + opts.stepSeconds * 1000 : openStarts.get(c.id) ?? endMs - opts.lookbackHours * 3_600_000;
    return {
      cluster: c.id,
      row: {
        id: findingId({ cluster: c.id, component: '*', signal: '*', kind: 'missing-data', startMs }), runId, cluster: c.id, component: '*', signal: '*',
        kind: 'missing-data', severity: 'critical', startMs, endMs, score: 1,
        details: { expectedBy: 'inventory', lastSampleMs: lastSeen ?? null, region: c.region, tier: c.tier },
      },
    };
  });
}

function previousLastSeen(states: Map<string, SeriesScanState> | undefined): number | undefined {
  const v = Math.max(...[...(states?.values() ?? [])].map((s) => s.lastSeenMs ?? -Infinity));
  return Number.isFinite(v) ? v : undefined;
}

/**
 * Stored states by cluster. A cluster whose state an older detector version wrote, or a state for
 * another step (the config changed), or whose stored state cannot be read, starts afresh: its whole
 * lookback is fetched and its baselines rebuilt in this run (an upgrade needs no --full, and one
 * damaged row does not stop the scan). So does a cluster whose availability series were stored
 * before their SLO burn-rate history was kept: a tracker started on an hourly run's ~7 h would judge
 * the 3-day ticket rule on those hours for the next three days.
 */
/**
 * The batch's stored states; a cluster's are dropped (rebuilt from the full lookback) when written by an
 * older version, damaged, or older than the lookback (`oldestMs`): the scorers keep their daily cycle by
 * rows, and the points between such a state and the lookback are never fetched, so every "this time
 * yesterday" after them would be off by the gap (a job suspended for more than the lookback).
 */
async function loadStates(store: Store, clusters: Cluster[], opts: Pick<FleetScanOptions, 'fullRebuild' | 'stepSeconds'> & { oldestMs: number }, logger: JobContext['logger']): Promise<Map<string, Map<string, SeriesScanState>>> {
  const out = new Map<string, Map<string, SeriesScanState>>();
  let stale = 0;
  let old = 0;
  const stored = opts.fullRebuild ? new Map() : await store.baselines.getMany(clusters.map((c) => STATE_KEY(c.id)));
  const decoded = clusters.map((c) => {
    const saved = stored.get(STATE_KEY(c.id));
    try {
      return saved ? decodeClusterState(saved.state) : new Map<string, SeriesScanState>();
    } catch (err) {
      logger.warn({ cluster: c.id, key: STATE_KEY(c.id), err: (err as Error).message }, 'stored detector state cannot be read: rebuilding this cluster from the full lookback');
      return undefined;
    }
  });
  clusters.forEach((c, j) => {
    const states = decoded[j];
    const current = states !== undefined && [...states].every(([key, s]) => isCurrent(key, s, opts.stepSeconds));
    const recent = current && [...states.values()].every((s) => s.unbuilt || s.throughMs >= opts.oldestMs);
    if (states && !current) stale++;
    else if (current && !recent) old++;
    out.set(c.id, recent ? states : new Map());
  });
  if (stale) logger.warn({ clusters: stale }, 'detector state from an older version (or damaged): rebuilding these clusters from the full lookback');
  if (old) logger.warn({ clusters: old }, 'detector state older than the lookback (no points fetched for longer): rebuilding these clusters from the full lookback');
  return out;
}

/**
 * A rebuild (`--full`) starts each series afresh, and the cluster's stored state is written over at
 * the end: a series whose query failed this run would lose its state. It keeps the stored one (current
 * version), to be fetched on from there by the next run.
 */
async function keepFailedStates(store: Store, batch: Cluster[], states: Map<string, Map<string, SeriesScanState>>, acc: Accumulator, stepSeconds: number): Promise<Set<string>> {
  const kept = new Set<string>();
  const hit = batch.filter((c) => [...(acc.failedKeys.get(c.id) ?? [])].some((key) => !states.get(c.id)?.has(key)));
  if (hit.length === 0) return kept;
  const stored = await store.baselines.getMany(hit.map((c) => STATE_KEY(c.id)));
  for (const c of hit) {
    const saved = stored.get(STATE_KEY(c.id));
    let before: Map<string, SeriesScanState>;
    try {
      if (!saved) continue;
      before = decodeClusterState(saved.state);
    } catch {
      continue; // unreadable: nothing to keep
    }
    if ([...before].some(([k, st]) => !st.unbuilt && isCurrent(k, st, stepSeconds))) kept.add(c.id);
    let now = states.get(c.id);
    if (!now) states.set(c.id, (now = new Map()));
    for (const key of acc.failedKeys.get(c.id) ?? []) {
      const s = before.get(key);
      if (s && !now.has(key) && isCurrent(key, s, stepSeconds)) now.set(key, s);
    }
  }
  return kept;
}

/**
 * Placeholders (SeriesScanState.unbuilt, written with the cluster's state) for the series whose query
 * failed while they had no state: the cluster's next run fetches its full lookback and builds them.
 * For a cluster that was scanned before (`built`), only for a component the inventory says it runs:
 * a failed query for a component it does not run would otherwise refetch the whole lookback of every
 * cluster of the batch. A placeholder still failing is moved to this run's end (never "older than the
 * lookback", which would rebuild the whole cluster).
 */
function markUnbuilt(batch: Cluster[], states: Map<string, Map<string, SeriesScanState>>, acc: Accumulator, endMs: number, built: ReadonlySet<string>): void {
  for (const c of batch) {
    let clusterStates = states.get(c.id);
    for (const key of acc.failedKeys.get(c.id) ?? []) {
      const s = clusterStates?.get(key);
      if (s) {
        if (s.unbuilt) s.throughMs = endMs;
        continue;
      }
      const component = key.slice(key.indexOf('|') + 1);
      if (built.has(c.id) && c.versions[component as ComponentId] === undefined) continue;
      if (!clusterStates) states.set(c.id, (clusterStates = new Map()));
      clusterStates.set(key, { throughMs: endMs, unbuilt: true });
    }
  }
}

/** Whether a cluster's states hold a series scanned before (not only placeholders). */
function isBuilt(states: ReadonlyMap<string, SeriesScanState> | undefined): boolean {
  for (const st of states?.values() ?? []) if (!st.unbuilt) return true;
  return false;
}

/** The signal whose series get SLO dips (and a dip tracker in their state). */
const DIP_SIGNAL = 'availability';

function isCurrent(key: string, s: SeriesScanState, stepSeconds: number): boolean {
  if (s.scorer && !(CausalScorer.isCurrentState(s.scorer) && CausalScorer.stepSecondsOf(s.scorer) === stepSeconds)) return false;
  if (s.shift && !(LevelShiftTracker.isCurrentState(s.shift) && LevelShiftTracker.stepMsOf(s.shift) === stepSeconds * 1000)) return false;
  if (s.dip && !(DipTracker.isCurrentState(s.dip) && DipTracker.stepSecondsOf(s.dip) === stepSeconds)) return false;
  return !(s.beforeDipTracker && key.startsWith(`${DIP_SIGNAL}|`));
}

/**
 * Compress CODEC_CONCURRENCY clusters at a time (large states on the thread pool, small ones at once:
 * see the codec), written 64 per transaction.
 * More at once costs more, not less: with 64 deflates in flight, 100 clusters' states took 550-620 ms
 * of CPU and 300-340 ms wall, against 340-355 ms and 220-240 ms with 4 (zlib's per-stream buffers
 * allocated and freed concurrently on two cores).
 */
async function saveStates(store: Store, states: Map<string, Map<string, SeriesScanState>>, endMs: number, hadStates: ReadonlySet<string>): Promise<void> {
  // a cluster whose last state (a placeholder) was dropped is written empty: else the stored one stays
  const todo = [...states].filter(([id, s]) => s.size || hadStates.has(id));
  for (let i = 0; i < todo.length; i += 64) {
    const chunk = todo.slice(i, i + 64);
    const blobs = await mapLimit(chunk, CODEC_CONCURRENCY, ([, s]) => encodeClusterStateAsync(s));
    const now = Date.now();
    await store.baselines.putMany(chunk.map(([cluster], j) => ({ key: STATE_KEY(cluster), state: blobs[j], throughMs: endMs, updatedAtMs: now })));
  }
}

/**
 * Drops the states of series no catalog entry scans any more (a signal removed from config): they
 * never move forward, and the fetch window starts at the oldest state, so each hourly run would
 * fetch an hour more than the last until it fetched the whole lookback.
 */
function pruneStates(states: Map<string, Map<string, SeriesScanState>>, entries: readonly CatalogEntry[]): Map<string, Map<string, SeriesScanState>> {
  const keys = new Set(entries.map((e) => `${e.id}|${e.component}`));
  for (const clusterStates of states.values()) {
    for (const key of [...clusterStates.keys()]) if (!keys.has(key)) clusterStates.delete(key);
  }
  return states;
}

/**
 * A batch's clusters by the window they need, each part one query per signal: clusters with stored
 * state from their last scanned point minus the context, clusters without (new in the inventory, or
 * rebuilt) from the full lookback. Before, one new cluster made its whole batch of 250 fetch the
 * full lookback (7 days instead of 7 hours) in the hourly run after it joined the fleet.
 */
function windowParts(batch: Cluster[], states: Map<string, Map<string, SeriesScanState>>, endMs: number, opts: FleetScanOptions): Part[] {
  const full = endMs - opts.lookbackHours * 3_600_000;
  const contextMs = opts.contextHours * 3_600_000;
  // a rerun of a window the states have passed still fetches the finalize step's peer window and the
  // baseline before it: with the context alone (an hour less than the hourly run) its peers differed
  const latestStartMs = endMs - Math.max(contextMs, (PEER_WINDOW_POINTS + PEER_BASELINE_POINTS) * opts.stepSeconds * 1000);
  const known: { cluster: Cluster; startMs: number }[] = [];
  const fresh: Cluster[] = [];
  // series never built (placeholders) of clusters otherwise scanned, by signal: a part of their own
  // over the full lookback, for that signal only (one such series must not refetch the cluster's lookback of every signal)
  const unbuilt = new Map<string, Cluster[]>();
  for (const c of batch) {
    const s = states.get(c.id);
    if (!s || !isBuilt(s)) {
      fresh.push(c);
      continue;
    }
    let start = endMs;
    for (const [key, st] of s) {
      if (!st.unbuilt) {
        start = Math.min(start, st.throughMs - contextMs);
        continue;
      }
      if (!unbuilt.has(key)) unbuilt.set(key, []);
      unbuilt.get(key)!.push(c);
    }
    // a rerun of a window the states have passed fetches its context, not a range that ends before it starts
    known.push({ cluster: c, startMs: Math.min(Math.max(full, start), latestStartMs) });
  }
  // clusters more than an hour behind the batch's latest (back in the inventory after days away, or
  // whose queries failed for hours) are fetched from where they stopped in a part of their own: before,
  // one of them made its whole batch fetch the full lookback
  const headMs = Math.max(...known.map((k) => k.startMs)) - 3_600_000;
  const skip = new Map([...unbuilt].map(([key, cs]) => [key, new Set(cs.map((c) => c.id))]));
  const parts: Part[] = [];
  for (const group of [known.filter((k) => k.startMs >= headMs), known.filter((k) => k.startMs < headMs)]) {
    if (group.length) parts.push({ clusters: group.map((k) => k.cluster), range: { startMs: Math.min(...group.map((k) => k.startMs)), endMs }, ...(skip.size ? { skip } : {}) });
  }
  if (fresh.length) parts.push({ clusters: fresh, range: { startMs: full, endMs } });
  for (const [key, clusters] of unbuilt) parts.push({ clusters, range: { startMs: full, endMs }, key });
  return parts;
}
