/**
 * Range queries by a plain HTTP POST, the body read from its bytes straight into typed arrays (matrix-bytes).
 * prometheus-query builds a Date and an object per sample, which more than doubles the time on big answers.
 */
import type { Clock } from '../../../core/clock.js';
import { describeIssues } from '../../../core/config/format-issues.js';
import { ExternalServiceError } from '../../../core/errors.js';
import { apiUrl, requestHeaders, type PrometheusConnection } from './connection.js';
import { decodeValues, type DecodedSeries, type QueryGrid } from './decode-matrix.js';
import { JsonSyntaxError, parseAnswerBytes } from './matrix-bytes.js';
import { parseRetryAfterMs } from '../../../core/backoff.js';
import { fetchHttpPost, nodeHttpPost, type HttpPost } from './http-post.js';
import { PrometheusError } from './prometheus-error.js';
import { PromEnvelope, PromMatrixData } from './schema.js';

export interface RangeQuery {
  promql: string;
  startMs: number;
  endMs: number;
  stepSeconds: number;
}

export interface RangeAnswer {
  series: DecodedSeries[];
  warnings: string[];
  bytes: number;
}

/** One range query over HTTP; the signal carries both the caller's abort and the timeout. */
export type RangeClient = (q: RangeQuery, signal: AbortSignal) => Promise<RangeAnswer>;

/** Response compression asked of the server (metrics.prometheus.compression). */
export type Compression = 'auto' | 'gzip' | 'none';

export interface LeanTransport {
  post: HttpPost;
  clock: Clock;
  compression?: Exclude<Compression, 'auto'>;
}

/** node:http unless a fetch is injected (tests); compression as configured (see compressionFor). */
export function leanTransport(opts: { baseUrl: string; fetch?: typeof fetch; clock: Clock; compression?: Compression }): LeanTransport {
  return { post: opts.fetch ? fetchHttpPost(opts.fetch) : nodeHttpPost, clock: opts.clock, compression: compressionFor(opts) };
}

/** `auto`: no compression on a loopback address (127.0.0.0/8, ::1, localhost), gzip elsewhere. */
export function compressionFor(opts: { baseUrl: string; compression?: Compression }): Exclude<Compression, 'auto'> {
  const mode = opts.compression ?? 'auto';
  if (mode !== 'auto') return mode;
  const host = new URL(opts.baseUrl).hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return host === 'localhost' || host === '::1' || /^127\.\d+\.\d+\.\d+$/.test(host) ? 'none' : 'gzip';
}

export function createLeanRangeClient(conn: PrometheusConnection, deps: LeanTransport): RangeClient {
  return async (q, signal) => {
    const url = apiUrl(conn.baseUrl, 'query_range');
    const form = new URLSearchParams({ query: q.promql, start: String(q.startMs / 1000), end: String(q.endMs / 1000), step: String(q.stepSeconds) }).toString();
    const headers = await requestHeaders(conn, { method: 'POST', url, body: form }, deps.clock);
    headers['accept-encoding'] ??= deps.compression === 'none' ? 'identity' : 'gzip';
    const res = await deps.post(url, headers, form, signal).catch((err: unknown) => { throw networkError(err, signal); });
    const { body } = res;
    const envelope = res.ok ? readEnvelope(body, res.status, gridOf(q)) : parseEnvelope(Buffer.from(body).toString('utf8'), res.status);
    if (!res.ok || envelope.status !== 'success') {
      // redirects are not followed: a POST to the API sent elsewhere is a proxy or URL to fix, not data
      const redirect = res.status >= 300 && res.status < 400 ? `redirected to ${res.header('location') ?? '(no Location)'}; check metrics.prometheus.url` : undefined;
      throw new PrometheusError(`Prometheus answered ${res.status}: ${redirect ?? envelope.error ?? res.statusText}`, res.status, parseRetryAfterMs(res.header('retry-after'), deps.clock.nowMs()));
    }
    return { series: decodeMatrix(envelope.data, q), warnings: [...(envelope.warnings ?? []), ...(envelope.infos ?? [])], bytes: body.byteLength };
  };
}

export function decodeMatrix(data: unknown, q: RangeQuery): DecodedSeries[] {
  const parsed = PromMatrixData.safeParse(data);
  if (!parsed.success) {
    // the schema's own message is a sentence (`values must be an array`)
    const [p] = describeIssues(parsed.error.issues, PromMatrixData, data, { ownMessages: 'sentence' });
    throw new ExternalServiceError(`Prometheus range answer is not a matrix: ${p.field}: ${p.message}`, { service: 'prometheus', retryable: false });
  }
  const grid = gridOf(q);
  return parsed.data.result.map((r) => ({ metric: r.metric, values: r.values instanceof Float64Array ? r.values : decodeValues(r.values ?? [], grid) }));
}

function gridOf(q: RangeQuery): QueryGrid {
  const stepMs = q.stepSeconds * 1000;
  return { startMs: q.startMs, stepMs, n: Math.floor((q.endMs - q.startMs) / stepMs) + 1 };
}

/** A 2xx body read from its bytes, samples placed on the grid as they are read. */
function readEnvelope(body: Uint8Array, status: number, grid: QueryGrid): PromEnvelope {
  let json: unknown;
  try {
    json = parseAnswerBytes(body, grid);
  } catch (err) {
    if (!(err instanceof JsonSyntaxError)) throw err;
    return { status: 'error', error: Buffer.from(body.subarray(0, 200)).toString('utf8') || `HTTP ${status}` };
  }
  return envelopeOf(json);
}

/** Error answers (proxies, limits) may not be JSON; keep the status either way. */
function parseEnvelope(text: string, status: number): PromEnvelope {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return { status: 'error', error: text.slice(0, 200) || `HTTP ${status}` };
  }
  return envelopeOf(json);
}

function envelopeOf(json: unknown): PromEnvelope {
  const parsed = PromEnvelope.safeParse(json);
  return parsed.success ? parsed.data : { status: 'error', error: 'answer is not a Prometheus API envelope' };
}

function networkError(err: unknown, signal: AbortSignal): PrometheusError {
  const reason = signal.aborted ? abortReason(signal) : String((err as Error).message);
  return new PrometheusError(`Prometheus request failed: ${reason}`, undefined, undefined, { cause: err });
}

/** The per-call timeout's reason (withTimeout): any other TimeoutError is the run's deadline. */
const CALL_TIMEOUT = /^no answer within /;

/** Why a call was cut off: its own timeout (with the limit and the setting) or the run's deadline. */
export function abortReason(signal: AbortSignal): string {
  const reason = signal.reason as Error | undefined;
  if (reason?.name === 'TimeoutError' && CALL_TIMEOUT.test(reason.message)) return `${reason.message} (metrics.prometheus.timeoutMs)`;
  // the run's deadline (AbortSignal.timeout) is a TimeoutError too: naming the query timeout sent people to raise the wrong setting
  if (reason?.name === 'TimeoutError') return `the run's deadline passed (deadlineSeconds): ${reason.message || 'timed out'}`;
  return `aborted (${reason?.message || reason?.name || 'cancelled'})`;
}
