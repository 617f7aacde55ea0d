/**
 * Range and instant queries through prometheus-query (axios). The driver cannot take a per-call
 * AbortSignal, hides Retry-After and drops body `warnings`, so each call gets its own driver whose
 * interceptors attach the signal, sign the request, count bytes and keep status, headers, warnings.
 */
import type { InternalAxiosRequestConfig } from 'axios';
import { PrometheusDriver, type RangeVector } from 'prometheus-query';
import type { Clock } from '../../../core/clock.js';
import { apiUrl, requestHeaders, type PrometheusConnection } from './connection.js';
import { alignSampleObjects } from './decode-matrix.js';
import { abortReason, type RangeClient } from './lean-client.js';
import { parseRetryAfterMs } from '../../../core/backoff.js';
import { PrometheusError } from './prometheus-error.js';

interface CallState {
  bytes: number;
  warnings: string[];
  status?: number;
  retryAfter?: string;
}

/** Run one driver call with the interceptors; translate prometheus-query's thrown objects. */
export async function withDriver<T>(conn: PrometheusConnection, clock: Clock, signal: AbortSignal, call: (d: PrometheusDriver) => Promise<T>): Promise<{ value: T; state: CallState }> {
  const state: CallState = { bytes: 0, warnings: [] };
  const driver = new PrometheusDriver({
    endpoint: conn.baseUrl.replace(/\/$/, ''), baseURL: '/api/v1/', preferPost: true, timeout: conn.timeoutMs ?? 60_000,
    requestInterceptor: { onFulfilled: (cfg) => prepare(cfg, conn, clock, signal, state) },
    responseInterceptor: {
      onFulfilled: (res) => {
        state.status = res.status;
        // not JSON (a proxy's login page, a body cut off): say what came back, with its status
        if (typeof res.data === 'string') throw notJson(res.status, res.data);
        collectWarnings(res.data, state);
        return res;
      },
      onRejected: (err: { response?: { status: number; headers: Record<string, string>; data?: unknown } }) => {
        state.status = err.response?.status;
        state.retryAfter = err.response?.headers?.['retry-after'];
        if (err.response && typeof err.response.data === 'string') throw notJson(err.response.status, err.response.data, parseRetryAfterMs(state.retryAfter, clock.nowMs()));
        throw err;
      },
    },
  });
  try {
    return { value: await call(driver), state };
  } catch (err) {
    throw translate(err, state, signal, clock);
  }
}

/** Freeze URL and body so that what SigV4 signs is exactly what axios sends. */
async function prepare(cfg: InternalAxiosRequestConfig, conn: PrometheusConnection, clock: Clock, signal: AbortSignal, state: CallState): Promise<InternalAxiosRequestConfig> {
  const url = apiUrl(conn.baseUrl, String(cfg.url));
  for (const [k, v] of (cfg.params as URLSearchParams | undefined) ?? []) url.searchParams.append(k, v);
  const method = (cfg.method ?? 'get').toUpperCase() as 'GET' | 'POST';
  const body = method === 'POST' ? String(cfg.data ?? '') : undefined;
  const headers = await requestHeaders(conn, { method, url, body }, clock);
  Object.assign(cfg, { baseURL: undefined, url: url.toString(), params: undefined, data: body, signal, auth: undefined });
  for (const [k, v] of Object.entries(headers)) cfg.headers.set(k, v);
  cfg.transformResponse = [(raw: unknown) => parseCounting(raw, state)];
  return cfg;
}

function parseCounting(raw: unknown, state: CallState): unknown {
  if (typeof raw !== 'string') return raw;
  state.bytes += Buffer.byteLength(raw);
  // parseFloat('+Inf') is NaN; prometheus-query parses values with parseFloat.
  // Only sample values (the second element of a [time, "value"] pair), not label values that read "Inf".
  const text = raw.includes('Inf"') ? raw.replace(/,\s*"\+?Inf"\s*\]/g, ',"Infinity"]').replace(/,\s*"-Inf"\s*\]/g, ',"-Infinity"]') : raw;
  try {
    return JSON.parse(text);
  } catch {
    return raw;
  }
}

function collectWarnings(data: unknown, state: CallState): void {
  const body = data as { warnings?: unknown; infos?: unknown } | undefined;
  for (const list of [body?.warnings, body?.infos]) if (Array.isArray(list)) state.warnings.push(...list.map(String));
}

/** An answer that is not JSON, as the lean client reports it: the status and the start of the body. */
function notJson(status: number, body: string, retryAfterMs?: number): PrometheusError {
  const excerpt = body.slice(0, 200).trim() || '(empty body)';
  return new PrometheusError(`Prometheus answered ${status}: ${excerpt}`, status, retryAfterMs);
}

function translate(err: unknown, state: CallState, signal: AbortSignal, clock: Clock): PrometheusError {
  // prometheus-query wraps what an interceptor throws in its own object
  const original = (err as { original?: unknown } | undefined)?.original;
  if (original instanceof PrometheusError) return original;
  const e = err as { errorType?: string; error?: string; httpStatus?: number };
  const status = state.status ?? e.httpStatus;
  const reason = signal.aborted ? abortReason(signal) : e.error ?? String(err);
  return new PrometheusError(`Prometheus request failed${status ? ` (${status})` : ''}: ${reason}`, status, parseRetryAfterMs(state.retryAfter, clock.nowMs()), { cause: err });
}

export function createDriverRangeClient(conn: PrometheusConnection, clock: Clock): RangeClient {
  return async (q, signal) => {
    const { value, state } = await withDriver(conn, clock, signal, (d) => d.rangeQuery(q.promql, q.startMs, q.endMs, q.stepSeconds));
    const stepMs = q.stepSeconds * 1000;
    const grid = { startMs: q.startMs, stepMs, n: Math.floor((q.endMs - q.startMs) / stepMs) + 1 };
    const series = (value.result as RangeVector[]).map((r) => ({ metric: { ...(r.metric?.labels as Record<string, string>), ...(r.metric?.name ? { __name__: r.metric.name } : {}) }, values: alignSampleObjects(r.values, grid) }));
    return { series, warnings: state.warnings, bytes: state.bytes };
  };
}
