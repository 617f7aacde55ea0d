/** An HTTP proxy in front of Prometheus that records every request, so a bench can replay the scan's exact queries. */
import { createServer, type Server } from 'node:http';

export interface RecordedQuery {
  method: string;
  path: string;
  contentType?: string;
  /** Accept-Encoding as the scan sent it, so a replay asks for the same encoding. */
  acceptEncoding?: string;
  body: Buffer;
}

export async function startRecordingProxy(target: string): Promise<{ url: string; requests: RecordedQuery[]; close(): Promise<void> }> {
  const requests: RecordedQuery[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks);
      const contentType = req.headers['content-type'];
      requests.push({ method: req.method ?? 'GET', path: req.url ?? '/', contentType, acceptEncoding: req.headers['accept-encoding'], body });
      fetch(target + (req.url ?? '/'), { method: req.method, headers: contentType ? { 'content-type': contentType } : {}, body: req.method === 'GET' ? undefined : body })
        .then(async (r) => {
          const buf = Buffer.from(await r.arrayBuffer());
          res.writeHead(r.status, { 'content-type': r.headers.get('content-type') ?? 'application/json' });
          res.end(buf);
        })
        .catch((err: Error) => { res.writeHead(502); res.end(err.message); });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, requests, close: () => new Promise((resolve) => server.close(() => resolve())) };
}
