/**
 * AlertHistory over the Prometheus HTTP API: `timestamp(ALERTS{alertstate="firing"})` range queries,
 * split into pieces under the server's points-per-series limit, retried on 429/5xx (Retry-After
 * honoured), split further on 422, and turned into episodes from the samples' own timestamps.
 */
import type { HttpCallOptions } from '../../http-call-options.js';
import type { PrometheusConnection } from '../../metrics/prometheus/connection.js';
import { createLeanRangeClient, leanTransport } from '../../metrics/prometheus/lean-client.js';
import { PrometheusError } from '../../metrics/prometheus/prometheus-error.js';
import { abortableSleep, withBackoff, withTimeout } from '../../../core/backoff.js';
import type { AlertEpisode, AlertHistory } from '../types.js';
import { episodesFromSamples } from './episodes-from-samples.js';

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
}

interface Piece { startMs: number; endMs: number }

export function createPrometheusAlertHistory(opts: PrometheusAlertHistoryOptions): AlertHistory {
  const client = createLeanRangeClient(opts, leanTransport(opts));
  const stepSeconds = opts.stepSeconds ?? 60;
  const stepMs = stepSeconds * 1000;
  const promql = `timestamp(ALERTS{alertstate="firing"${opts.matchers ? `, ${opts.matchers}` : ''}})`;

  async function fetchPiece(piece: Piece, signal: AbortSignal, into: Map<string, { labels: Record<string, string>; ts: Set<number> }>): Promise<void> {
    try {
      const answer = await withBackoff(() => withTimeout(signal, opts.timeoutMs ?? 60_000, (s) => client({ promql, startMs: piece.startMs, endMs: piece.endMs, stepSeconds }, s)), {
        retries: opts.retries ?? 3, baseDelayMs: opts.retryBaseDelayMs ?? 500, maxDelayMs: opts.retryMaxDelayMs ?? 30_000, sleep: opts.sleep ?? abortableSleep,
        onRetry: (err, attempt, delayMs) => opts.logger.warn({ status: err.details.status, attempt, delayMs }, 'alert history query retried'),
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
      await fetchPiece({ startMs: piece.startMs, endMs: mid }, signal, into);
      await fetchPiece({ startMs: mid + stepMs, endMs: piece.endMs }, signal, into);
    }
  }

  return {
    async listEpisodes(range): Promise<AlertEpisode[]> {
      const signal = range.abortSignal ?? new AbortController().signal;
      const firstMs = Math.ceil(range.startMs / stepMs) * stepMs;
      const maxPoints = opts.maxPointsPerQuery ?? 10_000;
      const series = new Map<string, { labels: Record<string, string>; ts: Set<number> }>();
      for (let s = firstMs; s < range.endMs; s += maxPoints * stepMs) {
        await fetchPiece({ startMs: s, endMs: Math.min(s + (maxPoints - 1) * stepMs, range.endMs - 1) }, signal, series);
      }
      const sampled = [...series.values()].map((s) => ({ labels: s.labels, timestampsMs: [...s.ts].filter((t) => t < range.endMs) }));
      return episodesFromSamples(sampled, {
        clusterLabel: opts.clusterLabel ?? 'cluster', intervalMs: opts.evaluationIntervalSeconds && opts.evaluationIntervalSeconds * 1000,
        fallbackIntervalMs: stepMs, range,
      });
    },
  };
}
