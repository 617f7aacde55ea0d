import { describe, expect, it } from 'vitest';
import type { ProposalRow } from '../../../src/adapters/store/types.js';
import { recentOperationsFrom } from '../../../src/remediation/guardrails/index.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');
const HOUR = 3_600_000;

function row(id: string, state: ProposalRow['state'], updatedAgoH: number, target: Record<string, unknown> = { cluster: 'c1', kind: 'Deployment', namespace: 'shop', name: 'web' }): ProposalRow {
  return {
    id, groupId: 'g', operation: 'rollback-revision', cluster: 'c1', target, params: {}, risk: 'high', state,
    createdAtMs: NOW - updatedAgoH * HOUR - 60_000, expiresAtMs: NOW, updatedAtMs: NOW - updatedAgoH * HOUR,
  };
}

describe('recentOperationsFrom', () => {
  it('keeps operations (not open proposals) of the repeat window, every executing one, with the object each changed', () => {
    const rows = [
      row('ran-2h', 'succeeded', 2), row('ran-23h', 'succeeded', 23), row('ran-25h', 'succeeded', 25), row('running-30h', 'executing', 30),
      row('failed-1h', 'failed', 1), row('proposed', 'proposed', 0), row('approved', 'approved', 0), row('node', 'succeeded', 1, { cluster: 'c1', kind: 'Node', name: 'n1' }),
      row('no-kind', 'succeeded', 1, { cluster: 'c1' }),
    ];

    const ops = recentOperationsFrom(rows, NOW);

    expect(ops.map((o) => o.operationId)).toEqual(['ran-2h', 'ran-23h', 'running-30h', 'failed-1h', 'node', 'no-kind']);
    expect(ops[0]).toEqual({ operationId: 'ran-2h', operation: 'rollback-revision', cluster: 'c1', startedAtMs: NOW - 2 * HOUR, state: 'succeeded', target: { kind: 'Deployment', namespace: 'shop', name: 'web' } });
    expect(ops.find((o) => o.operationId === 'node')?.target).toEqual({ kind: 'Node', namespace: undefined, name: 'n1' });
    expect(ops.find((o) => o.operationId === 'no-kind')?.target).toBeUndefined();
  });

  it('looks back the configured repeat window, and never less than the hour the rate limits need', () => {
    const rows = [row('ran-30min', 'succeeded', 0.5), row('ran-2h', 'succeeded', 2), row('ran-5h', 'succeeded', 5)];

    expect(recentOperationsFrom(rows, NOW, { repeatWindowHours: 3 }).map((o) => o.operationId)).toEqual(['ran-30min', 'ran-2h']);
    expect(recentOperationsFrom(rows, NOW, { repeatWindowHours: 0.25 }).map((o) => o.operationId)).toEqual(['ran-30min']);
  });
});
