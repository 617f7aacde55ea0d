import { LogLevel, WebAPIHTTPError, WebAPIPlatformError, WebAPIRateLimitedError, WebAPIRequestError, type Logger as SlackLogger, type WebClient } from '@slack/web-api';
import type { z } from 'zod';
import { describeIssues } from '../../../core/config/format-issues.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';

export type Sleep = (ms: number, signal?: AbortSignal) => Promise<void>;

export interface SlackCallerOptions {
  client: WebClient;
  logger: Logger;
  sleep: Sleep;
  /** Retries after the first attempt, on 429 and 5xx only. */
  maxRetries: number;
  /** Longest wait before a retry: a longer Retry-After fails the call at once (retryable). */
  maxDelayMs: number;
  signal?: AbortSignal;
}

export interface SlackCaller {
  /** Call a Web API method, retrying 429/5xx, and validate the answer with `schema`. */
  call<S extends z.ZodType>(method: string, args: Record<string, unknown>, schema: S): Promise<z.infer<S>>;
  /**
   * Run any SDK operation with the same retry and error mapping. `idempotent: false` retries a 429
   * only (Slack refused it before doing anything): a 5xx may come after the operation took effect.
   */
  run<T>(method: string, op: () => Promise<T>, how?: { idempotent?: boolean }): Promise<T>;
}

const HINTS: Record<string, string> = {
  channel_not_found: 'check the channel name or id and invite the bot to the channel',
  not_in_channel: 'invite the bot to the channel',
  invalid_auth: 'check the Slack bot token',
  not_authed: 'check the Slack bot token',
  invalid_blocks: 'a block exceeds Slack limits; build messages with fitMessage',
  missing_scope: 'add the missing OAuth scope to the Slack app',
};

/** The Slack error code (`channel_not_found`) behind a mapped error, if any. */
export function slackErrorCode(err: unknown): string | undefined {
  const cause = err instanceof ExternalServiceError ? err.cause : err;
  return cause instanceof WebAPIPlatformError ? cause.data.error : undefined;
}

function retryDelayMs(err: unknown, attempt: number): number | undefined {
  if (err instanceof WebAPIRateLimitedError) return Math.max(0, err.retryAfter) * 1000;
  if (!(err instanceof WebAPIHTTPError) || err.statusCode < 500) return undefined;
  const header = Number.parseInt(err.headers['retry-after'] ?? '', 10);
  return Number.isFinite(header) && header >= 0 ? header * 1000 : Math.min(30_000, 1000 * 2 ** attempt);
}

function toExternalError(method: string, err: unknown, attempts: number): ExternalServiceError {
  const details = { service: 'slack' };
  if (err instanceof WebAPIPlatformError) {
    const code = err.data.error;
    const needed = (err.data as { needed?: unknown }).needed;
    const extra = [needed ? `needed: ${String(needed)}` : '', ...(err.data.response_metadata?.messages ?? []), HINTS[code] ?? '']
      .filter(Boolean).join('; ');
    return new ExternalServiceError(`${method}: ${code}${extra ? ` (${extra})` : ''}`, { ...details, status: 200, retryable: false }, { cause: err });
  }
  if (err instanceof WebAPIRateLimitedError) {
    return new ExternalServiceError(`${method}: rate limited after ${attempts} attempts; retry later`, { ...details, status: 429, retryable: true }, { cause: err });
  }
  if (err instanceof WebAPIHTTPError) {
    return new ExternalServiceError(`${method}: HTTP ${err.statusCode} after ${attempts} attempts; Slack may be degraded, retry later`, { ...details, status: err.statusCode, retryable: err.statusCode >= 500 }, { cause: err });
  }
  const reason = err instanceof WebAPIRequestError ? err.original.message : err instanceof Error ? err.message : String(err);
  return new ExternalServiceError(`${method}: request failed (${reason}); check the network path to Slack`, { ...details, retryable: false }, { cause: err });
}

/** Retry and error mapping around the SDK, whose own retries are off (`retries: 0`). */
export function createSlackCaller(opts: SlackCallerOptions): SlackCaller {
  async function run<T>(method: string, op: () => Promise<T>, how: { idempotent?: boolean } = {}): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      opts.signal?.throwIfAborted();
      try {
        return await op();
      } catch (err) {
        if (how.idempotent === false && !(err instanceof WebAPIRateLimitedError)) {
          const mapped = toExternalError(method, err, attempt + 1);
          // Slack's refusal (ok: false) did nothing; a 5xx or a lost answer may have done it all
          if (mapped.details.status !== 200) mapped.message += '; not retried, as it may have taken effect';
          throw mapped;
        }
        const waitMs = retryDelayMs(err, attempt);
        if (waitMs === undefined || attempt >= opts.maxRetries) throw toExternalError(method, err, attempt + 1);
        if (waitMs > opts.maxDelayMs) {
          // retrying sooner than Slack asked only earns another refusal, and waiting longer spends
          // the job's deadline: the call fails now, and the next run tries again
          const mapped = toExternalError(method, err, attempt + 1);
          mapped.message += `; Slack asked to wait ${waitMs / 1000} s, longer than a run waits (${opts.maxDelayMs / 1000} s): not retried`;
          throw mapped;
        }
        opts.logger.warn({ method, attempt: attempt + 1, waitMs }, 'slack call retried');
        await opts.sleep(waitMs, opts.signal);
      }
    }
  }
  async function call<S extends z.ZodType>(method: string, args: Record<string, unknown>, schema: S): Promise<z.infer<S>> {
    const result = await run(method, () => opts.client.apiCall(method, args));
    const parsed = schema.safeParse(result);
    if (!parsed.success) {
      const [p] = describeIssues(parsed.error.issues, schema, result);
      throw new ExternalServiceError(`${method}: unexpected response shape (${p ? `${p.field}: ${p.message}` : 'invalid'}); check the Slack API URL`, { service: 'slack', retryable: false }, { cause: parsed.error });
    }
    return parsed.data;
  }
  return { call, run };
}

/** Routes the SDK's own log lines into our logger at debug level (its warnings duplicate our errors). */
export function slackSdkLogger(logger: Logger): SlackLogger {
  const log = (level: string) => (...msg: unknown[]) => logger.debug({ sdkLevel: level, text: msg.map(String).join(' ') }, 'slack sdk');
  return {
    debug: () => {}, info: log('info'), warn: log('warn'), error: log('error'),
    setLevel: () => {}, getLevel: () => LogLevel.WARN, setName: () => {},
  };
}
