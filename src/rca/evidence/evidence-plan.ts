import type { IncidentGroup } from '../../correlate/incident-group.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Time windows and the bounded cluster sample every collector of one group uses. */
export interface EvidencePlan {
  onsetMs: number;
  /** Baseline: ends an hour before onset, since some causes (a disk filling) ramp up before it. */
  before: { startMs: number; endMs: number };
  during: { startMs: number; endMs: number };
  /** At most `maxSampled` clusters, earliest onset first: drill-downs stay bounded for fleet-wide groups. */
  sampled: string[];
  /** First severe finding per cluster: each cluster's own onset (rollouts reach clusters in waves). */
  clusterOnsetMs: Map<string, number>;
}

export function evidencePlan(group: IncidentGroup, nowMs: number, maxSampled = 3): EvidencePlan {
  const clusterOnsetMs = new Map<string, number>();
  for (const f of group.findings) {
    if (f.kind === 'peer-outlier' || f.severity === 'info') continue;
    clusterOnsetMs.set(f.cluster, Math.min(clusterOnsetMs.get(f.cluster) ?? Infinity, f.startMs));
  }
  for (const c of group.clusters) if (!clusterOnsetMs.has(c)) clusterOnsetMs.set(c, group.startMs);
  const onsetMs = group.startMs;
  const sampled = [...clusterOnsetMs].sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0])).slice(0, maxSampled).map(([c]) => c);
  const duringEnd = Math.max(onsetMs + 10 * MIN, Math.min(group.endMs, onsetMs + 2 * HOUR, nowMs));
  return { onsetMs, before: { startMs: onsetMs - 3 * HOUR, endMs: onsetMs - HOUR }, during: { startMs: onsetMs, endMs: duringEnd }, sampled, clusterOnsetMs };
}
