import { PrometheusError } from './prometheus-error.js';

export interface RetryOptions {
  retries: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  random?: () => number;
  onRetry?: (err: PrometheusError, attempt: number, delayMs: number) => void;
}

/** Run `fn`, retrying retryable PrometheusErrors with jittered backoff, honouring Retry-After. */
export async function withRetries<T>(fn: () => Promise<T>, opts: RetryOptions, signal?: AbortSignal): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (err) {
      const retryable = err instanceof PrometheusError && err.details.retryable && !err.tooLarge;
      if (!retryable || attempt >= opts.retries || signal?.aborted) throw err;
      const delayMs = retryDelayMs(err, attempt, opts);
      opts.onRetry?.(err, attempt + 1, delayMs);
      await opts.sleep(delayMs, signal);
    }
  }
}

function retryDelayMs(err: PrometheusError, attempt: number, opts: RetryOptions): number {
  if (err.retryAfterMs !== undefined) return Math.min(err.retryAfterMs, opts.maxDelayMs);
  const backoff = opts.baseDelayMs * 2 ** attempt;
  return Math.min(opts.maxDelayMs, backoff / 2 + (opts.random ?? Math.random)() * (backoff / 2));
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
