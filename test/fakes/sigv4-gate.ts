/**
 * A local stand-in for the SigV4 check of Amazon OpenSearch Service / Serverless: it recomputes each
 * request's signature with @smithy/signature-v4 from what arrived (method, path, query, signed
 * headers, raw body) and answers 403 like AWS when it does not match; signed requests go on to
 * `upstream` (e.g. the OpenSearch fake) and its answer comes back unchanged.
 */
import { createHash } from 'node:crypto';
import { createServer, request as httpRequest, type IncomingHttpHeaders, type Server } from 'node:http';
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentials } from '../../src/adapters/metrics/prometheus/connection.js';
import { closeServer, listenLocal } from './listen-local.js';

export interface ReceivedRequest {
  method: string;
  /** Path and query as sent. */
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface SigV4Expectation {
  region: string;
  service: string;
  credentials: AwsCredentials;
  /** The host the client was pointed at; the signed `host` header must name it. */
  hostname: string;
}

export interface SigV4Gate {
  url: string;
  received: ReceivedRequest[];
  /** Why each refused request was refused. */
  refused: string[];
  /** Always empty: every request is either checked or refused (for useFake). */
  unexpected: string[];
  close(): Promise<void>;
}

/** AWS allows a signature 15 minutes either way. */
const MAX_SKEW_MS = 15 * 60_000;

export async function startSigV4Gate(upstream: string, want: Omit<SigV4Expectation, 'hostname'>): Promise<SigV4Gate> {
  const received: ReceivedRequest[] = [];
  const refused: string[] = [];
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const r: ReceivedRequest = { method: req.method ?? '', url: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8') };
      received.push(r);
      void verifySigV4(r, { ...want, hostname: '127.0.0.1' }).then((problem) => {
        if (problem) {
          refused.push(problem);
          res.writeHead(403, { 'content-type': 'application/json' }).end(JSON.stringify({ message: `The request signature we calculated does not match the signature you provided: ${problem}` }));
          return;
        }
        const { host: _host, ...headers } = req.headers;
        const out = httpRequest(new URL(r.url, upstream), { method: r.method, headers }, (up) => {
          res.writeHead(up.statusCode ?? 502, up.headers);
          up.pipe(res);
        });
        out.end(r.body);
      });
    });
  });
  const port = await listenLocal(server);
  return { url: `http://127.0.0.1:${port}`, received, refused, unexpected: [], close: () => closeServer(server) };
}

const AUTH = /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([a-z0-9;-]+), ?Signature=([0-9a-f]{64})$/;

/** Undefined when the request carries a valid signature for `want`; else what is wrong. */
export async function verifySigV4(r: ReceivedRequest, want: SigV4Expectation): Promise<string | undefined> {
  const m = AUTH.exec(String(r.headers.authorization ?? ''));
  if (!m) return `no SigV4 authorization header: ${r.headers.authorization}`;
  const [, keyId, day, region, service, signedList, signature] = m;
  const amzDate = String(r.headers['x-amz-date'] ?? '');
  const signedAt = Date.parse(amzDate.replace(/^(\d{4})(\d\d)(\d\d)T(\d\d)(\d\d)(\d\d)Z$/, '$1-$2-$3T$4:$5:$6Z'));
  const signed = signedList.split(';');
  const required = ['host', 'x-amz-date', 'x-amz-content-sha256', ...(want.credentials.sessionToken ? ['x-amz-security-token'] : [])];
  const problems = [
    keyId !== want.credentials.accessKeyId && `access key ${keyId}`,
    region !== want.region && `region ${region}`,
    service !== want.service && `service ${service}`,
    (Number.isNaN(signedAt) || day !== amzDate.slice(0, 8)) && `x-amz-date ${amzDate} (scope ${day})`,
    Math.abs(Date.now() - signedAt) > MAX_SKEW_MS && `signed at ${amzDate}, too far from now`,
    ...required.filter((h) => !signed.includes(h)).map((h) => `${h} not signed`),
    String(r.headers.host ?? '').replace(/:\d+$/, '') !== want.hostname && `host ${r.headers.host}, not ${want.hostname}`,
    r.headers['x-amz-content-sha256'] !== createHash('sha256').update(r.body).digest('hex') && 'x-amz-content-sha256 is not the hash of the body',
    want.credentials.sessionToken && r.headers['x-amz-security-token'] !== want.credentials.sessionToken && 'x-amz-security-token',
  ].filter(Boolean);
  if (problems.length > 0) return problems.join('; ');
  const expected = await expectedSignature(r, signed, want, new Date(signedAt));
  return expected === signature ? undefined : `signature ${signature}, expected ${expected}`;
}

async function expectedSignature(r: ReceivedRequest, signed: string[], want: SigV4Expectation, at: Date): Promise<string> {
  const url = new URL(r.url, 'http://gate');
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(url.searchParams.keys())) {
    const all = url.searchParams.getAll(key);
    query[key] = all.length === 1 ? all[0] : all;
  }
  const headers: Record<string, string> = {};
  for (const h of signed) headers[h] = String(r.headers[h] ?? '');
  const signer = new SignatureV4({ credentials: want.credentials, region: want.region, service: want.service, sha256: Sha256, applyChecksum: false });
  // the path as sent (still percent-encoded): the signer encodes it once more, as AWS does for non-S3 services
  const path = r.url.split('?')[0];
  const out = await signer.sign({ method: r.method, protocol: 'http:', hostname: headers.host, path, query, headers, body: r.body }, { signingDate: at });
  const recomputed = AUTH.exec(String(out.headers.authorization));
  if (recomputed?.[5] !== signed.join(';')) return `(signed headers ${recomputed?.[5]} recomputed)`;
  return recomputed[6];
}
