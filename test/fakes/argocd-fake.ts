/**
 * A local fake of the Argo CD REST API: `GET /api/v1/applications` with `selector` (equality,
 * inequality and existence requirements) and `projects` filters, bearer-token check (401 with
 * Argo CD's gRPC-gateway error body), and queued failures. Other requests get a 404 and land in
 * `unexpected`, and so does a `fields` filter: Argo CD answers it with a fixed set of fields, without
 * status.history, which this fake does not reproduce.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer, listenLocal } from './listen-local.js';

export interface RecordedRequest {
  method: string;
  path: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
}

export interface FakeFailure {
  status: number;
  headers?: Record<string, string>;
  /** JSON-encoded unless a string. */
  body?: unknown;
}

export interface FakeApp {
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown> & { project?: string };
  status?: Record<string, unknown>;
}

export interface ArgoCdFake {
  url: string;
  requests: RecordedRequest[];
  unexpected: string[];
  apps: FakeApp[];
  failNext(...failures: FakeFailure[]): void;
  close(): Promise<void>;
}

/** Argo CD's error body (gRPC status through grpc-gateway). */
export function argoError(code: number, message: string): unknown {
  return { error: message, code, message };
}

export async function startArgoCdFake(opts: { token: string }): Promise<ArgoCdFake> {
  const requests: RecordedRequest[] = [];
  const unexpected: string[] = [];
  const failures: FakeFailure[] = [];
  const apps: FakeApp[] = [];
  const server: Server = createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://fake');
    const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
      res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(typeof body === 'string' ? body : JSON.stringify(body));
    };
    requests.push({ method: req.method ?? '', path: url.pathname, query: url.searchParams, headers: req.headers });
    if (req.method !== 'GET' || url.pathname !== '/api/v1/applications') {
      unexpected.push(`${req.method} ${url.pathname}`);
      return send(404, argoError(5, 'Not Found'));
    }
    if (url.searchParams.has('fields')) unexpected.push(`GET ${url.pathname}?fields=${url.searchParams.get('fields')}`);
    if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, argoError(16, 'invalid session: token signature is invalid'));
    const failure = failures.shift();
    if (failure) return send(failure.status, failure.body ?? argoError(14, `injected ${failure.status}`), failure.headers);
    const selector = parseSelector(url.searchParams.get('selector') ?? '');
    const projects = url.searchParams.getAll('projects');
    const items = apps.filter((a) => selector(a.metadata.labels ?? {}) && (projects.length === 0 || projects.includes(a.spec.project ?? 'default')));
    send(200, { metadata: { resourceVersion: '12345' }, items: items.length ? items : null });
  });
  const port = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    apps,
    failNext: (...more) => { failures.push(...more); },
    close: () => closeServer(server),
  };
}

/** `a=b,c!=d,e` (Kubernetes equality-based selector). */
function parseSelector(selector: string): (labels: Record<string, string>) => boolean {
  const reqs = selector.split(',').map((s) => s.trim()).filter(Boolean).map((s) => {
    const m = /^([^!=]+?)\s*(!=|==|=)\s*(.*)$/.exec(s);
    if (!m) return (l: Record<string, string>) => s in l;
    const [, key, op, value] = m;
    return op === '!=' ? (l: Record<string, string>) => l[key] !== value : (l: Record<string, string>) => l[key] === value;
  });
  return (labels) => reqs.every((r) => r(labels));
}
