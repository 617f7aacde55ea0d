import { splitAttribute } from './cluster-attributes.js';
import type { Episode } from './episodes.js';
import { largestBurst, type BurstTest } from './residual-burst.js';
import { compareText } from '../core/compare-text.js';

export interface Draft {
  episodes: Episode[];
  /** The attribute (`name=value`) that explains the draft, when one does. */
  key?: string;
}

export interface SplitContext extends BurstTest {
  attrsOf: (cluster: string) => string[];
  baseRate: (attr: string) => number;
  minLift: number;
  minCoverage: number;
  minClusters: number;
  /** Components each component depends on (closure not needed: one hop is what a dip shares). */
  dependsOn: (component: string) => string[];
}

/**
 * Splits one onset bucket greedily: the attribute with the most support × log(lift) that passes the
 * lift and coverage bars takes its clusters; repeat on the rest. Coverage is measured among the
 * episodes whose onset falls in the holders' onset span, so an overlapping unrelated incident
 * elsewhere in the bucket does not dilute it.
 */
export function splitBucket(bucket: Episode[], ctx: SplitContext): Draft[] {
  let remaining = bucket;
  const out: Draft[] = [];
  while (remaining.length >= ctx.minClusters) {
    const key = bestAttribute(remaining, ctx);
    if (!key) break;
    out.push({ episodes: remaining.filter((e) => ctx.attrsOf(e.cluster).includes(key)), key });
    remaining = remaining.filter((e) => !ctx.attrsOf(e.cluster).includes(key));
  }
  return [...out, ...groupResidual(remaining, ctx)];
}

/**
 * Attributes that can explain why clusters fail together: where they run and what they run.
 * Environment and tier say how a cluster is run; incidents are found mostly on prod and tier-1, so
 * they are over-represented among unrelated incidents too (they stay descriptive shared attributes).
 */
const KEYING = new Set(['region', 'substrate', 'version', 'instanceType']);

function bestAttribute(episodes: Episode[], ctx: SplitContext): string | undefined {
  const holders = new Map<string, Episode[]>();
  for (const e of episodes) for (const a of ctx.attrsOf(e.cluster)) pushTo(holders, a, e);
  let best: { key: string; merit: number } | undefined;
  for (const [key, hs] of [...holders].sort(([a], [b]) => compareText(a, b))) {
    const clusters = new Set(hs.map((e) => e.cluster)).size;
    if (clusters < ctx.minClusters || !KEYING.has(splitAttribute(key).name.replace(/:.*/, ''))) continue;
    const lo = Math.min(...hs.map((e) => e.startMs));
    const hi = Math.max(...hs.map((e) => e.startMs));
    const inSpan = new Set(episodes.filter((e) => e.startMs >= lo && e.startMs <= hi).map((e) => e.cluster)).size;
    const coverage = clusters / inSpan;
    const lift = coverage / Math.max(ctx.baseRate(key), 1e-9);
    if (coverage < ctx.minCoverage || lift < ctx.minLift) continue;
    const merit = clusters * Math.log(lift) + (splitAttribute(key).name === 'region' ? 1e-6 : 0);
    if (!best || merit > best.merit) best = { key, merit };
  }
  return best?.key;
}

/**
 * What no attribute explains: clusters whose affected components are the same or depend on one
 * shared component form one group when enough of them start together far more densely than that
 * component's episodes do over the day (`largestBurst`): dips of a busy component that merely fall
 * into one onset chain are coincidence. Every other episode stands alone (a single-cluster incident).
 */
function groupResidual(episodes: Episode[], ctx: SplitContext): Draft[] {
  const byShared = new Map<string, Episode[]>();
  for (const e of episodes) {
    const shared = residualKey(e, ctx.dependsOn);
    if (shared) pushTo(byShared, shared, e);
  }
  const taken = new Set<Episode>();
  const out: Draft[] = [];
  for (const [key, es] of [...byShared].sort((a, b) => b[1].length - a[1].length)) {
    for (let burst = largestBurst(es, key, ctx); burst; burst = largestBurst(es.filter((e) => !taken.has(e)), key, ctx)) {
      burst.forEach((e) => taken.add(e));
      out.push({ episodes: burst });
    }
  }
  for (const e of episodes) if (!taken.has(e)) out.push({ episodes: [e] });
  return out;
}

/** The component an episode is filed under when no attribute explains it: its one component, or one all its components depend on. */
export function residualKey(e: Episode, dependsOn: (component: string) => string[]): string | undefined {
  const comps = [...new Set(e.findings.map((f) => f.component))].sort();
  return comps.length === 1 && comps[0] !== '*' ? comps[0] : commonDependency(comps, dependsOn);
}

function commonDependency(components: string[], dependsOn: (component: string) => string[]): string | undefined {
  if (components.length === 0 || components.includes('*')) return undefined;
  const sets = components.map((c) => new Set([c, ...dependsOn(c)]));
  return [...sets[0]].sort().find((d) => sets.every((s) => s.has(d)));
}

/** Appends in place: copying the list on every append made a bucket of n episodes cost O(n²). */
function pushTo<T>(map: Map<string, T[]>, key: string, value: T): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}
