import type { Change } from '../adapters/changes/types.js';

/** Declared maintenance windows from the change source, for `correlate(…, { maintenance })`. */
export function maintenanceWindows(changes: Change[]): { cluster: string; startMs: number; endMs: number }[] {
  return changes.filter((c) => c.kind === 'maintenance').map((c) => ({ cluster: c.cluster, startMs: c.tsMs, endMs: c.endMs ?? c.tsMs }));
}
