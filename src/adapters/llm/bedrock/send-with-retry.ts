import type { Logger } from '../../../core/logger.js';
import { ExternalServiceError } from '../../../core/errors.js';

export interface RetryPolicy {
  /** Attempts in total, the first included. */
  maxAttempts: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  logger: Logger;
}

interface Classified {
  name: string;
  status?: number;
  retryable: boolean;
  retryAfterMs?: number;
}

const RETRYABLE_NAMES = new Set(['ThrottlingException', 'ServiceUnavailableException', 'InternalServerException', 'ModelNotReadyException']);

/** Calls `send`, retrying throttling (429) and 5xx with exponential backoff; other errors → ExternalServiceError. */
export async function sendWithRetry<T>(send: () => Promise<T>, policy: RetryPolicy, signal?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await send();
    } catch (err) {
      const c = classify(err);
      if (!c.retryable || attempt >= policy.maxAttempts || signal?.aborted) throw toExternal(err, c, attempt);
      const delayMs = c.retryAfterMs ?? Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      policy.logger.warn({ error: c.name, status: c.status, attempt, delayMs }, 'bedrock converse retrying');
      await policy.sleep(delayMs, signal).catch((abort: unknown) => { throw toExternal(abort, { name: 'AbortError', retryable: false }, attempt); });
    }
  }
}

export function classify(err: unknown): Classified {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number }; $response?: { headers?: Record<string, string> } };
  const name = e?.name ?? 'Error';
  const status = e?.$metadata?.httpStatusCode;
  const retryable = RETRYABLE_NAMES.has(name) || status === 429 || (status !== undefined && status >= 500);
  const retryAfterSeconds = Number(e?.$response?.headers?.['retry-after']);
  const retryAfterMs = Number.isFinite(retryAfterSeconds) && retryAfterSeconds > 0 ? Math.min(retryAfterSeconds * 1000, 60_000) : undefined;
  return { name, status, retryable, retryAfterMs };
}

function toExternal(err: unknown, c: Classified, attempts: number): ExternalServiceError {
  const what = c.retryable ? `still failing after ${attempts} attempts` : 'failed';
  const message = `bedrock converse ${what}: ${c.name}${c.status ? ` (HTTP ${c.status})` : ''}: ${(err as Error)?.message ?? String(err)}; check the model id, region, IAM permissions and quotas`;
  return new ExternalServiceError(message, { service: 'bedrock', status: c.status, retryable: c.retryable }, { cause: err });
}
