/**
 * AlertHistory over the Prometheus HTTP API. The sample times of `ALERTS{alertstate="firing"}` are
 * read raw (`ALERTS{…}[<n>ms]` instant queries, raw-client.ts), in windows under the server's samples
 * limit (sized by an hourly probe of the samples), retried on 429/5xx (Retry-After honoured) and on
 * partial answers, halved on 422; each series then keeps the samples a `timestamp(ALERTS{…})` range
 * query would answer on the step grid, and episodes are built from those. An alert already firing at
 * the range start is read further back until its episode's real start shows (up to maxLookbackDays),
 * so it is counted in the week it started, not in every week; with `lookBack: 'range'` only until it
 * shows that it started before the range.
 */
import type { HttpCallOptions } from '../../http-call-options.js';
import type { PrometheusConnection } from '../../metrics/prometheus/connection.js';
import { createLeanRangeClient, leanTransport } from '../../metrics/prometheus/lean-client.js';
import { PrometheusError } from '../../metrics/prometheus/prometheus-error.js';
import { abortableSleep, withBackoff, withTimeout } from '../../../core/backoff.js';
import type { AlertEpisode, AlertHistory } from '../types.js';
import { alertsSelector, assertComplete } from './alert-query.js';
import { episodesFromRuns, evaluationIntervalMs, maxGapMs } from './episodes-from-samples.js';
import { LOOKBACK_DELTA_MS, planWindows, PROBE_WINDOW_MS, probeQuery, type SampleCounts, type Span, type Window } from './plan-pieces.js';
import { createRawClient } from './raw-client.js';
import { SampleRuns } from './sample-runs.js';
import { compareText } from '../../../core/compare-text.js';

export interface PrometheusAlertHistoryOptions extends PrometheusConnection, HttpCallOptions {
  clusterLabel?: string;
  /** Step of the grid the samples are read on; at most the rule evaluation interval for exact episode bounds. Default 60. */
  stepSeconds?: number;
  /** Rule evaluation interval, when known; default: inferred from sample spacing. */
  evaluationIntervalSeconds?: number;
  /** Extra label matchers, e.g. `env="prod"`. */
  matchers?: string;
  /** Steps per span read back before the range (a span, then the next further back). Default 10,000. */
  maxPointsPerQuery?: number;
  /**
   * Samples per query (Prometheus refuses more than --query.max-samples, 50,000,000 by default; each
   * is ~20 bytes of JSON). Default 5,000,000.
   */
  maxSamplesPerQuery?: number;
  /** How far before the range to look for the start of an alert firing at the range start. Default 30. */
  maxLookbackDays?: number;
}

interface Sampled { labels: Record<string, string>; ts: SampleRuns }
type SeriesMap = Map<string, Sampled>;

/** A window this short that the server still refuses is not halved again. */
const MIN_WINDOW_MS = 60_000;

export function createPrometheusAlertHistory(opts: PrometheusAlertHistoryOptions): AlertHistory {
  const transport = leanTransport(opts);
  const raw = createRawClient(opts, transport);
  const range = createLeanRangeClient(opts, transport);
  const stepSeconds = opts.stepSeconds ?? 60;
  const stepMs = stepSeconds * 1000;
  const maxPoints = opts.maxPointsPerQuery ?? 10_000;
  const maxSamples = opts.maxSamplesPerQuery ?? 5_000_000;
  const lookbackMs = Math.ceil(((opts.maxLookbackDays ?? 30) * 86_400_000) / stepMs) * stepMs;

  /** One call with timeout and retries (429/5xx, Retry-After, and partial answers where the call checks them). */
  function call<T>(fn: (signal: AbortSignal) => Promise<T>, signal: AbortSignal): Promise<T> {
    return withBackoff(() => withTimeout(signal, opts.timeoutMs ?? 60_000, fn), {
      retries: opts.retries ?? 3, baseDelayMs: opts.retryBaseDelayMs ?? 500, maxDelayMs: opts.retryMaxDelayMs ?? 30_000, sleep: opts.sleep ?? abortableSleep,
      onRetry: (err, attempt, delayMs) => opts.logger.warn({ status: err.details.status, attempt, delayMs, err: err.message }, 'alert history query retried'),
    }, signal);
  }

  async function readWindow(selector: string, w: Window, signal: AbortSignal, into: SeriesMap): Promise<void> {
    try {
      const answer = await call(async (s) => {
        const a = await raw({ selector, ...w }, s);
        assertComplete(a.warnings);
        return a;
      }, signal);
      for (const s of answer.series) {
        const key = JSON.stringify(Object.entries(s.metric).sort(([a], [b]) => compareText(a, b)));
        const entry = into.get(key) ?? { labels: s.metric, ts: new SampleRuns() };
        for (const t of s.timestampsMs) entry.ts.add(t);
        into.set(key, entry);
      }
    } catch (err) {
      if (!(err instanceof PrometheusError && err.tooLarge) || w.toMs - w.fromMs <= MIN_WINDOW_MS) throw err;
      const mid = w.fromMs + Math.floor((w.toMs - w.fromMs) / 2);
      opts.logger.info({ fromMs: w.fromMs, toMs: w.toMs }, 'alert history query too large; split');
      await readWindow(selector, { fromMs: w.fromMs, toMs: mid }, signal, into);
      await readWindow(selector, { fromMs: mid, toMs: w.toMs }, signal, into);
    }
  }

  /**
   * Samples per hour of the span, for cutting the reads. A server that refuses the probe (400/422) or
   * answers in another shape leaves one read, halved on 422; a partial answer is an estimate still.
   */
  async function probe(selector: string, span: Span, signal: AbortSignal): Promise<SampleCounts | undefined> {
    const windows = Math.max(1, Math.ceil((span.endMs - span.startMs) / PROBE_WINDOW_MS));
    try {
      const answer = await call((s) => range({ promql: probeQuery(selector), startMs: span.startMs, endMs: span.startMs + windows * PROBE_WINDOW_MS, stepSeconds: PROBE_WINDOW_MS / 1000 }, s), signal);
      if (answer.series.length > 1 || (answer.series[0] && Object.keys(answer.series[0].metric).length > 0)) return undefined;
      const values = answer.series[0]?.values ?? [];
      return { startMs: span.startMs, windowMs: PROBE_WINDOW_MS, samples: Array.from({ length: windows + 1 }, (_, i) => (Number.isFinite(values[i]) ? values[i] : 0)) };
    } catch (err) {
      if (!(err instanceof PrometheusError) || (err.details.status !== 400 && err.details.status !== 422)) throw err;
      opts.logger.info({ err: err.message }, 'alert history probe refused; read in one piece');
      return undefined;
    }
  }

  /** The samples `timestamp(<selector>)` answers at the steps of `span`, per series, one read at a time. */
  async function fetchSpan(selector: string, span: Span, signal: AbortSignal, into: SeriesMap): Promise<void> {
    const counts = await probe(selector, span, signal);
    const read: SeriesMap = new Map();
    for (const w of planWindows(span, maxSamples, counts)) await readWindow(selector, w, signal, read);
    for (const [key, s] of read) {
      const seen = s.ts.seenAtSteps({ firstMs: span.startMs, lastMs: span.endMs, stepMs }, LOOKBACK_DELTA_MS);
      if (seen.size === 0) continue;
      const entry = into.get(key) ?? { labels: s.labels, ts: new SampleRuns() };
      entry.ts.merge(seen);
      into.set(key, entry);
    }
  }

  /**
   * Series whose run at the start of what was read may go on before it (`open`: key → the earliest
   * sample of that run so far) are read a span further back, only their alert names, until each run's
   * start is found (a gap over 1.5 intervals) or `limitMs` is reached (the start then shows the
   * earliest sample read: still before the range, so the episode is not counted in it).
   */
  async function extendBack(series: SeriesMap, fromMs: number, limitMs: number, intervalMs: number, signal: AbortSignal): Promise<number> {
    const reachesBack = (runStart: number, from: number) => runStart - from < maxGapMs(intervalMs);
    let open = new Map<string, number>();
    for (const [key, s] of series) {
      const first = s.ts.earliest();
      if (reachesBack(first, fromMs)) open.set(key, first);
    }
    while (open.size > 0 && fromMs > limitMs) {
      const spanStart = Math.max(fromMs - maxPoints * stepMs, limitMs);
      const earlier: SeriesMap = new Map();
      await fetchSpan(alertsSelector(opts.matchers, [...open.keys()].map((k) => series.get(k)!.labels.alertname ?? '')), { startMs: spanStart, endMs: fromMs - stepMs }, signal, earlier);
      const next = new Map<string, number>();
      for (const [key, anchor] of open) {
        const s = series.get(key)!;
        const more = earlier.get(key)?.ts;
        if (more) s.ts.merge(more);
        const start = s.ts.runStart(anchor, maxGapMs(intervalMs));
        if (reachesBack(start, spanStart)) next.set(key, start);
      }
      open = next;
      fromMs = spanStart;
    }
    return open.size;
  }

  return {
    async listEpisodes(r): Promise<AlertEpisode[]> {
      const signal = r.abortSignal ?? new AbortController().signal;
      const firstMs = Math.ceil(r.startMs / stepMs) * stepMs;
      // the step at or after the end still sees the samples of its last part (the range's last minute)
      const lastMs = Math.ceil(r.endMs / stepMs) * stepMs;
      const series: SeriesMap = new Map();
      await fetchSpan(alertsSelector(opts.matchers), { startMs: firstMs, endMs: lastMs }, signal, series);
      for (const [key, s] of series) {
        s.ts.dropFrom(r.endMs);
        if (s.ts.size === 0) series.delete(key);
      }
      const intervalMs = evaluationIntervalMs([...series.values()].map((s) => s.ts), {
        intervalMs: opts.evaluationIntervalSeconds && opts.evaluationIntervalSeconds * 1000, fallbackIntervalMs: stepMs,
      });
      // 'range': back only as far as a sample that a step at the range start could have seen, and the gap before it
      const shallowMs = Math.ceil((LOOKBACK_DELTA_MS + maxGapMs(intervalMs)) / stepMs) * stepMs + stepMs;
      const deep = r.lookBack !== 'range';
      const stillOpen = await extendBack(series, firstMs, firstMs - (deep ? lookbackMs : shallowMs), intervalMs, signal);
      if (deep && stillOpen > 0) opts.logger.info({ series: stillOpen, maxLookbackDays: opts.maxLookbackDays ?? 30 }, 'alert firing since before the look-back limit; its start shows the limit');
      return episodesFromRuns([...series.values()].map((s) => ({ labels: s.labels, runs: s.ts })), { clusterLabel: opts.clusterLabel ?? 'cluster', intervalMs, fallbackIntervalMs: stepMs, range: r });
    },
  };
}
