import type { ComponentNamespaces } from '../namespace-scope.js';
import type { LogLine, LogQuery, LogSearch } from '../types.js';
import { DEFAULT_LOG_FIELDS, DEFAULT_QUIET_LEVELS, quietSpellings, toLogLine, type LogFieldMap } from './log-fields.js';
import { checkQueryBounds, createOpenSearchSearch, newestFirst, type OpenSearchConnection } from './opensearch-search.js';
import type { SearchHit } from './schema.js';

export type { OpenSearchAuth, OpenSearchConnection } from './opensearch-search.js';
export { DEFAULT_LOG_FIELDS, DEFAULT_QUIET_LEVELS, type LogFieldMap } from './log-fields.js';

export interface OpenSearchLogsOptions extends OpenSearchConnection {
  /**
   * Index or pattern, e.g. `logs-k8s-*` (comma-separated lists work too). A pattern matching no index,
   * or a field map naming fields the mapping lacks, gives no lines; a named index that does not exist
   * fails with 404, not retried.
   */
  indexPattern: string;
  fieldMap?: Partial<LogFieldMap>;
  /**
   * Appended to the fields used in `terms` filters (cluster, namespace, component, container): `.keyword` when
   * the index is dynamically mapped (strings as text with a keyword sub-field). Default none.
   */
  keywordSuffix?: string;
  /** Extra label/container values per component, e.g. `{ coredns: ['kube-dns'] }`. */
  componentAliases?: Record<string, string[]>;
  /** Cap on lines per search whatever the caller asks. Default 500. */
  maxSize?: number;
  /**
   * Level-field values of lines that are no problem, left out of `problemsOnly` searches (in their
   * lower, upper and capitalised spellings too). Default DEFAULT_QUIET_LEVELS; empty: none left out.
   */
  quietLevels?: readonly string[];
}

/** Phrases longer than this are cut: a phrase of a prefix still finds the line. */
const MAX_TEXT_CHARS = 1024;

/** LogSearch over an OpenSearch index of container logs shipped by Fluent Bit or Fluentd. */
export function createOpenSearchLogs(opts: OpenSearchLogsOptions): LogSearch {
  const fields: LogFieldMap = { ...DEFAULT_LOG_FIELDS, ...opts.fieldMap };
  const search = createOpenSearchSearch(opts);
  const maxSize = opts.maxSize ?? 500;
  const componentOf = componentResolver(opts.componentAliases ?? {});
  const quiet = quietSpellings(opts.quietLevels ?? DEFAULT_QUIET_LEVELS);
  const quietSet = new Set(quiet);
  return {
    async search(q) {
      checkQueryBounds('log search', q);
      const size = Math.min(Math.floor(q.limit), maxSize);
      if (size <= 0 || q.clusters.length === 0 || q.endMs <= q.startMs || q.components?.length === 0) return [];
      const body = buildLogQuery(q, size, fields, { keywordSuffix: opts.keywordSuffix ?? '', aliases: opts.componentAliases ?? {}, timeoutMs: opts.timeoutMs ?? 30_000, quietLevels: quiet });
      const result = await search({ index: opts.indexPattern, body, signal: q.abortSignal });
      const lines: { tsMs: number; hit: SearchHit; line: LogLine }[] = [];
      let unreadable = 0;
      for (const hit of result.hits) {
        const line = toLogLine(hit, fields, (label, container) => componentOf(label, container, q.components), quietSet);
        if (line) lines.push({ tsMs: line.tsMs, hit, line });
        else unreadable++;
      }
      if (unreadable > 0) opts.logger.warn({ index: opts.indexPattern, unreadable, timestampField: fields.timestamp, messageFields: fields.message }, 'opensearch log hits without timestamp or message skipped');
      if (result.total?.relation === 'gte' || (result.total && result.total.value > size)) opts.logger.debug({ index: opts.indexPattern, returned: lines.length }, 'log search truncated at size');
      return lines.sort(newestFirst).map((l) => l.line);
    },
  };
}

interface QueryBounds {
  keywordSuffix: string;
  aliases: Record<string, string[]>;
  timeoutMs: number;
  /** Level-field values a `problemsOnly` search leaves out, every spelling listed. */
  quietLevels: readonly string[];
}

/** The search body: everything in filter context (no scoring), newest first, bounded in time and size. */
export function buildLogQuery(q: LogQuery, size: number, f: LogFieldMap, b: QueryBounds): Record<string, unknown> {
  const filter: unknown[] = [
    { range: { [f.timestamp]: { gte: q.startMs, lt: q.endMs, format: 'epoch_millis' } } },
    { terms: { [f.cluster + b.keywordSuffix]: [...new Set(q.clusters)] } },
  ];
  if (q.components) filter.push(componentClause([...new Set(q.components.flatMap((c) => [c, ...(b.aliases[c] ?? [])]))], f, b));
  const text = q.text?.trim().slice(0, MAX_TEXT_CHARS);
  // match_phrase analyses the text as data: no query syntax (`OR`, `*:*`, quotes) is interpreted.
  if (text) filter.push(anyOf(f.message.map((field) => ({ match_phrase: { [field]: text } }))));
  const mustNot = outsideNamespaces(q.componentNamespaces ?? {}, f, b);
  // lines without the level field do not match: they stay, judged by their message
  if (q.problemsOnly && b.quietLevels.length > 0) mustNot.push({ terms: { [f.level + b.keywordSuffix]: [...b.quietLevels] } });
  return {
    size,
    track_total_hits: size + 1,
    timeout: `${b.timeoutMs}ms`,
    query: { bool: { filter, ...(mustNot.length ? { must_not: mustNot } : {}) } },
    sort: [{ [f.timestamp]: { order: 'desc', unmapped_type: 'date' } }],
    _source: [f.timestamp, f.cluster, f.namespace, f.pod, f.node, f.component, f.container, f.level, ...f.message],
  };
}

/** The component label or the container name is one of `values`. */
function componentClause(values: string[], f: LogFieldMap, b: QueryBounds): unknown {
  return anyOf([{ terms: { [f.component + b.keywordSuffix]: values } }, { terms: { [f.container + b.keywordSuffix]: values } }]);
}

/**
 * Lines of a scoped component from another namespace (a same-named workload elsewhere), one clause
 * per namespace list. Lines without the namespace field are not matched, so they stay in the answer.
 */
function outsideNamespaces(scope: ComponentNamespaces, f: LogFieldMap, b: QueryBounds): unknown[] {
  const byNamespaces = new Map<string, string[]>();
  for (const [component, namespaces] of Object.entries(scope)) {
    const key = JSON.stringify([...new Set(namespaces)].sort());
    byNamespaces.set(key, [...(byNamespaces.get(key) ?? []), component, ...(b.aliases[component] ?? [])]);
  }
  return [...byNamespaces].sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)).map(([key, values]) => {
    const namespaces = JSON.parse(key) as string[];
    const clauses = [componentClause([...new Set(values)], f, b), { exists: { field: f.namespace } }];
    if (namespaces.length > 0) clauses.push({ bool: { must_not: [{ terms: { [f.namespace + b.keywordSuffix]: namespaces } }] } });
    return { bool: { filter: clauses } };
  });
}

function anyOf(clauses: unknown[]): unknown {
  return clauses.length === 1 ? clauses[0] : { bool: { should: clauses, minimum_should_match: 1 } };
}

/**
 * The domain component of a line: an alias maps back to its component; else the label, else the
 * container. In a search for some components, the one the line was matched by (label or container).
 */
function componentResolver(aliases: Record<string, string[]>): (label: string | undefined, container: string | undefined, asked?: readonly string[]) => string {
  const back = new Map<string, string>();
  for (const [component, names] of Object.entries(aliases)) for (const n of names) back.set(n, component);
  return (label, container, asked) => {
    const raw = label ?? container ?? '';
    const candidates = [back.get(raw), container !== undefined ? back.get(container) : undefined, raw, container];
    return candidates.find((c) => c !== undefined && asked?.includes(c)) ?? candidates.find((c) => c !== undefined) ?? '';
  };
}
