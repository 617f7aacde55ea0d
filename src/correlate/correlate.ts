import { createHash } from 'node:crypto';
import type { AnomalyRow } from '../adapters/store/types.js';
import { ConfigError } from '../core/errors.js';
import { DEFAULT_DEPENDENCIES } from '../fleet/dependencies.js';
import type { Cluster } from '../fleet/types.js';
import { attributeCounts, clusterAttributes, splitAttribute } from './cluster-attributes.js';
import { buildEpisodes, insideMaintenance, isSeed, onsetBuckets, type Episode } from './episodes.js';
import type { CorrelateOptions, IncidentGroup, SharedAttribute } from './incident-group.js';
import { MIN_BACKGROUND_SPAN_MS } from './residual-burst.js';
import { residualKey, splitBucket, type Draft, type SplitContext } from './split-bucket.js';
import { compareText } from '../core/compare-text.js';

const MIN = 60_000;

/**
 * Groups severe findings into incident groups: per-cluster episodes, chained by onset, split by the
 * attribute the affected clusters over-represent (lift vs the fleet). Pure and deterministic.
 */
export function correlate(findings: AnomalyRow[], clusters: Cluster[], opts: CorrelateOptions = {}): IncidentGroup[] {
  const maintenance = opts.maintenance ?? [];
  const kept = findings.filter((f) => !insideMaintenance(f, maintenance));
  const episodes = buildEpisodes(kept.filter(isSeed), opts.episodeGapMs ?? 30 * MIN);
  const { drafts, ctx } = splitDay(onsetBuckets(episodes, opts.onsetGapMs ?? 30 * MIN), splitContext(clusters, opts), kept);
  const merged = absorbStragglers(drafts, ctx, opts.episodeGapMs ?? 30 * MIN);
  const extras = byCluster(kept.filter((f) => !isSeed(f)));
  return merged.map((d) => toGroup(d, extras, ctx, clusters.length, opts.day)).sort((a, b) => a.startMs - b.startMs || compareText(a.id, b.id));
}

/** Non-seed findings by cluster, each with its index in the input. */
type ExtrasByCluster = Map<string, { i: number; f: AnomalyRow }[]>;

function byCluster(findings: AnomalyRow[]): ExtrasByCluster {
  const out: ExtrasByCluster = new Map();
  findings.forEach((f, i) => {
    const list = out.get(f.cluster);
    if (list) list.push({ i, f });
    else out.set(f.cluster, [{ i, f }]);
  });
  return out;
}

function splitContext(clusters: Cluster[], opts: CorrelateOptions): Omit<SplitContext, 'rateOf'> {
  const counts = attributeCounts(clusters);
  const attrs = new Map(clusters.map((c) => [c.id, clusterAttributes(c)]));
  const deps = opts.dependencies ?? DEFAULT_DEPENDENCIES;
  const dependsOn = (c: string) => deps.filter((d) => d.from === c).map((d) => d.to);
  const residualBurstP = opts.residualBurstP ?? 1e-3;
  if (!(residualBurstP > 0 && residualBurstP <= 1)) throw new ConfigError(`correlate: residualBurstP must be a probability in (0, 1], got ${residualBurstP}`);
  return {
    attrsOf: (id) => attrs.get(id) ?? [],
    baseRate: (a) => (counts.get(a) ?? 0) / Math.max(1, clusters.length),
    minLift: opts.minLift ?? 3,
    minCoverage: opts.minCoverage ?? 0.6,
    minClusters: opts.minClusters ?? 3,
    dependsOn,
    residualBurstP,
  };
}

/**
 * Splits every onset bucket. A residual burst is measured against the day's residual episodes only:
 * episodes an attribute keys (a rollout's, a region's) are explained, and counting them would make a
 * busy component's background hide a real burst. The attribute split does not depend on the burst
 * test, so a first pass in which no set is a burst gives each bucket's keyed drafts and residual;
 * splitting that residual again keys nothing and groups its bursts at the residual rates.
 */
function splitDay(buckets: Episode[][], base: Omit<SplitContext, 'rateOf'>, kept: AnomalyRow[]): { drafts: Draft[]; ctx: SplitContext } {
  const probe = buckets.map((b) => splitBucket(b, { ...base, rateOf: () => 0, residualBurstP: 0 }));
  const residuals = probe.map((ds) => ds.filter((d) => !d.key).flatMap((d) => d.episodes));
  const rates = backgroundRates(residuals.flat(), kept, base.dependsOn);
  const ctx: SplitContext = { ...base, rateOf: (key) => rates.get(key) ?? 0 };
  return { ctx, drafts: probe.flatMap((ds, i) => [...ds.filter((d) => d.key), ...splitBucket(residuals[i], ctx)]) };
}

/**
 * Episodes per ms of each residual key (component or shared dependency) among the residual episodes,
 * over the input taken as a digest day: its span is that of the kept findings (keyed ones included),
 * at least 24 h whether or not `opts.day` is set.
 */
function backgroundRates(residual: Episode[], kept: AnomalyRow[], dependsOn: (c: string) => string[]): Map<string, number> {
  const first = kept.reduce((t, f) => Math.min(t, f.startMs), Infinity);
  const last = kept.reduce((t, f) => Math.max(t, f.endMs), -Infinity);
  const spanMs = Math.max(MIN_BACKGROUND_SPAN_MS, last - first);
  const counts = new Map<string, number>();
  for (const e of residual) {
    const key = residualKey(e, dependsOn);
    if (key) counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return new Map([...counts].map(([key, n]) => [key, n / spanMs]));
}

/**
 * A wave of one rollout can reach a cluster later than the onset chain allows; a later draft whose
 * clusters all carry an earlier draft's key, and that starts while it is still open, joins it. So
 * does an earlier draft too small to be keyed (a canary wave of one or two clusters) whose clusters
 * all carry the key of a later draft and that is still open when that draft starts. Drafts keyed by
 * one component version are one bad rollout whenever its waves dipped: they join however far apart.
 */
function absorbStragglers(drafts: Draft[], ctx: SplitContext, gapMs: number): Draft[] {
  const keyed = drafts.filter((d) => d.key);
  const carries = (d: Draft, key: string) => d.episodes.every((e) => ctx.attrsOf(e.cluster).includes(key));
  // each draft's onset and end, kept up to date as a host takes episodes (recomputing them per pair made this O(drafts² × episodes))
  const span = new Map<Draft, { startMs: number; endMs: number }>();
  const spanOf = (d: Draft) => {
    let s = span.get(d);
    if (!s) span.set(d, (s = { startMs: startOf(d.episodes), endMs: endOf(d.episodes) }));
    return s;
  };
  const isOpenAt = (d: Draft, t: number) => t <= spanOf(d).endMs + gapMs;
  const out: Draft[] = [];
  const inOut = new Set<Draft>();
  for (const d of drafts) {
    const start = spanOf(d).startMs;
    const sameRollout = (k: Draft) => d.key === k.key && k.key!.startsWith('version:');
    const host = keyed.find((k) => k !== d && (!d.key || d.key === k.key) && (isOpenAt(k, start) || sameRollout(k)) && spanOf(k).startMs <= start && carries(d, k.key!));
    if (host && inOut.has(host)) {
      host.episodes.push(...d.episodes);
      const h = spanOf(host);
      span.set(host, { startMs: Math.min(h.startMs, start), endMs: Math.max(h.endMs, spanOf(d).endMs) });
    } else {
      out.push(d);
      inOut.add(d);
    }
  }
  // hosts are chosen before any episode moves: a move changes the host's start
  const keyedOut = out.filter((k) => k.key);
  const early = out.flatMap((d) => {
    const host = d.key ? undefined : keyedOut.find((k) => spanOf(k).startMs > spanOf(d).startMs && isOpenAt(d, spanOf(k).startMs) && carries(d, k.key!));
    return host ? [{ d, host }] : [];
  });
  for (const { d, host } of early) host.episodes.push(...d.episodes);
  const moved = new Set(early.map((e) => e.d));
  return out.filter((d) => !moved.has(d));
}

/** Earliest start and latest end of episodes (a loop: spreading a fleet-wide group into Math.min overflows the stack). */
const startOf = (es: { startMs: number }[]): number => es.reduce((m, e) => Math.min(m, e.startMs), Infinity);
const endOf = (es: { endMs: number }[]): number => es.reduce((m, e) => Math.max(m, e.endMs), -Infinity);

function toGroup(d: Draft, extras: ExtrasByCluster, ctx: SplitContext, fleetSize: number, reportDay?: string): IncidentGroup {
  const seeds = d.episodes.flatMap((e) => e.findings);
  const clusters = [...new Set(d.episodes.map((e) => e.cluster))].sort();
  const startMs = startOf(seeds);
  const endMs = endOf(seeds);
  // in input order, as filtering the whole list per group gave them (that was O(groups × extras))
  const joined = clusters.flatMap((c) => extras.get(c) ?? []).filter(({ f }) => f.startMs < endMs && f.endMs >= startMs).sort((a, b) => a.i - b.i).map(({ f }) => f);
  const findings = [...seeds, ...joined].sort((a, b) => a.startMs - b.startMs || compareText(a.id, b.id));
  const components = [...new Set(seeds.map((f) => f.component))].sort();
  const signals = [...new Set(seeds.map((f) => f.signal))].sort();
  const sharedAttributes = clusters.length >= ctx.minClusters ? sharedOf(clusters, ctx, fleetSize) : [];
  const day = reportDay ?? new Date(startMs).toISOString().slice(0, 10);
  const id = 'ig-' + createHash('sha256').update(`${day}\u0000${seeds.map((f) => f.id).sort().join(',')}`).digest('hex').slice(0, 16);
  return {
    id, title: titleOf(components, signals, clusters, sharedAttributes), startMs, endMs, clusters, components, signals, findings, sharedAttributes,
    severity: seeds.some((f) => f.severity === 'critical') ? 'critical' : 'warning',
  };
}

/** Every attribute over-represented among the group's clusters, strongest first. */
function sharedOf(clusters: string[], ctx: SplitContext, fleetSize: number): SharedAttribute[] {
  const counts = new Map<string, number>();
  for (const c of clusters) for (const a of ctx.attrsOf(c)) counts.set(a, (counts.get(a) ?? 0) + 1);
  const out: SharedAttribute[] = [];
  for (const [key, n] of counts) {
    const coverage = n / clusters.length;
    const baseRate = ctx.baseRate(key);
    const lift = baseRate > 0 ? coverage / baseRate : 0;
    if (coverage >= ctx.minCoverage && lift >= ctx.minLift && fleetSize > clusters.length) out.push({ ...splitAttribute(key), coverage: round(coverage), baseRate: round(baseRate), lift: round(lift) });
  }
  return out.sort((a, b) => b.lift * b.coverage - a.lift * a.coverage || compareText(a.name, b.name));
}

function titleOf(components: string[], signals: string[], clusters: string[], shared: SharedAttribute[]): string {
  const what = components.includes('*') ? 'no data' : `${components.slice(0, 3).join(', ')}${components.length > 3 ? ` +${components.length - 3}` : ''} ${signals.slice(0, 2).join('/')}`;
  const where = clusters.length === 1 ? `on ${clusters[0]}` : `on ${clusters.length} clusters`;
  const why = shared[0] ? ` sharing ${shared[0].name}=${shared[0].value}` : '';
  return `${what} ${where}${why}`;
}

const round = (x: number): number => Math.round(x * 1000) / 1000;
