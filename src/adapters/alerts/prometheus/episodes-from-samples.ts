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
import { SampleRuns } from './sample-runs.js';
import { compareText } from '../../../core/compare-text.js';

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

/** The evaluation interval: as given, else the smallest spacing between two samples of a series, else the fallback. */
export function evaluationIntervalMs(series: Iterable<SampleRuns>, opts: Pick<EpisodeOptions, 'intervalMs' | 'fallbackIntervalMs'>): number {
  if (opts.intervalMs !== undefined) return opts.intervalMs;
  let min = Infinity;
  for (const s of series) min = Math.min(min, s.smallestSpacing() ?? Infinity);
  return Number.isFinite(min) && min > 0 ? min : opts.fallbackIntervalMs;
}

/** Episodes overlapping the range, ordered by start; each start as the samples show it, even before the range. */
export function episodesFromSamples(input: readonly SampledSeries[], opts: EpisodeOptions): AlertEpisode[] {
  return episodesFromRuns(input.map((s) => {
    const runs = new SampleRuns();
    for (const t of s.timestampsMs) runs.add(t);
    return { labels: s.labels, runs };
  }), opts);
}

/** As episodesFromSamples, from timestamps already held as runs. */
export function episodesFromRuns(input: readonly { labels: Record<string, string>; runs: SampleRuns }[], opts: EpisodeOptions): AlertEpisode[] {
  const interval = evaluationIntervalMs(input.map((s) => s.runs), opts);
  const out: AlertEpisode[] = [];
  for (const s of input) {
    const labels = Object.fromEntries(Object.entries(s.labels).filter(([k]) => !DROP.has(k) && k !== opts.clusterLabel));
    const base = { alertname: s.labels.alertname ?? 'unknown', cluster: s.labels[opts.clusterLabel] ?? 'unknown', severity: s.labels.severity ?? 'none', labels };
    for (const [startMs, lastMs] of s.runs.episodes(maxGapMs(interval))) {
      const endMs = Math.min(lastMs + interval, opts.range.endMs);
      if (endMs > opts.range.startMs && startMs < opts.range.endMs) out.push({ ...base, labels: { ...labels }, startMs, endMs });
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs || compareText(a.alertname, b.alertname) || compareText(a.cluster, b.cluster));
}
