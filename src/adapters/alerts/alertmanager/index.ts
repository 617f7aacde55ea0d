/**
 * Alerts firing now, from the Alertmanager v2 API (`GET /api/v2/alerts?active=true`), including
 * silenced and inhibited ones (flagged). Retries 429/5xx/network errors with backoff, honouring
 * Retry-After; every request has a timeout and follows the caller's AbortSignal.
 */
import type { Clock } from '../../../core/clock.js';
import { describeIssues } from '../../../core/config/format-issues.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { FiringAlert } from '../../../reporting/report/weekly-report.js';
import { abortableSleep, parseRetryAfterMs, withBackoff, withTimeout } from '../../../core/backoff.js';
import { PrometheusError } from '../../metrics/prometheus/prometheus-error.js';
import { GettableAlerts, type GettableAlert } from './schema.js';

/** Alerts firing at this moment (a port; the lead may move it into alerts/types.ts). */
export interface FiringAlertsSource {
  /** Active alerts, oldest first. Throws ExternalServiceError when the source cannot answer. */
  listFiring(signal?: AbortSignal): Promise<FiringAlert[]>;
}

export interface AlertmanagerOptions {
  /** Root URL, e.g. `http://alertmanager:9093`; the API lives under `<baseUrl>/api/v2/`. */
  baseUrl: string;
  headers?: Record<string, string>;
  clusterLabel?: string;
  timeoutMs?: number;
  retries?: number;
  retryBaseDelayMs?: number;
  logger: Logger;
  clock: Clock;
  fetch?: typeof fetch;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

function toFiring(a: GettableAlert, clusterLabel: string): FiringAlert {
  const summary = a.annotations.summary ?? a.annotations.description;
  return {
    alertname: a.labels.alertname ?? 'unknown', cluster: a.labels[clusterLabel] ?? 'unknown', severity: a.labels.severity ?? 'none',
    sinceMs: Date.parse(a.startsAt), silenced: a.status.silencedBy.length > 0 || a.status.inhibitedBy.length > 0, ...(summary ? { summary } : {}),
  };
}

export function createAlertmanagerFiring(opts: AlertmanagerOptions): FiringAlertsSource {
  const doFetch = opts.fetch ?? fetch;
  const url = new URL('api/v2/alerts?active=true', opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);

  async function once(signal: AbortSignal): Promise<unknown> {
    const { res, text } = await withTimeout(signal, opts.timeoutMs ?? 30_000, async (s) => {
      const r = await doFetch(url, { headers: { accept: 'application/json', ...opts.headers }, signal: s })
        .catch((err: unknown) => { throw new PrometheusError(`Alertmanager request failed: ${(err as Error).message}`, undefined, undefined, { cause: err }); });
      return { res: r, text: await r.text() };
    });
    if (!res.ok) throw new PrometheusError(`Alertmanager answered ${res.status}: ${text.slice(0, 200)}`, res.status, parseRetryAfterMs(res.headers.get('retry-after'), opts.clock.nowMs()));
    try {
      return JSON.parse(text);
    } catch (err) {
      throw new ExternalServiceError(`Alertmanager answer from ${url.href} is not JSON; check report.alertmanagerUrl`, { service: 'alertmanager', retryable: false }, { cause: err });
    }
  }

  return {
    async listFiring(signal = new AbortController().signal) {
      const body = await withBackoff(() => once(signal), {
        retries: opts.retries ?? 3, baseDelayMs: opts.retryBaseDelayMs ?? 500, maxDelayMs: 30_000, sleep: opts.sleep ?? abortableSleep,
        onRetry: (err, attempt, delayMs) => opts.logger.warn({ status: err.details.status, attempt, delayMs }, 'alertmanager request retried'),
      }, signal);
      const parsed = GettableAlerts.safeParse(body);
      if (!parsed.success) {
        const [p] = describeIssues(parsed.error.issues, GettableAlerts, body);
        throw new ExternalServiceError(`Alertmanager answer is not a list of alerts (${p.field}: ${p.message}); check report.alertmanagerUrl`, { service: 'alertmanager', retryable: false });
      }
      return parsed.data.map((a) => toFiring(a, opts.clusterLabel ?? 'cluster')).sort((a, b) => a.sinceMs - b.sinceMs);
    },
  };
}
