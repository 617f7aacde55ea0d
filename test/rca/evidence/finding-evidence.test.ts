import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../../src/adapters/store/types.js';
import type { IncidentGroup } from '../../../src/correlate/incident-group.js';
import { findingEvidence } from '../../../src/rca/evidence/finding-evidence.js';

const T0 = Date.UTC(2026, 10, 30, 10);

function finding(i: number, extra: Partial<AnomalyRow> = {}): AnomalyRow {
  return { id: `an-${String(i).padStart(6, '0')}`, runId: 'r', cluster: `c-${String(i % 7000).padStart(5, '0')}`, component: 'ingress-gateway', signal: 'availability', kind: 'dip', severity: 'warning', startMs: T0 + i * 1000, endMs: T0 + i * 1000 + 600_000, score: 1, details: {}, ...extra };
}

const groupOf = (findings: AnomalyRow[]) => ({ findings }) as IncidentGroup;

describe('findingEvidence', () => {
  it('summarises per component × signal × kind in first-seen order, skipping level shifts and info anomalies', () => {
    const findings = [
      finding(3, { signal: 'error_ratio', details: { direction: 'up' } }), finding(1), finding(2, { kind: 'level-shift' }), finding(4, { severity: 'critical' }),
      finding(5, { kind: 'anomaly', severity: 'info' }), finding(0, { signal: 'error_ratio', cluster: 'c-99999' }),
    ];

    const rows = findingEvidence(groupOf(findings));

    expect(rows.map((r) => [r.excerpt, r.startMs - T0, r.endMs - T0, r.data.clusters, r.data.findingIds])).toEqual([
      ['dip of ingress-gateway error_ratio (up, warning) on 2 cluster(s) (c-00003, c-99999) from 2026-11-30T10:00Z', 0, 603_000, ['c-00003', 'c-99999'], ['an-000000', 'an-000003']],
      ['dip of ingress-gateway availability (down, critical) on 2 cluster(s) (c-00001, c-00004) from 2026-11-30T10:00Z', 1000, 604_000, ['c-00001', 'c-00004'], ['an-000001', 'an-000004']],
    ]);
  });

  it('summarises a fleet-wide group of 40,000 findings, capping the ids it lists', () => {
    const findings = Array.from({ length: 40_000 }, (_, i) => finding(i, { signal: i % 2 ? 'availability' : 'error_ratio' }));

    const rows = findingEvidence(groupOf(findings));

    expect(rows.map((r) => [r.data.signal, (r.data.clusters as string[]).length, (r.data.findingIds as string[]).length])).toEqual([['error_ratio', 3500, 50], ['availability', 3500, 50]]);
  });
});
