/**
 * One bounded `_search` through @opensearch-project/opensearch, shared by the logs and events
 * adapters: the client never retries (maxRetries 0), we do, on 429/5xx/network only.
 */
import { Client, errors } from '@opensearch-project/opensearch';
import { AwsSigv4Signer } from '@opensearch-project/opensearch/aws';
import type { Clock } from '../../../core/clock.js';
import { compareText } from '../../../core/compare-text.js';
import { describeIssues } from '../../../core/config/format-issues.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { abortableSleep, HttpServiceError, parseRetryAfterMs, withBackoff } from '../../../core/backoff.js';
import type { AwsCredentials } from '../../metrics/prometheus/connection.js';
import { SearchErrorBody, SearchResponse, type SearchHit } from './schema.js';

export type OpenSearchAuth = { username: string; password: string } | { bearer: string } | { sigv4: OpenSearchSigV4 };

/** Amazon OpenSearch Service (`es`) or OpenSearch Serverless (`aoss`). */
export interface OpenSearchSigV4 {
  region: string;
  service: 'es' | 'aoss';
  /** E.g. `defaultProvider()`; called again when the credentials it gave near their `expiration`. */
  credentials: () => Promise<AwsCredentials>;
}

export interface OpenSearchConnection {
  /** Base URL, e.g. `https://logs.example.com:9200`. */
  node: string;
  auth?: OpenSearchAuth;
  /** Per request, client and server side. Default 30 s. */
  timeoutMs?: number;
  /** Retries of one search on 429/5xx/network errors. Default 3. */
  retries?: number;
  retryBaseDelayMs?: number;
  retryMaxDelayMs?: number;
  logger: Logger;
  clock: Clock;
  /** Injected for tests; default setTimeout. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

export interface SearchRequest {
  index: string;
  body: Record<string, unknown>;
  signal?: AbortSignal;
}

export interface SearchResult {
  hits: SearchHit[];
  /** Matches counted by the server, capped by `track_total_hits`; `gte` when there were more. */
  total?: { value: number; relation: 'eq' | 'gte' };
}

export type OpenSearchSearch = (req: SearchRequest) => Promise<SearchResult>;

export function createOpenSearchSearch(conn: OpenSearchConnection): OpenSearchSearch {
  const timeoutMs = conn.timeoutMs ?? 30_000;
  const client = new Client({
    node: conn.node, maxRetries: 0, requestTimeout: timeoutMs,
    ...(conn.auth && 'username' in conn.auth ? { auth: { username: conn.auth.username, password: conn.auth.password } } : {}),
    ...(conn.auth && 'bearer' in conn.auth ? { headers: { authorization: `Bearer ${conn.auth.bearer}` } } : {}),
    ...(conn.auth && 'sigv4' in conn.auth ? sigv4Signer(conn.auth.sigv4) : {}),
  });
  const backoff = {
    retries: conn.retries ?? 3, baseDelayMs: conn.retryBaseDelayMs ?? 500, maxDelayMs: conn.retryMaxDelayMs ?? 30_000, sleep: conn.sleep ?? abortableSleep,
  };
  return (req) => withBackoff(() => searchOnce(client, req, timeoutMs, conn.clock), {
    ...backoff,
    onRetry: (err, attempt, delayMs) => conn.logger.warn({ index: req.index, status: err.details.status, attempt, delayMs }, 'opensearch search retried'),
  }, req.signal);
}

/** The client's own signer (it signs method, path, query, host and body hash); credentials from ours. */
function sigv4Signer(s: OpenSearchSigV4): ReturnType<typeof AwsSigv4Signer> {
  return AwsSigv4Signer({
    region: s.region, service: s.service,
    getCredentials: () => s.credentials().catch((err: unknown) => {
      // every search would fail the same way: not retried
      throw new ExternalServiceError(`OpenSearch SigV4 signing found no AWS credentials: ${(err as Error).message} (set AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY, AWS_PROFILE, or a web identity / instance role)`, { service: 'opensearch', retryable: false }, { cause: err });
    }),
  });
}

async function searchOnce(client: Client, req: SearchRequest, timeoutMs: number, clock: Clock): Promise<SearchResult> {
  req.signal?.throwIfAborted();
  const pending = client.search({ index: req.index, body: req.body as never }, { requestTimeout: timeoutMs });
  // Braces matter: an EventTarget listener returning the thenable would turn its rejection into an uncaught exception.
  const onAbort = (): void => { pending.abort(); };
  req.signal?.addEventListener('abort', onAbort, { once: true });
  try {
    const res = await pending;
    return parseResponse(res.body, req.index);
  } catch (err) {
    throw toServiceError(err, req.index, clock.nowMs());
  } finally {
    req.signal?.removeEventListener('abort', onAbort);
  }
}

function parseResponse(body: unknown, index: string): SearchResult {
  const parsed = SearchResponse.safeParse(body);
  if (!parsed.success) {
    const [p] = describeIssues(parsed.error.issues, SearchResponse, body);
    throw new ExternalServiceError(`OpenSearch search on "${index}" answered an unexpected shape at ${p.field}: ${p.message}`, { service: 'opensearch', retryable: false });
  }
  if (parsed.data.timed_out === true || (parsed.data._shards?.failed ?? 0) > 0) throw partialAnswerError(parsed.data, index);
  const total = parsed.data.hits.total;
  return { hits: parsed.data.hits.hits, total: typeof total === 'number' ? { value: total, relation: 'eq' } : total };
}

/** Shard failures that go away when the cluster is less busy. */
const RETRYABLE_SHARD_FAILURE = /rejected_execution|circuit_breaking|no_shard_available|node_not_connected|node_disconnected|timeout/;

/**
 * OpenSearch answers 200 with the hits of the shards that did answer: cited evidence must not depend
 * on which shards were busy, so a partial answer is an error (retried when the cause is load).
 */
function partialAnswerError(data: SearchResponse, index: string): ExternalServiceError {
  const shards = data._shards ?? {};
  const failures = shards.failures ?? [];
  const types = failures.map((f) => f.reason?.type ?? '');
  const indices = [...new Set(failures.map((f) => f.index).filter(Boolean))].slice(0, 3).join(', ');
  const reasons = [...new Set(failures.map((f) => [f.reason?.type, f.reason?.reason].filter(Boolean).join(': ')))].join('; ').slice(0, 300);
  const what = data.timed_out === true ? 'timed out on the server with partial results'
    : `failed on ${shards.failed} of ${shards.total ?? '?'} shards${indices ? ` (${indices})` : ''}: ${reasons || 'no reason given'}`;
  const retryable = data.timed_out === true || types.length === 0 || types.some((t) => RETRYABLE_SHARD_FAILURE.test(t));
  return new ExternalServiceError(`OpenSearch search on "${index}" ${what}`, { service: 'opensearch', retryable });
}

/** JSON turns NaN and Infinity into null, which OpenSearch reads as no bound: refuse them before sending. */
export function checkQueryBounds(what: string, q: { startMs: number; endMs: number; limit: number }): void {
  for (const field of ['startMs', 'endMs', 'limit'] as const) {
    if (!Number.isFinite(q[field])) throw new RangeError(`${what}: ${field} must be a finite number, got ${q[field]}`);
  }
}

/** Newest first; equal times by index and id, so the order does not depend on which shard copy answered. */
export function newestFirst(a: { tsMs: number; hit: SearchHit }, b: { tsMs: number; hit: SearchHit }): number {
  return b.tsMs - a.tsMs || compareText(a.hit._index, b.hit._index) || compareText(a.hit._id, b.hit._id);
}

function toServiceError(err: unknown, index: string, nowMs: number): ExternalServiceError {
  if (err instanceof ExternalServiceError) return err;
  if (err instanceof errors.ResponseError) {
    // The HTTP status, not the body's `status` the client prefers: proxies send bodies of their own.
    const status = err.meta?.statusCode ?? err.statusCode;
    const msg = `OpenSearch search on "${index}" failed with status ${status}: ${reasonOf(err.body)}${hintFor(status)}`;
    return new HttpServiceError(msg, { service: 'opensearch', status }, parseRetryAfterMs(err.headers?.['retry-after'], nowMs), { cause: err });
  }
  if (err instanceof errors.RequestAbortedError) {
    return new ExternalServiceError(`OpenSearch search on "${index}" was aborted`, { service: 'opensearch', retryable: false }, { cause: err });
  }
  const what = err instanceof errors.TimeoutError ? 'timed out' : `failed: ${(err as Error).message}`;
  return new HttpServiceError(`OpenSearch search on "${index}" ${what}`, { service: 'opensearch' }, undefined, { cause: err });
}

function reasonOf(body: unknown): string {
  const parsed = SearchErrorBody.safeParse(body);
  if (!parsed.success) return typeof body === 'string' && body ? body.slice(0, 200) : 'no reason given';
  if ('message' in parsed.data) return parsed.data.message.slice(0, 300);
  const e = parsed.data.error;
  return typeof e === 'string' ? e.slice(0, 300) : [e.type, e.reason].filter(Boolean).join(': ').slice(0, 300) || 'no reason given';
}

function hintFor(status: number): string {
  if (status === 401 || status === 403) return ' (check the OpenSearch credentials and that the role may read this index)';
  if (status === 404) return ' (no such index: check the configured index pattern)';
  return '';
}
