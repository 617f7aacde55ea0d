import type { EventQuery, EventSource, KubeEvent } from '../types.js';
import { checkQueryBounds, createOpenSearchSearch, newestFirst, type OpenSearchConnection } from '../../logs/opensearch/opensearch-search.js';
import type { SearchHit } from '../../logs/opensearch/schema.js';
import { firstString } from '../../logs/opensearch/source-fields.js';
import { DEFAULT_EVENT_FIELDS, toKubeEvent, type EventFieldMap } from './event-fields.js';

export { DEFAULT_EVENT_FIELDS, type EventFieldMap } from './event-fields.js';

export interface OpenSearchEventsOptions extends OpenSearchConnection {
  /** Index or pattern, e.g. `kube-events-*`. */
  indexPattern: string;
  /** Fields left out (or undefined) keep their default. */
  fieldMap?: Partial<EventFieldMap>;
  /** Appended to the fields used in `terms` filters (cluster, reason); `.keyword` for dynamic mappings. */
  keywordSuffix?: string;
  /** Cap on events per search whatever the caller asks. Default 500. */
  maxSize?: number;
}

/**
 * EventSource over an OpenSearch index of Kubernetes events (kubernetes-event-exporter and the like).
 * The server orders by the first timestamp field; events carrying only a later candidate
 * (`eventTime`) sort after those, so under truncation the newest of them may be missed.
 * Documents of one event (`metadata.uid` by default) count once, at their latest state.
 */
export function createOpenSearchEvents(opts: OpenSearchEventsOptions): EventSource {
  const fields = withDefaults(opts.fieldMap);
  const search = createOpenSearchSearch(opts);
  const maxSize = opts.maxSize ?? 500;
  return {
    async listEvents(q) {
      checkQueryBounds('event search', q);
      const size = Math.min(Math.floor(q.limit), maxSize);
      if (size <= 0 || q.clusters.length === 0 || q.endMs <= q.startMs || q.reasons?.length === 0) return [];
      const body = buildEventQuery(q, size, fields, opts.keywordSuffix ?? '', opts.timeoutMs ?? 30_000);
      const result = await search({ index: opts.indexPattern, body, signal: q.abortSignal });
      const events: EventHit[] = [];
      for (const hit of result.hits) {
        const event = toKubeEvent(hit, fields);
        if (event) events.push({ tsMs: event.tsMs, hit, event });
      }
      const skipped = result.hits.length - events.length;
      if (skipped > 0) opts.logger.warn({ index: opts.indexPattern, skipped, timestampFields: fields.timestamps, reasonFields: fields.reason }, 'opensearch event hits without timestamp or reason skipped');
      // Re-check the range and reasons on the fields actually read: a doc may match through another candidate field.
      const wanted = events.filter((e) => e.tsMs >= q.startMs && e.tsMs < q.endMs && (!q.reasons || q.reasons.includes(e.event.reason)));
      return latestPerEvent(wanted, fields.uid).map((e) => e.event);
    },
  };
}

interface EventHit {
  tsMs: number;
  hit: SearchHit;
  event: KubeEvent;
}

/**
 * Newest first, one per event: exporters ship every update of an event (its count going up) as a new
 * document unless told to key documents by the event's uid, and summing those would over-count.
 */
function latestPerEvent(events: EventHit[], uidFields: readonly string[]): EventHit[] {
  const seen = new Set<string>();
  return events.sort((a, b) => b.tsMs - a.tsMs || b.event.count - a.event.count || newestFirst(a, b)).filter((e) => {
    const uid = firstString(e.hit._source, uidFields);
    if (uid === undefined) return true;
    const key = `${e.event.cluster}\u0000${uid}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

export function buildEventQuery(q: EventQuery, size: number, f: EventFieldMap, keywordSuffix: string, timeoutMs: number): Record<string, unknown> {
  const ranges = f.timestamps.map((field) => ({ range: { [field]: { gte: q.startMs, lt: q.endMs, format: 'epoch_millis' } } }));
  const filter: unknown[] = [
    anyOf(ranges),
    { terms: { [f.cluster + keywordSuffix]: [...new Set(q.clusters)] } },
  ];
  if (q.reasons) filter.push(anyOf(f.reason.map((field) => ({ terms: { [field + keywordSuffix]: [...new Set(q.reasons)] } }))));
  return {
    size,
    track_total_hits: size + 1,
    timeout: `${timeoutMs}ms`,
    query: { bool: { filter } },
    sort: f.timestamps.map((field) => ({ [field]: { order: 'desc', unmapped_type: 'date', missing: '_last' } })),
  };
}

/** One clause as it is; several as a bool that any of them satisfies. */
function anyOf(clauses: unknown[]): unknown {
  return clauses.length === 1 ? clauses[0] : { bool: { should: clauses, minimum_should_match: 1 } };
}

function withDefaults(fieldMap: Partial<EventFieldMap> = {}): EventFieldMap {
  const set = Object.entries(fieldMap).filter(([, v]) => v !== undefined);
  return { ...DEFAULT_EVENT_FIELDS, ...Object.fromEntries(set) };
}
