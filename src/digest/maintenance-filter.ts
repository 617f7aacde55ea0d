import type { ChangeSource } from '../adapters/changes/types.js';
import type { AnomalyRow } from '../adapters/store/types.js';
import { insideMaintenance, maintenanceWindows } from '../correlate/index.js';

/** How far before a finding a declared maintenance window may have started and still cover it. */
const WINDOW_LOOKBACK_MS = 24 * 3_600_000;

export interface MaintenanceFilterResult {
  kept: AnomalyRow[];
  /** Findings a declared maintenance window explains (expected): not grouped, counted or summarised. */
  suppressed: number;
}

/**
 * Drops the findings that declared maintenance windows (changes of kind `maintenance` on the
 * finding's cluster) explain, so an expected dip neither becomes an incident group nor burns the
 * day's budget table. A failing change source is recorded with `fail('changes:maintenance', err)`
 * and every finding is kept: an unexplained dip is reported rather than hidden.
 */
export async function withoutMaintenance(findings: AnomalyRow[], changes: ChangeSource, opts: { endMs: number; signal?: AbortSignal; fail(part: string, err: unknown): void }): Promise<MaintenanceFilterResult> {
  if (findings.length === 0) return { kept: findings, suppressed: 0 };
  const clusters = [...new Set(findings.map((f) => f.cluster))].sort();
  const startMs = findings.reduce((m, f) => Math.min(m, f.startMs), Infinity) - WINDOW_LOOKBACK_MS;
  try {
    const windows = maintenanceWindows(await changes.listChanges({ clusters, startMs, endMs: opts.endMs, abortSignal: opts.signal }));
    const kept = findings.filter((f) => !insideMaintenance(f, windows));
    return { kept, suppressed: findings.length - kept.length };
  } catch (err) {
    opts.signal?.throwIfAborted();
    opts.fail('changes:maintenance', err);
    return { kept: findings, suppressed: 0 };
  }
}
