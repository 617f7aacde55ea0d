import { iso, type EvidenceDraft } from './evidence-row.js';

export type UnconfiguredSource = 'logs' | 'events' | 'changes';

const WHAT: Record<UnconfiguredSource, { read: string; unknown: string }> = {
  logs: { read: 'log lines', unknown: 'whether they logged errors' },
  events: { read: 'Kubernetes events', unknown: 'whether they recorded warnings (evictions, restarts, failed mounts)' },
  changes: { read: 'deploys or config changes', unknown: 'whether anything was deployed or reconfigured before the onset' },
};

/**
 * The one row for a source whose kind is `none`: it was not read, so a narrative citing it says the
 * source is not configured, never that it showed nothing. Same query window as the source's own rows.
 */
export function notConfiguredEvidence(source: UnconfiguredSource, clusters: readonly string[], startMs: number, endMs: number): EvidenceDraft {
  const field = `${source}.kind`;
  const where = clusters.length <= 3 ? clusters.join(', ') : `${clusters.length} affected clusters`;
  return {
    source, query: `${source} of ${where} in [${iso(startMs)}, ${iso(endMs)}): not read, ${field} is none`, startMs, endMs,
    excerpt: `${source} not configured (${field}: none): no ${WHAT[source].read} of ${where} were read, so ${WHAT[source].unknown} is unknown`,
    data: { fact: 'source-not-configured', source, field, clusters: clusters.slice(0, 50) },
  };
}
