import type { AnomalyRow } from '../../adapters/store/types.js';
import type { IncidentGroup } from '../../correlate/incident-group.js';
import { iso, type EvidenceDraft } from './evidence-row.js';

function direction(f: AnomalyRow): 'up' | 'down' | 'absent' {
  if (f.kind === 'missing-data') return 'absent';
  if (f.details.direction === 'up' || f.details.direction === 'down') return f.details.direction;
  return f.signal === 'availability' || f.signal === 'request_rate' ? 'down' : 'up';
}

/** The scan findings of the group, summarised per component × signal × kind: the symptoms to explain. */
export function findingEvidence(group: IncidentGroup): EvidenceDraft[] {
  const by = new Map<string, AnomalyRow[]>();
  for (const f of group.findings) {
    if (f.kind === 'level-shift' || (f.kind === 'anomaly' && f.severity === 'info')) continue;
    const key = `${f.component}\u0000${f.signal}\u0000${f.kind}`;
    // appended in place: copying the list per finding made a fleet-wide group's summary O(n²)
    const rows = by.get(key);
    if (rows) rows.push(f);
    else by.set(key, [f]);
  }
  return [...by.values()].map((rows) => {
    const f = rows[0];
    const clusters = [...new Set(rows.map((r) => r.cluster))].sort();
    const startMs = Math.min(...rows.map((r) => r.startMs));
    const endMs = Math.max(...rows.map((r) => r.endMs));
    const worst = rows.some((r) => r.severity === 'critical') ? 'critical' : 'warning';
    return {
      source: 'metrics' as const, query: `fleet-scan findings: ${f.kind} of ${f.component} ${f.signal}`, startMs, endMs,
      excerpt: `${f.kind} of ${f.component} ${f.signal} (${direction(f)}, ${worst}) on ${clusters.length} cluster(s) (${clusters.slice(0, 3).join(', ')}) from ${iso(startMs)}`,
      data: { fact: 'finding-summary', component: f.component, signal: f.signal, kind: f.kind, direction: direction(f), clusters, findingIds: rows.map((r) => r.id).sort().slice(0, 50) },
    };
  });
}
