/** How to reach and authenticate to a Prometheus-compatible API; shared by metrics and inventory. */
import { Sha256 } from '@aws-crypto/sha256-js';
import { SignatureV4 } from '@smithy/signature-v4';
import type { Clock } from '../../../core/clock.js';

export interface AwsCredentials {
  accessKeyId: string;
  secretAccessKey: string;
  sessionToken?: string;
}

export type PrometheusAuth =
  | { kind: 'none' }
  | { kind: 'bearer'; token: string }
  | { kind: 'basic'; username: string; password: string }
  /** Amazon Managed Prometheus: service `aps`; credentials e.g. from `fromNodeProviderChain()`. */
  | { kind: 'sigv4'; region: string; service?: string; credentials: () => Promise<AwsCredentials> };

export interface PrometheusConnection {
  /** Root URL; the API lives under `<baseUrl>/api/v1/`. */
  baseUrl: string;
  headers?: Record<string, string>;
  /** Mimir / Cortex tenant, sent as X-Scope-OrgID. */
  tenant?: string;
  auth?: PrometheusAuth;
  timeoutMs?: number;
}

export interface OutgoingRequest {
  method: 'GET' | 'POST';
  url: URL;
  /** Form-encoded body (POST). */
  body?: string;
}

/** Headers for one request: custom, tenant, then auth (SigV4 signs the exact URL and body). */
export async function requestHeaders(conn: PrometheusConnection, req: OutgoingRequest, clock: Clock): Promise<Record<string, string>> {
  const headers: Record<string, string> = { accept: 'application/json', ...conn.headers };
  if (req.body !== undefined) headers['content-type'] = 'application/x-www-form-urlencoded';
  if (conn.tenant) headers['x-scope-orgid'] = conn.tenant;
  const auth = conn.auth ?? { kind: 'none' };
  if (auth.kind === 'bearer') headers.authorization = `Bearer ${auth.token}`;
  if (auth.kind === 'basic') headers.authorization = `Basic ${Buffer.from(`${auth.username}:${auth.password}`).toString('base64')}`;
  if (auth.kind === 'sigv4') Object.assign(headers, await sigv4Headers(auth, req, headers, clock));
  return headers;
}

async function sigv4Headers(auth: Extract<PrometheusAuth, { kind: 'sigv4' }>, req: OutgoingRequest, headers: Record<string, string>, clock: Clock): Promise<Record<string, string>> {
  const signer = new SignatureV4({ credentials: auth.credentials, region: auth.region, service: auth.service ?? 'aps', sha256: Sha256 });
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(req.url.searchParams.keys())) {
    const all = req.url.searchParams.getAll(key);
    query[key] = all.length === 1 ? all[0] : all;
  }
  const signed = await signer.sign({
    method: req.method, protocol: req.url.protocol, hostname: req.url.hostname, port: req.url.port ? Number(req.url.port) : undefined,
    path: req.url.pathname, query, headers: { ...headers, host: req.url.host }, body: req.body,
  }, { signingDate: new Date(clock.nowMs()) });
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(signed.headers)) if (k.toLowerCase() !== 'host') out[k.toLowerCase()] = v;
  return out;
}

/** `<baseUrl>/api/v1/<path>` without doubling slashes. */
export function apiUrl(baseUrl: string, path: string): URL {
  return new URL(`api/v1/${path}`, baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`);
}
