import type { docs_v1, drive_v3 } from 'googleapis';
import type { Clock } from '../../../core/clock.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { GoogleErrorBody } from './schema.js';
import type { Sleep } from './token-bucket.js';

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded', 'RATE_LIMIT_EXCEEDED']);
const MAX_BACKOFF_MS = 60_000;

/** What a failed call was doing, for messages that say what to do. */
export interface CallContext {
  service: 'google-docs' | 'google-drive';
  operation: string;
  /** The fleetops key and, once known, the Google id. */
  document: string;
  folderId: string;
}

/** The clients and the per-call settings shared by the Drive and Docs steps. */
export interface ApiContext {
  docs: docs_v1.Docs;
  drive: drive_v3.Drive;
  folderId: string;
  driveId?: string;
  /** Per-call options: timeout, the job's AbortSignal, and no gaxios retries (ours apply). */
  request: { timeout: number; signal?: AbortSignal; retry: false };
  policy: RetryPolicy;
}

export interface RetryPolicy {
  maxRetries: number;
  baseBackoffMs: number;
  clock: Clock;
  sleep: Sleep;
  logger: Logger;
  /** The job's deadline: checked before every attempt (gaxios drops a signal that is already aborted). */
  signal?: AbortSignal;
}

interface Failure {
  status?: number;
  message: string;
  reasons: string[];
  retryAfter?: string;
}

function headerOf(headers: unknown, name: string): string | undefined {
  if (!headers || typeof headers !== 'object') return undefined;
  if (typeof (headers as Headers).get === 'function') return (headers as Headers).get(name) ?? undefined;
  const value = (headers as Record<string, unknown>)[name];
  return typeof value === 'string' ? value : undefined;
}

/** Reads status, reasons and Retry-After from a gaxios error (or anything thrown). */
export function describeFailure(err: unknown): Failure {
  const e = err as { status?: number; message?: string; response?: { status?: number; data?: unknown; headers?: unknown } };
  const parsed = GoogleErrorBody.safeParse(e?.response?.data);
  const body = parsed.success ? parsed.data.error : undefined;
  const reasons = [...(body?.errors ?? []), ...(body?.details ?? [])].flatMap((r) => (r.reason ? [r.reason] : []));
  return {
    status: e?.response?.status ?? e?.status,
    message: body?.message ?? e?.message ?? String(err),
    reasons,
    retryAfter: headerOf(e?.response?.headers, 'retry-after'),
  };
}

/** 429, 5xx, and 403 whose reason is a rate limit (Drive reports those as 403). */
export function isRetryable(f: Failure): boolean {
  if (f.status === undefined) return false;
  if (f.status === 429 || f.status >= 500) return true;
  return f.status === 403 && f.reasons.some((r) => RATE_LIMIT_REASONS.has(r));
}

/** Retry-After in seconds or as an HTTP date; otherwise exponential backoff from `baseMs`. */
export function backoffMs(f: Failure, attempt: number, baseMs: number, nowMs: number): number {
  if (f.retryAfter !== undefined) {
    const seconds = Number(f.retryAfter);
    if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
    const at = Date.parse(f.retryAfter);
    if (Number.isFinite(at)) return Math.max(0, at - nowMs);
  }
  return Math.min(MAX_BACKOFF_MS, baseMs * 2 ** attempt);
}

function advice(f: Failure, ctx: CallContext): string {
  if (f.status === 403) {
    return `permission denied: share the folder ${ctx.folderId} with the service account (or add it to the Shared Drive as Content manager)`;
  }
  if (f.status === 404 && ctx.operation === 'drive.files.create') {
    return `folder ${ctx.folderId} not found: check folderId, and that the service account is a member of its Shared Drive`;
  }
  return f.message;
}

export function toExternalError(err: unknown, ctx: CallContext, attempts: number): ExternalServiceError {
  const f = describeFailure(err);
  const retryable = isRetryable(f);
  const tail = retryable ? ` (still failing after ${attempts} attempts; rerun later)` : '';
  return new ExternalServiceError(
    `Google ${ctx.operation} failed for document ${ctx.document}${f.status ? ` with ${f.status}` : ''}: ${advice(f, ctx)}${tail}`,
    { service: ctx.service, status: f.status, retryable },
    { cause: err },
  );
}

/** Runs `call`, retrying 429/5xx/rate-limit 403 with backoff; other failures become ExternalServiceError. */
export async function withRetry<T>(ctx: CallContext, policy: RetryPolicy, call: () => Promise<T>): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    if (policy.signal?.aborted) {
      throw new ExternalServiceError(`Google ${ctx.operation} for document ${ctx.document} was not sent: the job was cancelled or hit its deadline`,
        { service: ctx.service, retryable: false }, { cause: policy.signal.reason });
    }
    try {
      return await call();
    } catch (err) {
      const f = describeFailure(err);
      if (!isRetryable(f) || attempt >= policy.maxRetries) throw toExternalError(err, ctx, attempt + 1);
      const waitMs = backoffMs(f, attempt, policy.baseBackoffMs, policy.clock.nowMs());
      if (waitMs > MAX_BACKOFF_MS) {
        // as in core/backoff: a retry sooner than asked earns another refusal, and waiting longer would hold up the other sinks
        const e = toExternalError(err, ctx, attempt + 1);
        e.message += `; Google asked to wait ${Math.round(waitMs / 1000)} s before a retry, longer than a run waits (${MAX_BACKOFF_MS / 1000} s): not retried`;
        throw e;
      }
      policy.logger.warn({ operation: ctx.operation, document: ctx.document, status: f.status, attempt, waitMs }, 'google call retried');
      await policy.sleep(waitMs);
    }
  }
}
