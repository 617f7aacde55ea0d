/**
 * Alert episodes from the sample timestamps of `ALERTS{alertstate="firing"}` series. Rule evaluation
 * writes one sample per evaluation while an alert fires, so a gap longer than 1.5 evaluation
 * intervals separates two episodes. Reading sample timestamps (via `timestamp()`) rather than values
 * keeps the lookback window from stretching each episode by up to 5 minutes.
 *
 * An episode keeps its real start even when that is before the range (the samples read further back
 * show it): an episode belongs to the week it started in, so one that crosses a handoff must not look
 * like a new episode of the later week. Only the end is clipped, to the range end.
 */
import type { AlertEpisode } from '../types.js';

export interface SampledSeries {
  labels: Record<string, string>;
  /** Distinct sample timestamps, ms, any order. */
  timestampsMs: Iterable<number>;
}

export interface EpisodeOptions {
  clusterLabel: string;
  /** Evaluation interval; default: the smallest spacing seen between two samples of one series. */
  intervalMs?: number;
  /** Fallback interval when no series has two samples (the query step). */
  fallbackIntervalMs: number;
  range: { startMs: number; endMs: number };
}

const DROP = new Set(['__name__', 'alertstate', 'alertname', 'severity']);

/** Two samples further apart than this belong to different episodes. */
export const maxGapMs = (intervalMs: number): number => intervalMs * 1.5;

function smallestSpacing(series: readonly number[][]): number | undefined {
  let min = Infinity;
  for (const ts of series) for (let i = 1; i < ts.length; i++) min = Math.min(min, ts[i] - ts[i - 1]);
  return Number.isFinite(min) && min > 0 ? min : undefined;
}

/** The evaluation interval: as given, else inferred from sorted sample timestamps, else the fallback. */
export function evaluationIntervalMs(sortedSeries: readonly number[][], opts: Pick<EpisodeOptions, 'intervalMs' | 'fallbackIntervalMs'>): number {
  return opts.intervalMs ?? smallestSpacing(sortedSeries) ?? opts.fallbackIntervalMs;
}

/** Start of the run of samples (no gap over maxGapMs) that holds `sorted[index]`. */
export function runStartMs(sorted: readonly number[], index: number, intervalMs: number): number {
  let i = index;
  while (i > 0 && sorted[i] - sorted[i - 1] <= maxGapMs(intervalMs)) i--;
  return sorted[i];
}

/** Episodes overlapping the range, ordered by start; each start as the samples show it, even before the range. */
export function episodesFromSamples(input: readonly SampledSeries[], opts: EpisodeOptions): AlertEpisode[] {
  const sorted = input.map((s) => [...new Set(s.timestampsMs)].sort((a, b) => a - b));
  const interval = evaluationIntervalMs(sorted, opts);
  const out: AlertEpisode[] = [];
  input.forEach((s, i) => {
    const ts = sorted[i];
    if (ts.length === 0) return;
    const labels = Object.fromEntries(Object.entries(s.labels).filter(([k]) => !DROP.has(k) && k !== opts.clusterLabel));
    const base = { alertname: s.labels.alertname ?? 'unknown', cluster: s.labels[opts.clusterLabel] ?? 'unknown', severity: s.labels.severity ?? 'none', labels };
    let startMs = ts[0];
    for (let j = 1; j <= ts.length; j++) {
      if (j < ts.length && ts[j] - ts[j - 1] <= maxGapMs(interval)) continue;
      const endMs = Math.min(ts[j - 1] + interval, opts.range.endMs);
      if (endMs > opts.range.startMs && startMs < opts.range.endMs) out.push({ ...base, labels: { ...labels }, startMs, endMs });
      startMs = ts[j];
    }
  });
  return out.sort((a, b) => a.startMs - b.startMs || a.alertname.localeCompare(b.alertname) || a.cluster.localeCompare(b.cluster));
}
