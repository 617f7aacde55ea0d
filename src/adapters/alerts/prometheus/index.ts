/**
 * AlertHistory over the Prometheus HTTP API: `timestamp(ALERTS{alertstate="firing"})` range queries,
 * split into pieces under the server's points-per-series limit, retried on 429/5xx (Retry-After
 * honoured) and on partial answers, split further on 422, and turned into episodes from the samples'
 * own timestamps. An alert already firing at the range start is read further back until its episode's
 * real start shows (up to maxLookbackDays), so it is counted in the week it started, not in every week.
 */
import type { HttpCallOptions } from '../../http-call-options.js';
import type { PrometheusConnection } from '../../metrics/prometheus/connection.js';
import { createLeanRangeClient, leanTransport } from '../../metrics/prometheus/lean-client.js';
import { PrometheusError } from '../../metrics/prometheus/prometheus-error.js';
import { abortableSleep, withBackoff, withTimeout } from '../../../core/backoff.js';
import type { AlertEpisode, AlertHistory } from '../types.js';
import { alertsQuery, assertComplete } from './alert-query.js';
import { episodesFromSamples, evaluationIntervalMs, maxGapMs, runStartMs } from './episodes-from-samples.js';

export interface PrometheusAlertHistoryOptions extends PrometheusConnection, HttpCallOptions {
  clusterLabel?: string;
  /** Query step; at most the rule evaluation interval for exact episode bounds. Default 60. */
  stepSeconds?: number;
  /** Rule evaluation interval, when known; default: inferred from sample spacing. */
  evaluationIntervalSeconds?: number;
  /** Extra label matchers, e.g. `env="prod"`. */
  matchers?: string;
  /** Points per series per query (Prometheus refuses more than 11,000). Default 10,000. */
  maxPointsPerQuery?: number;
  /** How far before the range to look for the start of an alert firing at the range start. Default 30. */
  maxLookbackDays?: number;
}

interface Span { startMs: number; endMs: number }
interface Sampled { labels: Record<string, string>; ts: Set<number> }
type SeriesMap = Map<string, Sampled>;

function earliest(ts: Iterable<number>): number {
  let min = Infinity;
  for (const t of ts) min = Math.min(min, t);
  return min;
}

export function createPrometheusAlertHistory(opts: PrometheusAlertHistoryOptions): AlertHistory {
  const client = createLeanRangeClient(opts, leanTransport(opts));
  const stepSeconds = opts.stepSeconds ?? 60;
  const stepMs = stepSeconds * 1000;
  const maxPoints = opts.maxPointsPerQuery ?? 10_000;
  const lookbackMs = Math.ceil(((opts.maxLookbackDays ?? 30) * 86_400_000) / stepMs) * stepMs;

  async function fetchPiece(promql: string, piece: Span, signal: AbortSignal, into: SeriesMap): Promise<void> {
    try {
      const answer = await withBackoff(() => withTimeout(signal, opts.timeoutMs ?? 60_000, async (s) => {
        const a = await client({ promql, startMs: piece.startMs, endMs: piece.endMs, stepSeconds }, s);
        assertComplete(a.warnings);
        return a;
      }), {
        retries: opts.retries ?? 3, baseDelayMs: opts.retryBaseDelayMs ?? 500, maxDelayMs: opts.retryMaxDelayMs ?? 30_000, sleep: opts.sleep ?? abortableSleep,
        onRetry: (err, attempt, delayMs) => opts.logger.warn({ status: err.details.status, attempt, delayMs, err: err.message }, 'alert history query retried'),
      }, signal);
      for (const s of answer.series) {
        const key = JSON.stringify(Object.entries(s.metric).sort(([a], [b]) => a.localeCompare(b)));
        const entry = into.get(key) ?? { labels: s.metric, ts: new Set<number>() };
        for (const v of s.values) if (Number.isFinite(v)) entry.ts.add(Math.round(v * 1000));
        into.set(key, entry);
      }
    } catch (err) {
      const points = (piece.endMs - piece.startMs) / stepMs;
      if (!(err instanceof PrometheusError && err.tooLarge) || points < 2) throw err;
      const mid = piece.startMs + Math.floor(points / 2) * stepMs;
      opts.logger.info({ startMs: piece.startMs, endMs: piece.endMs }, 'alert history query too large; split');
      await fetchPiece(promql, { startMs: piece.startMs, endMs: mid }, signal, into);
      await fetchPiece(promql, { startMs: mid + stepMs, endMs: piece.endMs }, signal, into);
    }
  }

  /** Every step from `span.startMs` to `span.endMs` (both on the step grid), in pieces of at most maxPoints. */
  async function fetchSpan(promql: string, span: Span, signal: AbortSignal, into: SeriesMap): Promise<void> {
    for (let s = span.startMs; s <= span.endMs; s += maxPoints * stepMs) {
      await fetchPiece(promql, { startMs: s, endMs: Math.min(s + (maxPoints - 1) * stepMs, span.endMs) }, signal, into);
    }
  }

  /**
   * Series whose run at the start of what was read may go on before it (`open`: key → the earliest
   * sample of that run so far) are read a span further back, only their alert names, until each run's
   * start is found (a gap over 1.5 intervals) or the look-back limit is reached (the start then shows
   * the limit: still before the range, so the episode is not counted in it).
   */
  async function extendBack(series: SeriesMap, fromMs: number, intervalMs: number, signal: AbortSignal): Promise<void> {
    const limitMs = fromMs - lookbackMs;
    const reachesBack = (runStart: number, from: number) => runStart - from < maxGapMs(intervalMs);
    let open = new Map<string, number>();
    for (const [key, s] of series) {
      const first = earliest(s.ts);
      if (reachesBack(first, fromMs)) open.set(key, first);
    }
    while (open.size > 0 && fromMs > limitMs) {
      const spanStart = Math.max(fromMs - maxPoints * stepMs, limitMs);
      const earlier: SeriesMap = new Map();
      await fetchSpan(alertsQuery(opts.matchers, [...open.keys()].map((k) => series.get(k)!.labels.alertname ?? '')), { startMs: spanStart, endMs: fromMs - stepMs }, signal, earlier);
      const next = new Map<string, number>();
      for (const [key, anchor] of open) {
        const s = series.get(key)!;
        earlier.get(key)?.ts.forEach((t) => s.ts.add(t));
        const sorted = [...s.ts].sort((a, b) => a - b);
        const start = runStartMs(sorted, sorted.indexOf(anchor), intervalMs);
        if (reachesBack(start, spanStart)) next.set(key, start);
      }
      open = next;
      fromMs = spanStart;
    }
    if (open.size > 0) opts.logger.info({ series: open.size, maxLookbackDays: opts.maxLookbackDays ?? 30 }, 'alert firing since before the look-back limit; its start shows the limit');
  }

  return {
    async listEpisodes(range): Promise<AlertEpisode[]> {
      const signal = range.abortSignal ?? new AbortController().signal;
      const firstMs = Math.ceil(range.startMs / stepMs) * stepMs;
      // the step at or after the end still sees the samples of its last part (the range's last minute)
      const lastMs = Math.ceil(range.endMs / stepMs) * stepMs;
      const series: SeriesMap = new Map();
      await fetchSpan(alertsQuery(opts.matchers), { startMs: firstMs, endMs: lastMs }, signal, series);
      for (const s of series.values()) for (const t of s.ts) if (t >= range.endMs) s.ts.delete(t);
      for (const [key, s] of series) if (s.ts.size === 0) series.delete(key);
      const intervalMs = evaluationIntervalMs([...series.values()].map((s) => [...s.ts].sort((a, b) => a - b)), {
        intervalMs: opts.evaluationIntervalSeconds && opts.evaluationIntervalSeconds * 1000, fallbackIntervalMs: stepMs,
      });
      await extendBack(series, firstMs, intervalMs, signal);
      const sampled = [...series.values()].map((s) => ({ labels: s.labels, timestampsMs: s.ts }));
      return episodesFromSamples(sampled, { clusterLabel: opts.clusterLabel ?? 'cluster', intervalMs, fallbackIntervalMs: stepMs, range });
    },
  };
}
