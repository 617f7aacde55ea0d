import type { HttpCallOptions } from '../../http-call-options.js';
import PQueue from 'p-queue';
import { grid } from '../../../fleet/grid.js';
import type { Series } from '../../../fleet/types.js';
import type { CatalogEntry, SignalCatalog } from '../../../signals/catalog.js';
import { planQueries, splitFurther, type PlanLimits, type PlannedQuery } from '../../../signals/query-planner.js';
import type { MetricsAnswer, MetricsRequest, MetricsSource } from '../types.js';
import { assembleSeries, type QueryOutcome } from './assemble-series.js';
import type { PrometheusConnection } from './connection.js';
import { createDriverRangeClient } from './driver-client.js';
import { abortReason, createLeanRangeClient, leanTransport, type Compression, type RangeClient } from './lean-client.js';
import { PrometheusError } from './prometheus-error.js';
import { probeRecordingRules, type UseRecordingRules } from './recording-rule-probe.js';
import { abortableSleep, withBackoff, withTimeout } from '../../../core/backoff.js';
import { CircuitBreaker, CircuitOpenError } from '../../../core/circuit-breaker.js';

export type { PrometheusAuth, AwsCredentials } from './connection.js';

export interface PrometheusMetricsOptions extends PrometheusConnection, HttpCallOptions {
  catalog: SignalCatalog;
  /** Label naming the cluster in the TSDB (often `cluster`, sometimes `cluster_id` or `k8s_cluster`). */
  clusterLabel?: string;
  /** Concurrent queries against the server. */
  concurrency?: number;
  /** Retries of one query on 429/5xx/network errors (not on 422). */
  retries?: number;
  limits?: Partial<PlanLimits>;
  /** `auto` (default): lean for answers of ≥ leanThresholdSamples, prometheus-query below. */
  decoder?: 'prometheus-query' | 'lean' | 'auto';
  leanThresholdSamples?: number;
  /**
   * Response compression asked of the server. `auto` (default): none when the server is on a loopback
   * address, where inflating costs more than the bytes saved, gzip otherwise.
   */
  compression?: Compression;
  useRecordingRules?: UseRecordingRules;
  rateWindow?: string;
  /**
   * Consecutive queries failing with a network error, timeout, 429 or 5xx (after their retries) that
   * make the run skip further queries for `breakerCooldownMs`, then try one again (0 disables).
   */
  breakerFailures?: number;
  breakerCooldownMs?: number;
  /** Clock of the breaker's cooldown (real time; tests pass their own). */
  breakerNowMs?: () => number;
}

/** MetricsSource over the Prometheus HTTP API (also Thanos, Mimir, Amazon Managed Prometheus). */
export function createPrometheusMetrics(opts: PrometheusMetricsOptions): MetricsSource {
  const queue = new PQueue({ concurrency: opts.concurrency ?? 4 });
  const clients = { lean: createLeanRangeClient(opts, leanTransport(opts)), driver: createDriverRangeClient(opts, opts.clock) };
  const breaker = new CircuitBreaker({
    threshold: opts.breakerFailures ?? 3, cooldownMs: opts.breakerCooldownMs ?? 30_000, nowMs: opts.breakerNowMs ?? (() => performance.now()),
    describe: `Prometheus at ${redactUrl(opts.baseUrl)}`, service: 'prometheus',
  });
  let rules: Promise<Set<string>> | undefined;
  const ruleFilter = async (req: MetricsRequest, signal: AbortSignal): Promise<(e: CatalogEntry) => boolean> => {
    const mode = opts.useRecordingRules ?? 'auto';
    if (mode !== 'auto') return () => mode === 'always';
    rules ??= probeRecordingRules(opts.catalog, opts, opts, { startMs: req.startMs, endMs: req.endMs }, signal);
    const present = await rules;
    return (e) => present.has(e.recordingRule ?? '');
  };

  return {
    async query(req) {
      const stepMs = req.stepSeconds * 1000;
      const { firstMs, n } = grid(req.startMs, req.endMs, stepMs);
      if (n === 0 || req.clusters.length === 0) return { series: [], warnings: [], failedClusters: [], bytesFetched: 0 };
      const signal = req.abortSignal ?? new AbortController().signal;
      const planFor = (clusters: string[], useRecordingRule: (e: CatalogEntry) => boolean) => planQueries({
        catalog: opts.catalog, signal: req.signal, component: req.component, clusters, startMs: firstMs, endMs: firstMs + (n - 1) * stepMs,
        stepSeconds: req.stepSeconds, clusterLabel: opts.clusterLabel ?? 'cluster', rateWindow: opts.rateWindow, limits: opts.limits, useRecordingRule,
      });
      const assemble = (outcomes: QueryOutcome[]) => assembleSeries(outcomes, { grid: { startMs: firstMs, stepMs, n }, clusterLabel: opts.clusterLabel ?? 'cluster', logger: opts.logger });
      const plan = planFor(req.clusters, await ruleFilter(req, signal));
      const answer = assemble((await Promise.all(plan.map((q) => execute(q, signal)))).flat());
      return plan.some((q) => q.render.useRecordingRule) ? withRawFallback(answer, req.clusters, planFor, assemble, signal) : answer;
    },
  };

  /**
   * A recording rule the probe found may still not cover every cluster (rules rolled out to some
   * clusters' Prometheus, or a ruler that evaluates only some tenants): the clusters a rule's answer
   * left out are asked once more with the raw template, so their signal is not silently unscanned.
   */
  async function withRawFallback(
    answer: MetricsAnswer, requested: readonly string[], planFor: (clusters: string[], rule: (e: CatalogEntry) => boolean) => PlannedQuery[],
    assemble: (outcomes: QueryOutcome[]) => MetricsAnswer, signal: AbortSignal,
  ): Promise<MetricsAnswer> {
    const seen = new Set(answer.series.map((x) => x.cluster));
    const failed = new Set(answer.failedClusters);
    const plan = planFor(requested.filter((c) => !seen.has(c) && !failed.has(c)), () => false);
    if (plan.length === 0) return answer;
    opts.logger.info({ clusters: plan.reduce((sum, q) => sum + q.clusters.length, 0), signal: plan[0].signal }, 'recording rule returned no series for some clusters; asking for them with the raw template');
    const raw = assemble((await Promise.all(plan.map((q) => execute(q, signal)))).flat());
    return {
      ...answer,
      series: [...answer.series, ...raw.series],
      warnings: [...answer.warnings, ...raw.warnings],
      failedClusters: [...answer.failedClusters, ...raw.failedClusters],
      ...(answer.failureReasons || raw.failureReasons ? { failureReasons: [...new Set([...(answer.failureReasons ?? []), ...(raw.failureReasons ?? [])])] } : {}),
      bytesFetched: answer.bytesFetched + raw.bytesFetched,
    };
  }

  /** One planned query through the queue; a 422 splits it and runs the pieces, never the same again. */
  async function execute(q: PlannedQuery, signal: AbortSignal): Promise<QueryOutcome[]> {
    // no `{ signal }` for the queue: it keeps an abort listener per waiting query on the job's signal
    const outcome = await queue.add(() => { throwIfCutOff(signal); return attempt(q, signal); });
    if (outcome.kind !== 'split') return [outcome];
    const pieces = splitFurther(q, outcome.error.tooManyPointsPerSeries ? 'range' : 'clusters');
    if (pieces.length === 0) return [{ kind: 'failed', query: q, error: outcome.error }];
    opts.logger.info({ signal: q.signal, component: q.component, clusters: q.clusters.length, pieces: pieces.length }, 'query too large; split');
    return (await Promise.all(pieces.map((p) => execute(p, signal)))).flat();
  }

  async function attempt(q: PlannedQuery, signal: AbortSignal): Promise<QueryOutcome | { kind: 'split'; error: PrometheusError }> {
    const client = pickClient(q);
    try {
      // a query waiting in the queue when the server went down fails here at once, not after its retries
      breaker.check();
      const answer = await withBackoff(() => withTimeout(signal, opts.timeoutMs ?? 60_000, (s) => client(q, s)), {
        retries: opts.retries ?? 3, baseDelayMs: opts.retryBaseDelayMs ?? 500, maxDelayMs: opts.retryMaxDelayMs ?? 30_000, sleep: opts.sleep ?? abortableSleep,
        onRetry: (err, n, delayMs) => opts.logger.warn({ status: err.details.status, attempt: n, delayMs, signal: q.signal }, 'prometheus query retried'),
      }, signal);
      breaker.success();
      return { kind: 'ok', query: q, answer };
    } catch (err) {
      if (err instanceof CircuitOpenError) {
        opts.logger.debug({ signal: q.signal, component: q.component, clusters: q.clusters.length }, 'prometheus query skipped: server down');
        return { kind: 'failed', query: q, error: err };
      }
      // the job's deadline or cancellation says nothing about the server
      if (!signal.aborted && breaker.failure(err)) opts.logger.error({ err, url: redactUrl(opts.baseUrl) }, 'Prometheus is not answering: skipping queries for the breaker cooldown');
      if (err instanceof PrometheusError && err.tooLarge) return { kind: 'split', error: err };
      opts.logger.warn({ err, signal: q.signal, component: q.component, clusters: q.clusters.length }, 'prometheus query failed');
      return { kind: 'failed', query: q, error: err };
    }
  }

  function pickClient(q: PlannedQuery): RangeClient {
    const mode = opts.decoder ?? 'auto';
    if (mode !== 'auto') return mode === 'lean' ? clients.lean : clients.driver;
    const samples = q.clusters.length * (Math.floor((q.endMs - q.startMs) / (q.stepSeconds * 1000)) + 1);
    return samples >= (opts.leanThresholdSamples ?? LEAN_THRESHOLD_SAMPLES) ? clients.lean : clients.driver;
  }
}

/**
 * A query still waiting when the run was cut off is not sent; the error says why (the run's deadline
 * or an interrupt) where the bare abort reason read "The operation was aborted due to timeout".
 */
function throwIfCutOff(signal: AbortSignal): void {
  if (signal.aborted) throw new PrometheusError(`Prometheus query not sent: ${abortReason(signal)}`, undefined, undefined, { cause: signal.reason });
}

/**
 * Expected samples from which the lean decoder serves a query. prometheus-query builds a Date and an
 * object per sample: on a 100-cluster × 1-day scan (29k samples per answer) its decoding and the
 * garbage it leaves took the scan to 1.6× the bare fetch time (`npm run bench:scan -- --clusters 100`).
 */
export const LEAN_THRESHOLD_SAMPLES = 10_000;

/** The URL for messages: user and password, if any were written into it, left out. */
function redactUrl(raw: string): string {
  try {
    const u = new URL(raw);
    u.username = '';
    u.password = '';
    return u.toString().replace(/\/$/, '');
  } catch {
    return raw;
  }
}

export type { MetricsAnswer, Series };
