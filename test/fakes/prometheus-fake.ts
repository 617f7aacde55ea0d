/**
 * A local fake of the Prometheus HTTP API. It evaluates nothing: each route answers what the test
 * says, every request is recorded, and an unrouted request gets a 404 and lands in `unexpected`.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer, listenLocal } from './listen-local.js';

export interface RecordedRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  /** Query string and form body merged, as Prometheus reads them. */
  params: URLSearchParams;
  body: string;
}

export interface FakeAnswer {
  status?: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
  /** Never answer (the client must time out). */
  hang?: boolean;
}

export type Route = (req: RecordedRequest, nth: number) => FakeAnswer;

export interface PrometheusFake {
  url: string;
  requests: RecordedRequest[];
  unexpected: string[];
  route(path: string, handler: Route): void;
  close(): Promise<void>;
}

export type SampleValue = number | string;

/** A success envelope holding a matrix; values as `[tsSeconds, "v"]`. */
export function matrixBody(series: { metric: Record<string, string>; values: [number, SampleValue][] }[], warnings?: string[]): unknown {
  return {
    status: 'success',
    data: { resultType: 'matrix', result: series.map((s) => ({ metric: s.metric, values: s.values.map(([t, v]) => [t, String(v)]) })) },
    ...(warnings ? { warnings } : {}),
  };
}

export function errorBody(errorType: string, error: string): unknown {
  return { status: 'error', errorType, error };
}

export async function startPrometheusFake(): Promise<PrometheusFake> {
  const routes = new Map<string, Route>();
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = Buffer.concat(chunks).toString('utf8');
      const params = new URLSearchParams(url.search);
      if (req.headers['content-type']?.startsWith('application/x-www-form-urlencoded')) for (const [k, v] of new URLSearchParams(body)) params.append(k, v);
      const recorded = { method: req.method ?? 'GET', path: url.pathname, headers: req.headers, params, body };
      requests.push(recorded);
      const route = routes.get(url.pathname);
      if (!route) {
        unexpected.push(`${req.method} ${url.pathname}`);
        res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify(errorBody('not_found', 'unexpected request')));
        return;
      }
      const nth = counts.get(url.pathname) ?? 0;
      counts.set(url.pathname, nth + 1);
      const answer = route(recorded, nth);
      if (answer.hang) return;
      const text = typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body ?? {});
      res.writeHead(answer.status ?? 200, { 'content-type': 'application/json', ...answer.headers }).end(text);
    });
  });
  const port = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    route: (path, handler) => routes.set(path, handler),
    close: () => closeServer(server),
  };
}
