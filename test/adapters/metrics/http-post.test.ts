import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { brotliCompressSync, deflateSync, gzipSync } from 'node:zlib';
import { afterEach, describe, expect, it } from 'vitest';
import { fixedClock } from '../../../src/core/clock.js';
import { fetchHttpPost, nodeHttpPost } from '../../../src/adapters/metrics/prometheus/http-post.js';
import { compressionFor, createLeanRangeClient, leanTransport } from '../../../src/adapters/metrics/prometheus/lean-client.js';
import { closeServer, listenLocal } from '../../fakes/listen-local.js';

type Handler = (req: IncomingMessage, body: string, res: ServerResponse) => void;
let server: Server | undefined;

async function serve(handler: Handler): Promise<string> {
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, Buffer.concat(chunks).toString('utf8'), res));
  });
  return `http://127.0.0.1:${await listenLocal(server)}`;
}

afterEach(async () => {
  if (server) await closeServer(server);
  server = undefined;
});

const live = () => new AbortController().signal;
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

describe('nodeHttpPost', () => {
  it('sends the body and headers, and reads status, headers and body as bytes', async () => {
    let seen: { method?: string; type?: string; length?: string; body?: string } = {};
    const url = await serve((req, body, res) => {
      seen = { method: req.method, type: req.headers['content-type'], length: req.headers['content-length'], body };
      res.writeHead(429, 'Too Many Requests', { 'retry-after': '7', 'content-type': 'text/plain' });
      res.end('slow down');
    });
    const answer = await nodeHttpPost(new URL(`${url}/api/v1/query_range`), { 'content-type': 'application/x-www-form-urlencoded' }, 'query=up&step=300', live());
    expect(seen).toEqual({ method: 'POST', type: 'application/x-www-form-urlencoded', length: '17', body: 'query=up&step=300' });
    expect(answer.status).toBe(429);
    expect(answer.ok).toBe(false);
    expect(answer.statusText).toBe('Too Many Requests');
    expect(answer.header('Retry-After')).toBe('7');
    expect(answer.header('x-missing')).toBeNull();
    expect(text(answer.body)).toBe('slow down');
  });

  it('decodes gzip, deflate and br bodies, and leaves identity bodies as they are', async () => {
    const payload = JSON.stringify({ status: 'success', data: 'x'.repeat(100_000) });
    const encode: Record<string, (b: Buffer) => Buffer> = { gzip: gzipSync, deflate: deflateSync, br: brotliCompressSync, identity: (b) => b };
    const url = await serve((req, _body, res) => {
      const enc = String(req.headers['x-want']);
      res.writeHead(200, enc === 'identity' ? {} : { 'content-encoding': enc });
      res.end(encode[enc](Buffer.from(payload)));
    });
    for (const enc of Object.keys(encode)) {
      const answer = await nodeHttpPost(new URL(url), { 'x-want': enc }, '', live());
      expect(text(answer.body), enc).toBe(payload);
    }
  });

  it('refuses a Content-Encoding it cannot decode, naming it', async () => {
    const url = await serve((_req, _body, res) => { res.writeHead(200, { 'content-encoding': 'zstd' }); res.end('????'); });
    await expect(nodeHttpPost(new URL(url), {}, '', live())).rejects.toThrow('unsupported Content-Encoding "zstd"');
  });

  it('a corrupt gzip body is an error, not a truncated answer', async () => {
    const url = await serve((_req, _body, res) => { res.writeHead(200, { 'content-encoding': 'gzip' }); res.end(gzipSync(Buffer.from('{"status":"success"}')).subarray(0, 12)); });
    await expect(nodeHttpPost(new URL(url), {}, '', live())).rejects.toThrow();
  });

  it('aborts a request whose answer is still streaming, with the signal\'s reason', async () => {
    const url = await serve((_req, _body, res) => { res.writeHead(200); res.write('{"status":'); /* never ends */ });
    const ctl = new AbortController();
    const pending = nodeHttpPost(new URL(url), {}, '', ctl.signal);
    setTimeout(() => ctl.abort(new DOMException('query timed out', 'TimeoutError')), 50);
    await expect(pending).rejects.toThrow('query timed out');
  });

  it('rejects at once on an already aborted signal, and on a refused connection', async () => {
    const ctl = new AbortController();
    ctl.abort(new Error('cancelled'));
    await expect(nodeHttpPost(new URL('http://127.0.0.1:9/'), {}, '', ctl.signal)).rejects.toThrow('cancelled');
    const url = await serve(() => undefined);
    await closeServer(server!);
    server = undefined;
    await expect(nodeHttpPost(new URL(url), {}, '', live())).rejects.toThrow(/ECONNREFUSED/);
  });

  it('fetchHttpPost gives the same answer through a fetch implementation', async () => {
    const url = await serve((_req, body, res) => { res.writeHead(503, { 'retry-after': '2' }); res.end(`echo ${body}`); });
    const answer = await fetchHttpPost(fetch)(new URL(url), {}, 'a=1', live());
    expect([answer.status, answer.ok, answer.header('retry-after'), text(answer.body)]).toEqual([503, false, '2', 'echo a=1']);
  });
});

describe('lean client compression', () => {
  it('auto asks a loopback server for no compression and any other host for gzip; an explicit setting wins', () => {
    for (const host of ['http://127.0.0.1:9090', 'http://127.8.0.3', 'http://localhost:9090/prom', 'http://[::1]:9090']) expect(compressionFor({ baseUrl: host }), host).toBe('none');
    for (const host of ['http://prometheus.monitoring.svc:9090', 'https://aps-workspaces.eu-west-1.amazonaws.com/workspaces/ws-1', 'http://10.0.0.7:9090', 'http://127.example.com'])
      expect(compressionFor({ baseUrl: host }), host).toBe('gzip');
    expect(compressionFor({ baseUrl: 'http://127.0.0.1:9090', compression: 'gzip' })).toBe('gzip');
    expect(compressionFor({ baseUrl: 'http://thanos:9090', compression: 'none' })).toBe('none');
  });

  it('does not follow a redirect: the query fails naming where it was sent and the setting to fix', async () => {
    const url = await serve((_req, _body, res) => { res.writeHead(302, { location: 'https://sso.example.com/login' }); res.end(); });
    const client = createLeanRangeClient({ baseUrl: url }, leanTransport({ baseUrl: url, clock: fixedClock(0) }));
    await expect(client({ promql: 'up', startMs: 0, endMs: 300_000, stepSeconds: 300 }, live()))
      .rejects.toThrow('Prometheus answered 302: redirected to https://sso.example.com/login; check metrics.prometheus.url');
  });

  it('reads a gzip answer when gzip is asked for, and sends Accept-Encoding as configured', async () => {
    const encodings: (string | undefined)[] = [];
    const matrix = { status: 'success', data: { resultType: 'matrix', result: [{ metric: { cluster: 'c-1' }, values: [[1_700_000_000, '0.25'], [1_700_000_300, '0.5']] }] } };
    const url = await serve((req, _body, res) => {
      encodings.push(req.headers['accept-encoding']);
      const gzip = req.headers['accept-encoding'] === 'gzip';
      res.writeHead(200, { 'content-type': 'application/json', ...(gzip ? { 'content-encoding': 'gzip' } : {}) });
      res.end(gzip ? gzipSync(JSON.stringify(matrix)) : JSON.stringify(matrix));
    });
    const q = { promql: 'up', startMs: 1_700_000_000_000, endMs: 1_700_000_300_000, stepSeconds: 300 };
    for (const compression of ['gzip', 'none', 'auto'] as const) {
      const client = createLeanRangeClient({ baseUrl: url }, leanTransport({ baseUrl: url, clock: fixedClock(0), compression }));
      const answer = await client(q, live());
      expect(Array.from(answer.series[0].values), compression).toEqual([0.25, 0.5]);
    }
    expect(encodings).toEqual(['gzip', 'identity', 'identity']);
  });
});
