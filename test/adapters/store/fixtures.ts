import type { Store, AnomalyRow, EvidenceRow, ProposalRow } from '../../../src/adapters/store/types.js';

/** What a store test needs from one backend. Targets are file paths (SQLite) or URLs (PostgreSQL). */
export interface StoreHarness {
  kind: 'sqlite' | 'postgres';
  /** A fresh, empty, unmigrated database. */
  newTarget(): Promise<string>;
  open(target: string): Promise<Store>;
  /** Raw SQL around the store (and its guarantees), for inspecting and tampering. */
  raw(target: string, sql: string): Promise<Record<string, unknown>[]>;
}

/** Proposals the concurrent writers race to claim. */
export const CLAIMS = 50;

export const T0 = Date.UTC(2026, 10, 29, 12, 0, 0);

export function anomaly(id: string, over: Partial<AnomalyRow> = {}): AnomalyRow {
  return {
    id, runId: 'run-1', cluster: 'eu-1', component: 'api', signal: 'availability', kind: 'dip', severity: 'warning',
    startMs: T0, endMs: T0 + 60_000, score: 4.5, details: { baseline: 0.999, observed: 0.97, tags: ['a', 'b'] },
    ...over,
  };
}

export function evidence(id: string, over: Partial<EvidenceRow> = {}): EvidenceRow {
  return {
    id, groupId: 'g-1', source: 'metrics', query: 'up{job="api"}', startMs: T0, endMs: T0 + 60_000,
    excerpt: 'availability fell to 97%', data: { points: [1, 0.97], nested: { z: 1, a: 2 } }, createdAtMs: T0,
    ...over,
  };
}

export function proposal(id: string, over: Partial<ProposalRow> = {}): ProposalRow {
  return {
    id, groupId: 'g-1', operation: 'rollout-restart', cluster: 'eu-1',
    target: { namespace: 'shop', deployment: 'api' }, params: { maxUnavailable: 1 }, risk: 'low', state: 'approved',
    createdAtMs: T0, expiresAtMs: T0 + 3_600_000, updatedAtMs: T0,
    ...over,
  };
}
