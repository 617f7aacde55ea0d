/** Pure planning of range queries: cluster batches as regex matchers, ranges cut to server limits. */
import type { CatalogEntry, SignalCatalog } from './catalog.js';
import { renderPromql } from './render-promql.js';

export interface PlanLimits {
  /** Prometheus refuses more than 11,000 points per series. */
  maxPointsPerSeries: number;
  /** Cap on series × points of one query (Prometheus `--query.max-samples` and friends). */
  maxSamplesPerQuery: number;
  /** Longest cluster regex in one query, keeping request bodies reasonable. */
  maxClustersPerQuery: number;
}

export const DEFAULT_PLAN_LIMITS: PlanLimits = { maxPointsPerSeries: 11_000, maxSamplesPerQuery: 5_000_000, maxClustersPerQuery: 500 };

export interface PlanInput {
  catalog: SignalCatalog;
  signal: string;
  /** One component, or all components of the signal when absent. */
  component?: string;
  clusters: readonly string[];
  startMs: number;
  endMs: number;
  stepSeconds: number;
  clusterLabel: string;
  rateWindow?: string;
  /** Whether to read an entry's recording rule instead of evaluating its template. */
  useRecordingRule?: (entry: CatalogEntry) => boolean;
  limits?: Partial<PlanLimits>;
}

export interface PlannedQuery {
  signal: string;
  component: string;
  /** Grouping labels besides the cluster label (drill-down series). */
  labels: string[];
  promql: string;
  startMs: number;
  endMs: number;
  stepSeconds: number;
  clusters: string[];
  /** What the query was rendered from, so splitFurther can re-render smaller pieces. */
  render: { template: CatalogEntry; clusterLabel: string; rateWindow?: string; useRecordingRule: boolean };
}

/** Series a query is expected to return per cluster (drill-down signals return one per node/pod). */
const SERIES_PER_CLUSTER_GUESS = { golden: 1, drilldown: 50 };

/** Queries for one signal over one shard. Empty when the catalog has no such signal/component. */
export function planQueries(input: PlanInput): PlannedQuery[] {
  const limits = { ...DEFAULT_PLAN_LIMITS, ...input.limits };
  const stepMs = input.stepSeconds * 1000;
  const ranges = splitRange(input.startMs, input.endMs, stepMs, limits.maxPointsPerSeries);
  const plans: PlannedQuery[] = [];
  for (const template of input.catalog.entriesFor(input.signal, input.component)) {
    const render = { template, clusterLabel: input.clusterLabel, rateWindow: input.rateWindow, useRecordingRule: Boolean(template.recordingRule && input.useRecordingRule?.(template)) };
    const perCluster = SERIES_PER_CLUSTER_GUESS[template.kind];
    for (const range of ranges) {
      const points = pointCount(range.startMs, range.endMs, stepMs);
      const batchSize = Math.max(1, Math.min(limits.maxClustersPerQuery, Math.floor(limits.maxSamplesPerQuery / (points * perCluster))));
      for (let i = 0; i < input.clusters.length; i += batchSize) {
        plans.push(makeQuery(render, input.clusters.slice(i, i + batchSize), range.startMs, range.endMs, input.stepSeconds));
      }
    }
  }
  return plans;
}

/** The fewest points a range split leaves in a piece. */
export const MIN_SPLIT_POINTS = 12;

/**
 * Smaller queries covering the same ground, for a server that refused one (422): halve the
 * clusters, or with one cluster halve the range. A limit on points per series (`by: 'range'`) halves
 * the range at once and keeps the clusters batched: fewer clusters would not make a series shorter.
 * Empty when it cannot shrink further.
 */
export function splitFurther(query: PlannedQuery, by: 'clusters' | 'range' = 'clusters'): PlannedQuery[] {
  const { clusters, startMs, endMs, stepSeconds, render } = query;
  if (clusters.length > 1 && by === 'clusters') {
    const mid = Math.ceil(clusters.length / 2);
    return [clusters.slice(0, mid), clusters.slice(mid)].map((c) => makeQuery(render, c, startMs, endMs, stepSeconds));
  }
  const stepMs = stepSeconds * 1000;
  const points = pointCount(startMs, endMs, stepMs);
  // one cluster's series over a dozen steps that is still too large will not fit in fewer: stop there
  if (points < 2 * MIN_SPLIT_POINTS) return [];
  const midMs = startMs + Math.floor(points / 2) * stepMs;
  return [makeQuery(render, clusters, startMs, midMs - stepMs, stepSeconds), makeQuery(render, clusters, midMs, endMs, stepSeconds)];
}

/** Points of a Prometheus range query: both ends inclusive. */
export function pointCount(startMs: number, endMs: number, stepMs: number): number {
  return Math.floor((endMs - startMs) / stepMs) + 1;
}

/** Consecutive [start, end] pieces, each with ≤ maxPoints points, none overlapping. */
export function splitRange(startMs: number, endMs: number, stepMs: number, maxPoints: number): { startMs: number; endMs: number }[] {
  const pieces: { startMs: number; endMs: number }[] = [];
  for (let s = startMs; s <= endMs; s += maxPoints * stepMs) {
    pieces.push({ startMs: s, endMs: Math.min(endMs, s + (maxPoints - 1) * stepMs) });
  }
  return pieces;
}

function makeQuery(render: PlannedQuery['render'], clusters: string[], startMs: number, endMs: number, stepSeconds: number): PlannedQuery {
  const { template } = render;
  const promql = renderPromql(template, { clusterLabel: render.clusterLabel, clusters, rateWindow: render.rateWindow, stepSeconds, useRecordingRule: render.useRecordingRule });
  return { signal: template.id, component: template.component, labels: template.labels, promql, startMs, endMs, stepSeconds, clusters, render };
}
