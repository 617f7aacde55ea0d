import type { Logger } from '../../../core/logger.js';
import type { Series } from '../../../fleet/types.js';
import type { PlannedQuery } from '../../../signals/query-planner.js';
import type { MetricsAnswer } from '../types.js';
import type { QueryGrid } from './decode-matrix.js';
import type { RangeAnswer } from './lean-client.js';
import { failedQueryNote, isPartialWarning } from './partial-warning.js';

export type QueryOutcome =
  | { kind: 'ok'; query: PlannedQuery; answer: RangeAnswer }
  | { kind: 'failed'; query: PlannedQuery; error: unknown };

interface AssembleOptions {
  /** The request's grid; every query's grid is a slice of it. */
  grid: QueryGrid;
  clusterLabel: string;
  logger: Logger;
}

/** Stitch query answers (time pieces, cluster batches) into one Series per cluster × component × labels. */
export function assembleSeries(outcomes: QueryOutcome[], opts: AssembleOptions): MetricsAnswer {
  const byKey = new Map<string, Series>();
  const warnings = new Set<string>();
  const failed = new Set<string>();
  const reasons = new Set<string>();
  const duplicates = new Set<string>();
  let bytesFetched = 0;
  for (const o of outcomes) {
    if (o.kind === 'failed') {
      o.query.clusters.forEach((c) => failed.add(c));
      reasons.add((o.error as Error)?.message ?? String(o.error));
      warnings.add(failedQueryNote(o.query, (o.error as Error).message));
      continue;
    }
    bytesFetched += o.answer.bytes;
    o.answer.warnings.forEach((w) => warnings.add(w));
    failPartial(o.query, o.answer, failed, reasons);
    place(o.query, o.answer, byKey, opts, duplicates);
  }
  for (const d of duplicates) {
    opts.logger.warn({ signal: d }, 'the query answers more than one series per cluster (a label the template groups by but does not list, or HA replicas): their points are merged, the later one winning where both have one');
  }
  return { series: [...byKey.values()], warnings: [...warnings], failedClusters: [...failed], failureReasons: [...reasons], bytesFetched };
}

/**
 * A piece answered with Thanos/Mimir warnings (a store or ingester did not answer) may have left out
 * any of its clusters' points, or summed only part of their series: every cluster of the piece failed,
 * those it holds series for too, even if another piece (the other half of a split range) answered it.
 * Before, only the clusters it left out failed: the others were scanned on points missing or too low,
 * their state carried past them for good, and a partial answer naming every cluster was no failure.
 */
function failPartial(q: PlannedQuery, answer: RangeAnswer, failed: Set<string>, reasons: Set<string>): void {
  const partial = answer.warnings.filter(isPartialWarning);
  if (partial.length === 0) return;
  q.clusters.forEach((c) => failed.add(c));
  reasons.add(`partial answer: ${partial.slice(0, 3).join('; ')}`);
}

function place(q: PlannedQuery, answer: RangeAnswer, byKey: Map<string, Series>, opts: AssembleOptions, duplicates: Set<string>): void {
  const offset = Math.round((q.startMs - opts.grid.startMs) / opts.grid.stepMs);
  for (const s of answer.series) {
    const cluster = s.metric[opts.clusterLabel];
    if (cluster === undefined) {
      opts.logger.warn({ signal: q.signal, labels: s.metric }, 'series without cluster label dropped');
      continue;
    }
    const labels = Object.fromEntries(q.labels.map((l) => [l, s.metric[l] ?? '']));
    const key = JSON.stringify([cluster, q.component, labels]);
    let series = byKey.get(key);
    const fresh = !series;
    // a series answered whole on the request's grid (the usual case) keeps the decoded array: no copy
    const whole = !series && offset === 0 && s.values.length === opts.grid.n;
    if (!series) {
      const values = whole ? s.values : new Float64Array(opts.grid.n).fill(NaN);
      series = { cluster, component: q.component, signal: q.signal, startMs: opts.grid.startMs, stepMs: opts.grid.stepMs, values, ...(q.labels.length ? { labels } : {}) };
      byKey.set(key, series);
    }
    if (whole) continue;
    const piece = s.values.subarray(0, Math.max(0, opts.grid.n - offset));
    if (fresh) series.values.set(piece, offset);
    else if (mergeInto(series.values, piece, offset)) duplicates.add(`${q.signal}/${q.component}`);
  }
}

/**
 * Writes the points of a second series with the same cluster and labels (an HA pair or a template
 * grouping by a label it does not list) where it has one; returns whether it overlapped points
 * already there, i.e. the template answers more than one series per cluster.
 */
function mergeInto(values: Float64Array, piece: Float64Array, offset: number): boolean {
  let overlap = false;
  for (let i = 0; i < piece.length; i++) {
    const x = piece[i];
    if (Number.isNaN(x)) continue;
    if (!Number.isNaN(values[offset + i])) overlap = true;
    values[offset + i] = x;
  }
  return overlap;
}
