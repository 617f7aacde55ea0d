/** Reading one Kubernetes event document (kubernetes-event-exporter layout) into a KubeEvent. */
import type { KubeEvent } from '../types.js';
import type { SearchHit } from '../../logs/opensearch/schema.js';
import { getField, getString, getTimestampMs } from '../../logs/opensearch/source-fields.js';

export interface EventFieldMap {
  /** Not in the event itself: the exporter's layout or the shipper must add it. */
  cluster: string;
  /**
   * Candidates in order. Core/v1 events fill `lastTimestamp`; events.k8s.io events leave it null
   * and fill `eventTime`. The first field also orders the search.
   */
  timestamps: string[];
  reason: string;
}

export const DEFAULT_EVENT_FIELDS: EventFieldMap = {
  cluster: 'cluster',
  timestamps: ['lastTimestamp', 'eventTime'],
  reason: 'reason',
};

/** A hit as a KubeEvent; undefined when it has no timestamp or reason. */
export function toKubeEvent(hit: SearchHit, f: EventFieldMap): KubeEvent | undefined {
  const src = hit._source;
  const tsMs = getTimestampMs(src, f.timestamps);
  const reason = getString(src, f.reason);
  if (tsMs === undefined || reason === undefined) return undefined;
  const involvedKind = getString(src, 'involvedObject.kind') ?? getString(src, 'regarding.kind') ?? '';
  const involvedName = getString(src, 'involvedObject.name') ?? getString(src, 'regarding.name') ?? '';
  const node = getString(src, 'source.host') ?? getString(src, 'reportingInstance') ?? (involvedKind === 'Node' ? involvedName : undefined);
  return {
    tsMs,
    cluster: getString(src, f.cluster) ?? '',
    namespace: getString(src, 'involvedObject.namespace') ?? getString(src, 'metadata.namespace') ?? '',
    involvedKind,
    involvedName,
    ...(node ? { node } : {}),
    reason,
    type: getString(src, 'type') === 'Warning' ? 'Warning' : 'Normal',
    message: getString(src, 'message') ?? getString(src, 'note') ?? '',
    count: countOf(src),
  };
}

/** `count` (core/v1) or `series.count` (events.k8s.io); at least 1. */
function countOf(src: unknown): number {
  const n = Number(getField(src, 'count') ?? getField(src, 'series.count') ?? 1);
  return Number.isFinite(n) && n >= 1 ? Math.floor(n) : 1;
}
