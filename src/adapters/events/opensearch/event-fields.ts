/** Where an event document keeps each field (kubernetes-event-exporter layout by default), and reading one hit into a KubeEvent. */
import type { KubeEvent } from '../types.js';
import type { SearchHit } from '../../logs/opensearch/schema.js';
import { firstString, getField, getString, getTimestampMs } from '../../logs/opensearch/source-fields.js';

/** Each list holds candidate fields tried in order: the first non-empty one is read. */
export interface EventFieldMap {
  /** Not in the event itself: the exporter's layout or the shipper must add it. */
  cluster: string;
  /**
   * Core/v1 events fill `lastTimestamp`; events.k8s.io events leave it null and fill `eventTime`.
   * The first field also orders the search.
   */
  timestamps: string[];
  /** Filtered on when a search names reasons (`terms`, with the keyword suffix). */
  reason: string[];
  message: string[];
  /** `Warning` is a warning; anything else, or nothing, is Normal. */
  type: string[];
  /** At least 1 when absent or not a number. */
  count: string[];
  namespace: string[];
  involvedKind: string[];
  involvedName: string[];
  /** When none is set, a Node event's involved object is its node. */
  node: string[];
  /** One event's documents (each update of it) count once, at their latest state; documents without it all count. */
  uid: string[];
}

/** Core/v1 fields first, then their events.k8s.io names. */
export const DEFAULT_EVENT_FIELDS: EventFieldMap = {
  cluster: 'cluster',
  timestamps: ['lastTimestamp', 'eventTime'],
  reason: ['reason'],
  message: ['message', 'note'],
  type: ['type'],
  count: ['count', 'series.count'],
  namespace: ['involvedObject.namespace', 'metadata.namespace'],
  involvedKind: ['involvedObject.kind', 'regarding.kind'],
  involvedName: ['involvedObject.name', 'regarding.name'],
  node: ['source.host', 'deprecatedSource.host'],
  uid: ['metadata.uid'],
};

/** A hit as a KubeEvent; undefined when it has no timestamp or reason. */
export function toKubeEvent(hit: SearchHit, f: EventFieldMap): KubeEvent | undefined {
  const src = hit._source;
  const tsMs = getTimestampMs(src, f.timestamps);
  const reason = firstString(src, f.reason);
  if (tsMs === undefined || reason === undefined) return undefined;
  const involvedKind = firstString(src, f.involvedKind) ?? '';
  const involvedName = firstString(src, f.involvedName) ?? '';
  const message = firstString(src, f.message) ?? '';
  const node = firstString(src, f.node) ?? kubeletInstance(src) ?? (involvedKind === 'Node' ? involvedName : undefined) ?? scheduledTo(reason, message);
  return {
    tsMs,
    cluster: getString(src, f.cluster) ?? '',
    namespace: firstString(src, f.namespace) ?? '',
    involvedKind,
    involvedName,
    ...(node ? { node } : {}),
    reason,
    type: firstString(src, f.type) === 'Warning' ? 'Warning' : 'Normal',
    message,
    count: countOf(src, f.count),
  };
}

/**
 * An events.k8s.io event's reporting instance is a node only when the kubelet reported it; the scheduler's
 * (default-scheduler-<host>) or a controller's is not, and was read as the event's node before.
 */
function kubeletInstance(src: unknown): string | undefined {
  return getString(src, 'reportingController') === 'kubelet' ? getString(src, 'reportingInstance') || undefined : undefined;
}

/** The scheduler names no host: a Scheduled event's node is in its message ("Successfully assigned ns/pod to node-7"). */
function scheduledTo(reason: string, message: string): string | undefined {
  return reason === 'Scheduled' ? /^Successfully assigned \S+ to (\S+)$/.exec(message.trim())?.[1] : undefined;
}

/** The first count field that is set; at least 1. */
function countOf(src: unknown, paths: readonly string[]): number {
  const v = paths.map((p) => getField(src, p)).find((x) => x !== undefined && x !== null);
  const n = Number(v ?? 1);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}
