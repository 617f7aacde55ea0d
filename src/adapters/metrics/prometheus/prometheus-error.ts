import { ExternalServiceError } from '../../../core/errors.js';

/** A failed Prometheus call; `retryAfterMs` comes from the server's Retry-After header. */
export class PrometheusError extends ExternalServiceError {
  constructor(message: string, status: number | undefined, readonly retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, { service: 'prometheus', status, retryable: isRetryable(status) }, options);
  }

  /** The server refused the query as too big (422 / 400 "exceeded"): split it, never retry it. */
  get tooLarge(): boolean {
    return this.details.status === 422;
  }
}

/** 429 and 5xx are retried; other HTTP statuses are final; no status (network, timeout) retried. */
export function isRetryable(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

/** Retry-After is seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfter(header: string | null | undefined, nowMs: number): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(header);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}
