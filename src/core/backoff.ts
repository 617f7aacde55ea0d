/**
 * Backoff for every HTTP adapter (Prometheus, Alertmanager, OpenSearch, Argo CD): retry only errors
 * marked retryable (429, 5xx, network), honouring the server's Retry-After: never sooner than it
 * asks, and not at all when it asks for more than maxDelayMs.
 */
import { ExternalServiceError } from './errors.js';

/** An ExternalServiceError that may carry the server's Retry-After, in ms. */
export class HttpServiceError extends ExternalServiceError {
  constructor(message: string, details: { service: string; status?: number }, readonly retryAfterMs?: number, options?: { cause?: unknown }) {
    super(message, { ...details, retryable: isRetryableStatus(details.status) }, options);
  }
}

/** 429 and 5xx are retried; no status means a network error or timeout, also retried. */
export function isRetryableStatus(status: number | undefined): boolean {
  return status === undefined || status === 429 || status >= 500;
}

export interface BackoffOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (err: ExternalServiceError, attempt: number, delayMs: number) => void;
}

export async function withBackoff<T>(fn: () => Promise<T>, opts: BackoffOptions, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = err instanceof ExternalServiceError && err.details.retryable === true;
      if (!retryable || attempt >= opts.retries || signal?.aborted) throw err;
      const retryAfterMs = err instanceof HttpServiceError ? err.retryAfterMs : undefined;
      if (retryAfterMs !== undefined && retryAfterMs > opts.maxDelayMs) {
        // retrying sooner than the server asked only earns another refusal (and adds to its load):
        // the call fails now, and the run reports it as it does any other failure
        err.message += `; the server asked to wait ${formatSeconds(retryAfterMs)} before a retry, longer than a run waits (${formatSeconds(opts.maxDelayMs)}): not retried`;
        throw err;
      }
      const delayMs = delayFor(err, attempt, opts);
      opts.onRetry?.(err, attempt + 1, delayMs);
      await opts.sleep(delayMs, signal);
    }
  }
}

function formatSeconds(ms: number): string {
  return `${Math.round(ms / 100) / 10} s`;
}

function delayFor(err: ExternalServiceError, attempt: number, opts: BackoffOptions): number {
  const retryAfterMs = err instanceof HttpServiceError ? err.retryAfterMs : undefined;
  if (retryAfterMs !== undefined) return retryAfterMs;
  const backoff = opts.baseDelayMs * 2 ** attempt;
  return Math.min(opts.maxDelayMs, backoff / 2 + (opts.random ?? Math.random)() * (backoff / 2));
}

/** Retry-After is seconds or an HTTP date; undefined when absent or unreadable. */
export function parseRetryAfterMs(header: unknown, nowMs: number): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (typeof value !== 'string' || value === '') return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - nowMs);
}

/** setTimeout as a promise that rejects when the signal aborts. */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason as Error);
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(signal?.reason as Error); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

/**
 * Run one call with its own timeout that also aborts when `parent` (the job's deadline) does; the
 * timer and the listener on the parent are removed when the call settles. AbortSignal.any with
 * AbortSignal.timeout left a listener on the job's signal per call (MaxListenersExceededWarning on
 * an 84-query scan) and cost more than the parsing of small answers.
 */
export async function withTimeout<T>(parent: AbortSignal | undefined, timeoutMs: number, fn: (signal: AbortSignal) => Promise<T>): Promise<T> {
  const ctl = new AbortController();
  const timer = setTimeout(() => ctl.abort(new DOMException(`no answer within ${timeoutMs} ms`, 'TimeoutError')), timeoutMs);
  const onAbort = () => ctl.abort(parent?.reason);
  if (parent?.aborted) onAbort();
  else parent?.addEventListener('abort', onAbort, { once: true });
  try {
    return await fn(ctl.signal);
  } finally {
    clearTimeout(timer);
    parent?.removeEventListener('abort', onAbort);
  }
}
