import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer as createHttp, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttps } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { closeServer, listenLocal } from './listen-local.js';

/**
 * A local fake of the Kubernetes API paths fleetops' safe operations use, for driving the real
 * @kubernetes/client-node. It keeps objects in memory; checks the bearer token (401 otherwise);
 * evicts through PDBs (429 when one allows no disruption, as the API server answers); honours
 * resourceVersion preconditions (409); applies strategic-merge, merge and JSON patches; injects 403
 * and 409; records every request and flags any it does not serve in `unexpected`.
 */

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface KubeFakeRequest { method: string; path: string; authorization?: string; contentType?: string; body?: unknown }
export interface KubeFakeOptions { token: string; tls?: { key: string; cert: string } }

const COLLECTIONS = ['pods', 'nodes', 'deployments', 'statefulsets', 'daemonsets', 'replicasets', 'controllerrevisions', 'horizontalpodautoscalers', 'poddisruptionbudgets'] as const;
type Collection = (typeof COLLECTIONS)[number];

/** A self-signed certificate for 127.0.0.1 (openssl), with its PEM as the CA. */
export function selfSignedCert(cn: string): { key: string; cert: string } {
  const dir = mkdtempSync(join(tmpdir(), 'kube-fake-tls-'));
  try {
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', `/CN=${cn}`, '-addext', 'subjectAltName=IP:127.0.0.1',
      '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { stdio: 'ignore' });
    return { key: readFileSync(join(dir, 'key.pem'), 'utf8'), cert: readFileSync(join(dir, 'cert.pem'), 'utf8') };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** RFC 7386 merge patch; with `strategic`, lists of named items (containers) merge by name. */
export function mergePatch(target: unknown, patch: unknown, strategic: boolean): unknown {
  if (!isObj(patch)) return patch;
  const out: Obj = isObj(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else if (strategic && Array.isArray(v) && Array.isArray(out[k]) && v.every((i) => isObj(i) && typeof i.name === 'string')) {
      const merged = [...(out[k] as Obj[])];
      for (const item of v as Obj[]) {
        const i = merged.findIndex((m) => m.name === item.name);
        if (i >= 0) merged[i] = mergePatch(merged[i], item, true) as Obj;
        else merged.push(item);
      }
      out[k] = merged;
    } else out[k] = mergePatch(out[k], v, strategic);
  }
  return out;
}

function jsonPatch(target: Obj, ops: { op: string; path: string; value?: unknown }[]): Obj {
  const out = structuredClone(target);
  for (const op of ops) {
    const keys = op.path.split('/').slice(1);
    const last = keys.pop()!;
    const parent = keys.reduce((o: Obj, k) => (o[k] ??= {}), out);
    if (op.op === 'remove') delete parent[last];
    else parent[last] = op.value;
  }
  return out;
}

function matches(selector: Obj | undefined, labels: Obj = {}): boolean {
  return !!selector && Object.entries(selector.matchLabels ?? {}).every(([k, v]) => labels[k] === v);
}

const status = (code: number, reason: string, message: string) => ({ kind: 'Status', apiVersion: 'v1', status: 'Failure', code, reason, message });

export async function startKubernetesFake(opts: KubeFakeOptions) {
  const store = Object.fromEntries(COLLECTIONS.map((c) => [c, new Map<string, Obj>()])) as Record<Collection, Map<string, Obj>>;
  const requests: KubeFakeRequest[] = [];
  const unexpected: string[] = [];
  const forbidden: { method: string; prefix: string }[] = [];
  const conflicts = new Map<string, { times: number; bump?: [Collection, string | undefined, string] }>();
  let rv = 100;
  const key = (ns: string | undefined, name: string) => `${ns ?? ''}/${name}`;
  const list = (c: Collection, ns?: string) => [...store[c].values()].filter((o) => ns === undefined || o.metadata.namespace === ns);

  const add = (c: Collection, obj: Obj): Obj => {
    const o = structuredClone(obj);
    o.metadata = { generation: 1, uid: `uid-${o.metadata.name}`, ...o.metadata, resourceVersion: String(++rv) };
    store[c].set(key(o.metadata.namespace, o.metadata.name), o);
    return o;
  };
  const write = (c: Collection, o: Obj, specChanged: boolean): Obj => {
    o.metadata.resourceVersion = String(++rv);
    if (specChanged) o.metadata.generation = (o.metadata.generation ?? 1) + 1;
    store[c].set(key(o.metadata.namespace, o.metadata.name), o);
    return o;
  };

  const evict = (ns: string, name: string): [number, unknown] => {
    const pod = store.pods.get(key(ns, name));
    if (!pod) return [404, status(404, 'NotFound', `pods "${name}" not found`)];
    const pdbs = list('poddisruptionbudgets', ns).filter((p) => matches(p.spec?.selector, pod.metadata.labels));
    if (pdbs.some((p) => (p.status?.disruptionsAllowed ?? 0) < 1)) {
      return [429, status(429, 'TooManyRequests', "Cannot evict pod as it would violate the pod's disruption budget.")];
    }
    pdbs.forEach((p) => { p.status.disruptionsAllowed -= 1; });
    store.pods.delete(key(ns, name));
    return [201, { kind: 'Status', apiVersion: 'v1', status: 'Success', code: 201 }];
  };

  const patchObj = (c: Collection, ns: string | undefined, name: string, body: unknown, contentType = ''): [number, unknown] => {
    const cur = store[c].get(key(ns, name));
    if (!cur) return [404, status(404, 'NotFound', `${c} "${name}" not found`)];
    const pre = isObj(body) ? body.metadata?.resourceVersion : undefined;
    if (pre !== undefined && pre !== cur.metadata.resourceVersion) return [409, status(409, 'Conflict', `Operation cannot be fulfilled on ${c} "${name}": the object has been modified; please apply your changes to the latest version and try again`)];
    const next = contentType.includes('json-patch') ? jsonPatch(cur, body as never) : mergePatch(cur, body, contentType.includes('strategic')) as Obj;
    return [200, write(c, next, JSON.stringify(next.spec) !== JSON.stringify(cur.spec))];
  };

  const putScale = (c: Collection, ns: string, name: string, body: Obj): [number, unknown] => {
    const cur = store[c].get(key(ns, name));
    if (!cur) return [404, status(404, 'NotFound', `${c} "${name}" not found`)];
    if (body.metadata?.resourceVersion !== cur.metadata.resourceVersion) return [409, status(409, 'Conflict', `Operation cannot be fulfilled on ${c} "${name}": the object has been modified`)];
    cur.spec.replicas = body.spec.replicas;
    const o = write(c, cur, true);
    return [200, scaleOf(o)];
  };
  const scaleOf = (o: Obj) => ({ kind: 'Scale', apiVersion: 'autoscaling/v1', metadata: { name: o.metadata.name, namespace: o.metadata.namespace, resourceVersion: o.metadata.resourceVersion }, spec: { replicas: o.spec.replicas }, status: { replicas: o.status?.replicas ?? 0 } });

  const podsQuery = (q: URLSearchParams) => {
    const field = q.get('fieldSelector') ?? '';
    return list('pods').filter((p) => field.split(',').filter(Boolean).every((cond) => {
      if (cond.startsWith('spec.nodeName=')) return p.spec?.nodeName === cond.slice('spec.nodeName='.length);
      if (cond.startsWith('status.phase!=')) return p.status?.phase !== cond.slice('status.phase!='.length);
      unexpected.push(`fieldSelector ${cond}`);
      return false;
    }));
  };
  const itemsOf = (items: Obj[]) => ({ kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: String(rv) }, items });

  function route(method: string, url: URL, body: unknown, contentType?: string): [number, unknown] | undefined {
    const p = url.pathname;
    let m: RegExpMatchArray | null;
    if (method === 'GET' && p === '/api/v1/nodes') return [200, itemsOf(list('nodes'))];
    if ((m = p.match(/^\/api\/v1\/nodes\/([^/]+)$/))) {
      if (method === 'GET') return store.nodes.has(key(undefined, m[1])) ? [200, store.nodes.get(key(undefined, m[1]))] : [404, status(404, 'NotFound', `nodes "${m[1]}" not found`)];
      if (method === 'PATCH') return patchObj('nodes', undefined, m[1], body, contentType);
    }
    if (method === 'GET' && p === '/api/v1/pods') return [200, itemsOf(podsQuery(url.searchParams))];
    if ((m = p.match(/^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)(\/eviction)?$/))) {
      if (method === 'POST' && m[3]) return evict(m[1], m[2]);
      if (method === 'GET' && !m[3]) return store.pods.has(key(m[1], m[2])) ? [200, store.pods.get(key(m[1], m[2]))] : [404, status(404, 'NotFound', `pods "${m[2]}" not found`)];
    }
    if ((m = p.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(deployments|statefulsets|daemonsets)\/([^/]+)(\/scale)?$/))) {
      const [, ns, c, name, scale] = m as unknown as [string, string, Collection, string, string?];
      const cur = store[c].get(key(ns, name));
      if (scale && c !== 'daemonsets' && method === 'GET') return cur ? [200, scaleOf(cur)] : [404, status(404, 'NotFound', `${c} "${name}" not found`)];
      if (scale && c !== 'daemonsets' && method === 'PUT') return putScale(c, ns, name, body as Obj);
      if (!scale && method === 'GET') return cur ? [200, cur] : [404, status(404, 'NotFound', `${c} "${name}" not found`)];
      if (!scale && method === 'PATCH') return patchObj(c, ns, name, body, contentType);
    }
    if (method === 'GET' && (m = p.match(/^\/apis\/apps\/v1\/namespaces\/([^/]+)\/(replicasets|controllerrevisions)$/))) {
      const sel = Object.fromEntries((url.searchParams.get('labelSelector') ?? '').split(',').filter(Boolean).map((kv) => kv.split('=')));
      return [200, itemsOf(list(m[2] as Collection, m[1]).filter((o) => Object.entries(sel).every(([k, v]) => o.metadata.labels?.[k] === v)))];
    }
    if ((m = p.match(/^\/apis\/autoscaling\/v2\/namespaces\/([^/]+)\/horizontalpodautoscalers(?:\/([^/]+))?$/))) {
      if (method === 'GET' && !m[2]) return [200, itemsOf(list('horizontalpodautoscalers', m[1]))];
      if (method === 'PATCH' && m[2]) return patchObj('horizontalpodautoscalers', m[1], m[2], body, contentType);
    }
    if (method === 'GET' && (m = p.match(/^\/apis\/policy\/v1\/namespaces\/([^/]+)\/poddisruptionbudgets$/))) return [200, itemsOf(list('poddisruptionbudgets', m[1]))];
    return undefined;
  }

  const handler = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const text = Buffer.concat(chunks).toString('utf8');
    const method = req.method ?? 'GET';
    const url = new URL(req.url ?? '/', 'http://fake');
    const contentType = req.headers['content-type'];
    const body = text ? JSON.parse(text) : undefined;
    requests.push({ method, path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, contentType, body });
    const send = (code: number, payload: unknown) => {
      res.writeHead(code, { 'content-type': 'application/json' });
      res.end(JSON.stringify(payload));
    };
    if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, status(401, 'Unauthorized', 'Unauthorized'));
    if (forbidden.some((f) => f.method === method && url.pathname.startsWith(f.prefix))) {
      return send(403, status(403, 'Forbidden', `${method} ${url.pathname} is forbidden: User "system:serviceaccount:fleetops:fleetops" cannot do this`));
    }
    const conflict = conflicts.get(`${method} ${url.pathname}`);
    if (conflict && conflict.times > 0) {
      conflict.times -= 1;
      const bumped = conflict.bump && store[conflict.bump[0]].get(key(conflict.bump[1], conflict.bump[2]));
      if (bumped) write(conflict.bump![0], bumped, false);
      return send(409, status(409, 'Conflict', 'the object has been modified; please apply your changes to the latest version and try again'));
    }
    const answer = route(method, url, body, contentType);
    if (!answer) {
      unexpected.push(`${method} ${url.pathname}${url.search}`);
      return send(404, status(404, 'NotFound', 'the server could not find the requested resource'));
    }
    send(...answer);
  };

  const server: Server = opts.tls ? createHttps({ key: opts.tls.key, cert: opts.tls.cert }, (q, s) => void handler(q, s)) : createHttp((q, s) => void handler(q, s));
  const port = await listenLocal(server);
  return {
    url: `${opts.tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    requests,
    unexpected,
    add,
    get: (c: Collection, ns: string | undefined, name: string) => store[c].get(key(ns, name)),
    list,
    /** Answer 403 to `method` on paths starting with `prefix`. */
    forbid: (method: string, prefix: string) => forbidden.push({ method, prefix }),
    /** Answer 409 to the next `times` `method path` requests; `bump` changes that object's resourceVersion as a concurrent writer would. */
    conflict: (method: string, path: string, times = 1, bump?: [Collection, string | undefined, string]) => conflicts.set(`${method} ${path}`, { times, bump }),
    /** Requests that change something (not GET). */
    writes: () => requests.filter((r) => r.method !== 'GET'),
    close: () => closeServer(server),
  };
}
export type KubernetesFake = Awaited<ReturnType<typeof startKubernetesFake>>;
