/**
 * One POST over node:http(s) with the body collected as bytes. The lean range client uses it instead
 * of fetch: on a 100-cluster scan (84 answers, 7 MB) fetch spent 0.22 s of CPU reading identity
 * bodies where this takes 0.09 s, and gzip bodies are inflated on the thread pool, not the event loop.
 */
import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Readable } from 'node:stream';

export interface HttpAnswer {
  status: number;
  statusText: string;
  ok: boolean;
  header(name: string): string | null;
  body: Uint8Array;
}

export type HttpPost = (url: URL, headers: Record<string, string>, body: string, signal: AbortSignal) => Promise<HttpAnswer>;

// keep-alive like fetch's pool: a scan's queries reuse the same few connections
const agents = { http: new HttpAgent({ keepAlive: true }), https: new HttpsAgent({ keepAlive: true }) };

/** POST through node:http(s); rejects on network errors and aborts (with the signal's reason). */
export const nodeHttpPost: HttpPost = (url, headers, body, signal) => new Promise<HttpAnswer>((resolve, reject) => {
  if (signal.aborted) { reject(signal.reason as Error); return; }
  const https = url.protocol === 'https:';
  const payload = Buffer.from(body, 'utf8');
  const req = (https ? httpsRequest : httpRequest)(url, {
    method: 'POST', agent: https ? agents.https : agents.http, headers: { ...headers, 'content-length': String(payload.length) },
  }, (res) => {
    readBody(res).then((bytes) => {
      signal.removeEventListener('abort', onAbort);
      const status = res.statusCode ?? 0;
      resolve({
        status, statusText: res.statusMessage ?? '', ok: status >= 200 && status < 300, body: bytes,
        header: (name) => { const v = res.headers[name.toLowerCase()]; return v === undefined ? null : Array.isArray(v) ? v.join(', ') : v; },
      });
    }, fail);
  });
  function fail(err: unknown): void {
    signal.removeEventListener('abort', onAbort);
    reject(err instanceof Error ? err : new Error(String(err)));
  }
  function onAbort(): void {
    req.destroy(signal.reason as Error);
  }
  signal.addEventListener('abort', onAbort, { once: true });
  req.on('error', fail);
  req.end(payload);
});

/** The whole body, decoded per Content-Encoding (gzip, deflate, br; identity as it is). */
function readBody(res: IncomingMessage): Promise<Uint8Array> {
  const encoding = (res.headers['content-encoding'] ?? 'identity').toLowerCase().trim();
  const decoder = encoding === 'gzip' || encoding === 'x-gzip' ? createGunzip() : encoding === 'deflate' ? createInflate() : encoding === 'br' ? createBrotliDecompress() : undefined;
  if (!decoder && encoding !== 'identity') {
    res.resume();
    return Promise.reject(new Error(`unsupported Content-Encoding "${encoding}"`));
  }
  const stream: Readable = decoder ? res.pipe(decoder) : res;
  if (decoder) res.on('error', (err) => decoder.destroy(err));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let length = 0;
    stream.on('data', (c: Buffer) => { chunks.push(c); length += c.length; });
    stream.on('end', () => resolve(chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, length)));
    stream.on('error', reject);
    res.on('aborted', () => reject(new Error('response aborted')));
  });
}

/** The same POST through a fetch implementation (an injected one in tests, or a custom dispatcher). */
export function fetchHttpPost(fetchImpl: typeof fetch): HttpPost {
  return async (url, headers, body, signal) => {
    const res = await fetchImpl(url, { method: 'POST', headers, body, signal });
    const bytes = new Uint8Array(await res.arrayBuffer());
    return { status: res.status, statusText: res.statusText, ok: res.ok, header: (name) => res.headers.get(name), body: bytes };
  };
}
