/** The simulated fleet: a deterministic, seeded world with lazy series and ground truth. */
import type { AlertEpisode } from '../adapters/alerts/types.js';
import type { Change, ChangeQuery } from '../adapters/changes/types.js';
import type { EventQuery, KubeEvent } from '../adapters/events/types.js';
import type { LogLine, LogQuery } from '../adapters/logs/types.js';
import { inComponentNamespace } from '../adapters/logs/namespace-scope.js';
import { NotFoundError } from '../core/errors.js';
import type { Cluster, ComponentId, SignalId, TimeRange, Topology } from '../fleet/types.js';
import { addBackground, backgroundEvents, backgroundLogs } from './background.js';
import type { EffectIndex } from './effects.js';
import { entitiesOf, entityInto, type EntityRef, type EntitySignal } from './entity-series.js';
import { buildClusters, buildTopology } from './inventory.js';
import { createRng, hashKeys } from './random.js';
import { HOUR, type BuildContext, type Traces } from './scenario-context.js';
import { DEFAULT_SCENARIOS, injectScenarios, randomScenarios } from './scenario-sets.js';
import type { ScenarioInstance, ScenarioSpec } from './scenario-types.js';
import { grid } from '../fleet/grid.js';
import { goldenInto, type SeriesContext } from './series.js';

/** Default end of the simulated range: Wednesday 2025-06-04 00:00 UTC (fixed, for determinism). */
export const DEFAULT_END_MS = Date.UTC(2025, 5, 4);

export interface SimulatedFleetOptions {
  seed?: number;
  clusters?: number;
  days?: number;
  /** Base step; must divide a day. */
  stepSeconds?: number;
  /** End of the range (exclusive), aligned down to the step; default DEFAULT_END_MS. */
  endMs?: number;
  scenarios?: 'default' | 'random' | 'none' | ScenarioSpec[];
}

export interface SimulatedFleet {
  readonly seed: number;
  readonly stepSeconds: number;
  readonly clusters: Cluster[];
  readonly groundTruth: ScenarioInstance[];
  readonly rangeMs: TimeRange;
  /** Internals for the adapters and the OpenMetrics export. */
  readonly seriesContext: SeriesContext;
  cluster(clusterId: string): Cluster;
  /** One golden series on the base step over [startMs, endMs) (default: the whole range); NaN = gap. */
  seriesValues(clusterId: string, component: ComponentId, signal: SignalId, startMs?: number, endMs?: number): Float64Array;
  /** Same, into a caller's buffer (length ≥ points); returns the point count. */
  seriesValuesInto(out: Float64Array, clusterId: string, component: ComponentId, signal: SignalId, startMs?: number, endMs?: number): number;
  /** Drill-down series of a node (node_*), a pod (pod_restarts, oom_kills, dns_timeouts) or a certificate (`ns/name`). */
  nodeSeriesValues(clusterId: string, entity: string, signal: EntitySignal, startMs?: number, endMs?: number): Float64Array;
  nodeSeriesValuesInto(out: Float64Array, clusterId: string, entity: string, signal: EntitySignal, startMs?: number, endMs?: number): number;
  /** Entities carrying a drill-down signal in a cluster, with their labels. */
  entities(clusterId: string, signal: EntitySignal, component?: string): EntityRef[];
  topology(clusterId: string): Topology;
  /** Newest first, at most q.limit. */
  events(q: EventQuery): KubeEvent[];
  /** Newest first, at most q.limit. */
  logs(q: LogQuery): LogLine[];
  /** Oldest first. */
  changes(q: ChangeQuery): Change[];
  /** Episodes overlapping the range, by start. */
  alerts(range: TimeRange): AlertEpisode[];
}

export function createSimulatedFleet(opts: SimulatedFleetOptions = {}): SimulatedFleet {
  const seed = opts.seed ?? 1;
  const stepSeconds = opts.stepSeconds ?? 300;
  if (!Number.isInteger(stepSeconds) || stepSeconds <= 0 || 86400 % stepSeconds !== 0) throw new RangeError(`stepSeconds ${stepSeconds} must divide a day`);
  const stepMs = stepSeconds * 1000;
  const endMs = Math.floor((opts.endMs ?? DEFAULT_END_MS) / stepMs) * stepMs;
  const rangeMs = { startMs: endMs - (opts.days ?? 7) * 24 * HOUR, endMs };
  const clusters = buildClusters(seed, opts.clusters ?? 1400);
  const clusterById = new Map(clusters.map((c) => [c.id, c]));
  const effects: EffectIndex = new Map();
  const traces: Traces = { events: [], logs: [], changes: [], alerts: [] };
  const extraPods = new Map<string, Topology['pods']>();
  const topoCache = new Map<string, Topology>();
  const cluster = (id: string): Cluster => {
    const c = clusterById.get(id);
    if (!c) throw new NotFoundError(`cluster ${id} is not in the simulated inventory; list clusters first`);
    return c;
  };
  const topology = (id: string): Topology => {
    let t = topoCache.get(id);
    if (!t) {
      t = buildTopology(cluster(id));
      t.pods.push(...(extraPods.get(id) ?? []));
      topoCache.set(id, t);
    }
    return t;
  };
  const ctx: BuildContext = {
    seed, rng: createRng(hashKeys(seed, 'scenarios')), clusters, clusterById, rangeMs, stepMs, effects, traces, extraPods,
    used: new Set(), darkSince: new Map(), topology: (id) => buildTopology(cluster(id)),
  };
  const specs = opts.scenarios === 'random' ? randomScenarios(seed, (rangeMs.endMs - rangeMs.startMs) / (24 * HOUR))
    : opts.scenarios === 'none' ? [] : Array.isArray(opts.scenarios) ? opts.scenarios : DEFAULT_SCENARIOS;
  const groundTruth = injectScenarios(ctx, specs);
  addBackground(ctx);
  const seriesContext: SeriesContext = { seed, stepMs, clusterById, effects };
  const index = indexTraces(traces);
  const range = (s?: number, e?: number): [number, number] => [s ?? rangeMs.startMs, e ?? rangeMs.endMs];

  const visible = (c: string, t: number): boolean => t < (ctx.darkSince.get(c) ?? Infinity);
  const background = <T extends { tsMs: number }>(c: string, s: number, e: number, gen: (seed: number, topo: Topology, hourMs: number) => T[]): T[] => {
    const out: T[] = [];
    const from = Math.max(s, rangeMs.startMs);
    const to = Math.min(e, rangeMs.endMs);
    for (let h = Math.floor(from / HOUR) * HOUR; h < to; h += HOUR) {
      for (const x of gen(seed, topology(c), h)) if (x.tsMs >= s && x.tsMs < e && visible(c, x.tsMs)) out.push(x);
    }
    return out;
  };

  return {
    seed, stepSeconds, clusters, groundTruth, rangeMs, seriesContext, cluster, topology,
    seriesValues(c, comp, sig, s, e) {
      const [a, b] = range(s, e);
      const out = new Float64Array(grid(a, b, stepMs).n);
      goldenInto(seriesContext, out, c, comp, sig, a, b);
      return out;
    },
    seriesValuesInto: (out, c, comp, sig, s, e) => goldenInto(seriesContext, out, c, comp, sig, ...range(s, e)),
    nodeSeriesValues(c, entity, sig, s, e) {
      const [a, b] = range(s, e);
      const out = new Float64Array(grid(a, b, stepMs).n);
      entityInto(seriesContext, out, c, entity, sig, a, b);
      return out;
    },
    nodeSeriesValuesInto: (out, c, entity, sig, s, e) => entityInto(seriesContext, out, c, entity, sig, ...range(s, e)),
    entities: (c, sig, comp) => entitiesOf(topology(c), sig, comp),
    events(q) {
      const reasons = q.reasons ? new Set(q.reasons) : undefined;
      const out: KubeEvent[] = [];
      for (const c of q.clusters.filter((x) => clusterById.has(x))) {
        for (const e of [...(index.events.get(c) ?? []), ...background(c, q.startMs, q.endMs, backgroundEvents)]) {
          if (e.tsMs >= q.startMs && e.tsMs < q.endMs && (!reasons || reasons.has(e.reason))) out.push(e);
        }
      }
      return out.sort((a, b) => b.tsMs - a.tsMs).slice(0, q.limit);
    },
    logs(q) {
      const text = q.text?.toLowerCase();
      const out: LogLine[] = [];
      for (const c of q.clusters.filter((x) => clusterById.has(x))) {
        for (const l of [...(index.logs.get(c) ?? []), ...background(c, q.startMs, q.endMs, backgroundLogs)]) {
          if (l.tsMs >= q.startMs && l.tsMs < q.endMs && logMatches(l, q, text)) out.push(l);
        }
      }
      return out.sort((a, b) => b.tsMs - a.tsMs).slice(0, q.limit);
    },
    changes(q) {
      const out = q.clusters.flatMap((c) => (index.changes.get(c) ?? []).filter((x) => x.tsMs >= q.startMs && x.tsMs < q.endMs));
      return out.sort((a, b) => a.tsMs - b.tsMs);
    },
    alerts: (r) => traces.alerts.filter((a) => a.startMs < r.endMs && a.endMs > r.startMs),
  };
}

/**
 * The query's filters as OpenSearch applies them, before the limit: components, their namespaces, and
 * for `problemsOnly` no info or debug line (every simulated line has its level, as with a level field).
 */
function logMatches(l: LogLine, q: LogQuery, text: string | undefined): boolean {
  return (!q.components || q.components.includes(l.component)) && inComponentNamespace(l, q.componentNamespaces)
    && (!q.problemsOnly || l.level === 'warn' || l.level === 'error') && (!text || l.message.toLowerCase().includes(text));
}

function indexTraces(t: Traces): { events: Map<string, KubeEvent[]>; logs: Map<string, LogLine[]>; changes: Map<string, Change[]> } {
  const by = <T extends { cluster: string }>(xs: T[]): Map<string, T[]> => {
    const m = new Map<string, T[]>();
    for (const x of xs) {
      const l = m.get(x.cluster);
      if (l) l.push(x);
      else m.set(x.cluster, [x]);
    }
    return m;
  };
  return { events: by(t.events), logs: by(t.logs), changes: by(t.changes) };
}
