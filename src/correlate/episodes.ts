import type { AnomalyRow } from '../adapters/store/types.js';
import { compareText } from '../core/compare-text.js';

/** One cluster's overlapping severe findings: the unit correlation groups. */
export interface Episode {
  cluster: string;
  startMs: number;
  endMs: number;
  findings: AnomalyRow[];
}

/**
 * Severe findings seed incidents: SLO dips, missing data and warning+ anomalies. Peer outliers and
 * info findings never seed a group (they are common and mostly benign), they only join one.
 */
export function isSeed(f: AnomalyRow): boolean {
  if (f.kind === 'dip' || f.kind === 'missing-data') return true;
  return f.kind !== 'peer-outlier' && f.severity !== 'info';
}

/** How long after a maintenance window a finding that began inside it may last and still be expected (recovery). */
export const MAINTENANCE_GRACE_MS = 30 * 60_000;

/**
 * A finding the declared maintenance explains: it starts inside a window of its cluster and is over
 * by the window's end (plus a short recovery grace). One that outlasts the window is not expected:
 * the maintenance may have broken something, and it is kept.
 */
export function insideMaintenance(f: AnomalyRow, windows: { cluster: string; startMs: number; endMs: number }[]): boolean {
  return windows.some((w) => w.cluster === f.cluster && f.startMs >= w.startMs && f.startMs < w.endMs && f.endMs <= w.endMs + MAINTENANCE_GRACE_MS);
}

/** Per cluster, merge seed findings that overlap or lie within `gapMs` of each other. */
export function buildEpisodes(seeds: AnomalyRow[], gapMs: number): Episode[] {
  const byCluster = new Map<string, AnomalyRow[]>();
  for (const f of seeds) {
    const rows = byCluster.get(f.cluster);
    if (rows) rows.push(f);
    else byCluster.set(f.cluster, [f]);
  }
  const out: Episode[] = [];
  for (const [cluster, rows] of byCluster) {
    rows.sort((a, b) => a.startMs - b.startMs || compareText(a.id, b.id));
    let cur: Episode | undefined;
    for (const f of rows) {
      if (cur && f.startMs <= cur.endMs + gapMs) {
        cur.endMs = Math.max(cur.endMs, f.endMs);
        cur.findings.push(f);
        continue;
      }
      cur = { cluster, startMs: f.startMs, endMs: f.endMs, findings: [f] };
      out.push(cur);
    }
  }
  return out.sort((a, b) => a.startMs - b.startMs || compareText(a.cluster, b.cluster));
}

/** Chain episodes whose onsets follow each other within `gapMs`: candidates for one incident. */
export function onsetBuckets(episodes: Episode[], gapMs: number): Episode[][] {
  const out: Episode[][] = [];
  let last = -Infinity;
  for (const e of episodes) {
    if (e.startMs - last > gapMs || out.length === 0) out.push([]);
    out[out.length - 1].push(e);
    last = e.startMs;
  }
  return out;
}
