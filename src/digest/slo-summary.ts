import type { AnomalyRow } from '../adapters/store/types.js';
import { compareText } from '../core/compare-text.js';

/** One row of the SLO and error-budget table: a signal of a component over the day. */
export interface SloSummaryRow {
  signal: string;
  component: string;
  slo?: number;
  clustersDipped: number;
  dips: number;
  /** Lowest availability seen in any dip, and where. */
  worstAvailability?: number;
  worstCluster?: string;
  /** Largest share of a cluster's 30-day error budget burned by the day's dips (summed per cluster; only the part of a dip inside the day). */
  maxBudgetBurnedFraction: number;
  maxBudgetCluster?: string;
}

const num = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);

/**
 * The share of a dip's budget burn that falls in the window: a dip crossing midnight (or still open
 * when the day ended) burned only part of its budget that day, and the next day's digest reports the
 * rest. The burn is stored per dip, so it is split by time, as if it burned evenly.
 */
function burnInWindow(f: AnomalyRow, burned: number, window?: { startMs: number; endMs: number }): number {
  if (!window || f.endMs <= f.startMs) return burned;
  const inside = Math.min(f.endMs, window.endMs) - Math.max(f.startMs, window.startMs);
  return burned * Math.max(0, Math.min(1, inside / (f.endMs - f.startMs)));
}

/**
 * Summarises the day's dip findings per (signal, component), worst budget burn first. Pure. With
 * `window`, only the part of each dip's burn inside it counts (see `burnInWindow`).
 */
export function summariseSlo(findings: readonly AnomalyRow[], window?: { startMs: number; endMs: number }): SloSummaryRow[] {
  const rows = new Map<string, SloSummaryRow & { burnByCluster: Map<string, number> }>();
  for (const f of findings) {
    if (f.kind !== 'dip') continue;
    const key = `${f.signal}\u0000${f.component}`;
    type Acc = SloSummaryRow & { burnByCluster: Map<string, number> };
    const row: Acc = rows.get(key) ?? { signal: f.signal, component: f.component, clustersDipped: 0, dips: 0, maxBudgetBurnedFraction: 0, burnByCluster: new Map() };
    rows.set(key, row);
    row.dips += 1;
    row.slo ??= num(f.details.slo);
    const min = num(f.details.minAvailability);
    if (min !== undefined && (row.worstAvailability === undefined || min < row.worstAvailability)) {
      row.worstAvailability = min;
      row.worstCluster = f.cluster;
    }
    row.burnByCluster.set(f.cluster, (row.burnByCluster.get(f.cluster) ?? 0) + burnInWindow(f, num(f.details.budgetBurnedFraction) ?? 0, window));
  }
  return [...rows.values()].map(({ burnByCluster, ...row }) => {
    const [cluster, burned] = [...burnByCluster].reduce((best, cur) => (cur[1] > best[1] ? cur : best), ['', -1] as [string, number]);
    return { ...row, clustersDipped: burnByCluster.size, maxBudgetBurnedFraction: Math.max(0, burned), maxBudgetCluster: cluster || undefined };
  }).sort((a, b) => b.maxBudgetBurnedFraction - a.maxBudgetBurnedFraction || compareText(a.signal, b.signal) || compareText(a.component, b.component));
}
