/**
 * A local fake of OpenSearch `_search`. It evaluates the query-DSL subset fleetops uses (bool with
 * filter/must/should/must_not, range, terms, term, match_phrase, match_all, exists; size, sort,
 * track_total_hits) over in-memory documents and answers with the documented hit shape.
 * Anything else (another path, an unknown clause or body key, `query_string`) gets a 400/404 and
 * lands in `unexpected`. Failures can be queued with `failNext`, partial answers (shard failures,
 * server timeout) with `partialNext`; `reverseTies` answers equal sort keys in the other order, as
 * another copy of a shard may.
 */
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { closeServer, listenLocal } from './listen-local.js';

export interface FakeDoc {
  index: string;
  id?: string;
  source: Record<string, unknown>;
}

export interface RecordedSearch {
  method: string;
  path: string;
  index: string;
  query: URLSearchParams;
  headers: IncomingHttpHeaders;
  body: Record<string, unknown>;
}

export interface FakeFailure {
  /** Never answer (the client must time out or abort). */
  hang?: boolean;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/** The next search is answered with its hits but marked partial, as OpenSearch does (HTTP 200). */
export interface FakePartial {
  /** Shards that failed, each with this reason (`_shards.failures`). */
  failedShards?: number;
  reason?: { type: string; reason: string };
  timedOut?: boolean;
}

export interface OpenSearchFake {
  url: string;
  requests: RecordedSearch[];
  unexpected: string[];
  add(...docs: FakeDoc[]): void;
  failNext(...failures: FakeFailure[]): void;
  partialNext(...partials: FakePartial[]): void;
  reverseTies(on: boolean): void;
  close(): Promise<void>;
}

const BODY_KEYS = new Set(['query', 'size', 'sort', 'track_total_hits', '_source', 'timeout']);

class DslError extends Error {}

export async function startOpenSearchFake(): Promise<OpenSearchFake> {
  const docs: Required<FakeDoc>[] = [];
  const requests: RecordedSearch[] = [];
  const unexpected: string[] = [];
  const failures: FakeFailure[] = [];
  const partials: FakePartial[] = [];
  let tiesReversed = false;
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'http://fake');
      const send = (status: number, body: unknown, headers: Record<string, string> = {}): void => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers }).end(JSON.stringify(body));
      };
      const m = /^\/([^/]+)\/_search$/.exec(url.pathname);
      if (!m || !['GET', 'POST'].includes(req.method ?? '')) {
        unexpected.push(`${req.method} ${url.pathname}`);
        return send(404, errorBody('unknown_path', `no handler for ${req.method} ${url.pathname}`, 404));
      }
      const text = Buffer.concat(chunks).toString('utf8');
      const body = (text ? JSON.parse(text) : {}) as Record<string, unknown>;
      const index = decodeURIComponent(m[1]);
      requests.push({ method: req.method ?? '', path: url.pathname, index, query: url.searchParams, headers: req.headers, body });
      const failure = failures.shift();
      if (failure?.hang) return;
      if (failure) return send(failure.status, failure.body ?? errorBody('fake_failure', `injected ${failure.status}`, failure.status), failure.headers);
      try {
        send(200, markPartial(search(tiesReversed ? [...docs].reverse() : docs, index, body, url.searchParams), index, partials.shift()));
      } catch (err) {
        if (!(err instanceof DslError)) throw err;
        unexpected.push(err.message);
        send(400, errorBody('parsing_exception', err.message));
      }
    });
  });
  const port = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    unexpected,
    add: (...more) => { for (const d of more) docs.push({ id: d.id ?? `doc-${docs.length + 1}`, ...d }); },
    failNext: (...more) => { failures.push(...more); },
    partialNext: (...more) => { partials.push(...more); },
    reverseTies: (on) => { tiesReversed = on; },
    close: () => closeServer(server),
  };
}

/** OpenSearch's error body; `status` repeats the HTTP status. */
export function errorBody(type: string, reason: string, status = 400): unknown {
  return { error: { root_cause: [{ type, reason }], type, reason }, status };
}

function search(docs: Required<FakeDoc>[], index: string, body: Record<string, unknown>, qs: URLSearchParams): Record<string, unknown> {
  for (const key of Object.keys(body)) if (!BODY_KEYS.has(key)) throw new DslError(`unsupported body key ${key}`);
  if (qs.has('q')) throw new DslError('query-string search (q=) is not allowed');
  const patterns = index.split(',').map(globToRegExp);
  const matched = docs.filter((d) => patterns.some((p) => p.test(d.index)) && matches(d.source, body.query ?? { match_all: {} }));
  const sortSpec = normaliseSort(body.sort);
  const sorted = [...matched].sort((a, b) => compareDocs(a.source, b.source, sortSpec));
  const size = typeof body.size === 'number' ? body.size : 10;
  const hits = sorted.slice(0, size).map((d) => ({
    _index: d.index, _id: d.id, _score: null, _source: d.source, ...(sortSpec.length ? { sort: sortSpec.map((s) => sortKey(d.source, s.field)) } : {}),
  }));
  return { took: 1, timed_out: false, _shards: { total: 1, successful: 1, skipped: 0, failed: 0 }, hits: { ...totalOf(matched.length, body.track_total_hits), max_score: null, hits } };
}

function markPartial(answer: Record<string, unknown>, index: string, p: FakePartial | undefined): Record<string, unknown> {
  if (!p) return answer;
  const failed = p.failedShards ?? 0;
  const failures = Array.from({ length: failed }, (_, shard) => ({ shard, index, node: 'fake-node', reason: p.reason ?? { type: 'exception', reason: 'injected' } }));
  return { ...answer, timed_out: p.timedOut ?? false, _shards: { total: failed + 1, successful: 1, skipped: 0, failed, ...(failed ? { failures } : {}) } };
}

function totalOf(n: number, track: unknown): { total?: { value: number; relation: 'eq' | 'gte' } } {
  if (track === false) return {};
  const cap = track === true ? Infinity : typeof track === 'number' ? track : 10_000;
  return { total: n > cap ? { value: cap, relation: 'gte' } : { value: n, relation: 'eq' } };
}

function matches(src: unknown, clause: unknown): boolean {
  const [kind, spec] = single(clause);
  switch (kind) {
    case 'match_all': return true;
    case 'bool': return boolMatches(src, spec as Record<string, unknown>);
    case 'range': return rangeMatches(src, spec);
    case 'terms': { const [field, values] = single(spec); return valuesOf(src, field).some((v) => (values as unknown[]).includes(v)); }
    case 'term': { const [field, v] = single(spec); const want = typeof v === 'object' && v ? (v as { value: unknown }).value : v; return valuesOf(src, field).includes(want); }
    case 'exists': return valuesOf(src, (spec as { field: string }).field).length > 0;
    case 'match_phrase': { const [field, v] = single(spec); const phrase = typeof v === 'object' && v ? (v as { query: string }).query : String(v); return valuesOf(src, field).some((x) => phraseIn(String(x), phrase)); }
    default: throw new DslError(`unsupported query clause ${kind}`);
  }
}

function boolMatches(src: unknown, spec: Record<string, unknown>): boolean {
  for (const key of Object.keys(spec)) if (!['filter', 'must', 'should', 'must_not', 'minimum_should_match'].includes(key)) throw new DslError(`unsupported bool key ${key}`);
  const list = (k: string): unknown[] => (spec[k] === undefined ? [] : Array.isArray(spec[k]) ? spec[k] as unknown[] : [spec[k]]);
  if (![...list('filter'), ...list('must')].every((c) => matches(src, c))) return false;
  if (list('must_not').some((c) => matches(src, c))) return false;
  const should = list('should');
  const hasRequired = list('filter').length + list('must').length > 0;
  const min = typeof spec.minimum_should_match === 'number' ? spec.minimum_should_match : should.length && !hasRequired ? 1 : 0;
  return should.filter((c) => matches(src, c)).length >= min;
}

function rangeMatches(src: unknown, spec: unknown): boolean {
  const [field, bounds] = single(spec) as [string, Record<string, unknown>];
  const values = valuesOf(src, field).map(toNumber).filter((n) => !Number.isNaN(n));
  // OpenSearch reads a null bound (what JSON makes of NaN and Infinity) as no bound at all
  const b = (k: string): number | undefined => (bounds[k] === undefined || bounds[k] === null ? undefined : toNumber(bounds[k]));
  const [gte, gt, lte, lt] = [b('gte'), b('gt'), b('lte'), b('lt')];
  return values.some((v) => (gte === undefined || v >= gte) && (gt === undefined || v > gt) && (lte === undefined || v <= lte) && (lt === undefined || v < lt));
}

/** Standard-analyzer-like: lower-cased word tokens; the phrase's tokens must appear contiguously. */
function phraseIn(text: string, phrase: string): boolean {
  const tokens = (s: string): string[] => s.toLowerCase().split(/[^\p{L}\p{N}_]+/u).filter(Boolean);
  const t = tokens(text);
  const p = tokens(phrase);
  if (p.length === 0) return false;
  for (let i = 0; i + p.length <= t.length; i++) if (p.every((w, j) => t[i + j] === w)) return true;
  return false;
}

interface SortField { field: string; desc: boolean; missingFirst: boolean }

function normaliseSort(sort: unknown): SortField[] {
  if (sort === undefined) return [];
  return (Array.isArray(sort) ? sort : [sort]).map((s) => {
    if (typeof s === 'string') return { field: s, desc: false, missingFirst: false };
    const [field, opts] = single(s) as [string, { order?: string; missing?: string } | string];
    const o = typeof opts === 'string' ? { order: opts } : opts;
    return { field, desc: o.order === 'desc', missingFirst: o.missing === '_first' };
  });
}

function compareDocs(a: unknown, b: unknown, spec: SortField[]): number {
  for (const s of spec) {
    const x = sortKey(a, s.field);
    const y = sortKey(b, s.field);
    if (x === y) continue;
    if (x === null || y === null) return (x === null) === s.missingFirst ? -1 : 1;
    return (x < y ? -1 : 1) * (s.desc ? -1 : 1);
  }
  return 0;
}

function sortKey(src: unknown, field: string): number | null {
  const n = valuesOf(src, field).map(toNumber).find((v) => !Number.isNaN(v));
  return n ?? null;
}

function toNumber(v: unknown): number {
  if (typeof v === 'number') return v;
  if (typeof v !== 'string') return NaN;
  if (/^-?\d+(\.\d+)?$/.test(v)) return Number(v);
  // a date without a zone is UTC to OpenSearch
  return Date.parse(/^\d{4}-\d\d-\d\dT[\d:.]+$/.test(v) ? `${v}Z` : v);
}

/** Values at a dotted path (nested or dotted keys); a `.keyword` sub-field reads its parent. */
function valuesOf(src: unknown, field: string): unknown[] {
  const v = lookup(src, field.endsWith('.keyword') ? field.slice(0, -'.keyword'.length) : field);
  if (v === undefined || v === null) return [];
  return Array.isArray(v) ? v : [v];
}

function lookup(src: unknown, path: string): unknown {
  if (src === null || typeof src !== 'object') return undefined;
  const obj = src as Record<string, unknown>;
  if (path in obj) return obj[path];
  const parts = path.split('.');
  for (let i = parts.length - 1; i >= 1; i--) {
    const head = parts.slice(0, i).join('.');
    if (head in obj) return lookup(obj[head], parts.slice(i).join('.'));
  }
  return undefined;
}

function single(x: unknown): [string, unknown] {
  const entries = x && typeof x === 'object' ? Object.entries(x) : [];
  if (entries.length !== 1) throw new DslError(`expected an object with one key, got ${JSON.stringify(x)}`);
  return entries[0];
}

function globToRegExp(glob: string): RegExp {
  return new RegExp(`^${glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*')}$`);
}
