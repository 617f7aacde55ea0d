import { describe, expect, it } from 'vitest';
import { resolveDigestWindow } from '../../src/digest/digest-window.js';
import { summariseSlo } from '../../src/digest/slo-summary.js';
import type { AnomalyRow } from '../../src/adapters/store/types.js';

describe('resolveDigestWindow', () => {
  it.each([
    { day: '2026-11-29', endMs: 0, want: { day: '2026-11-29', startMs: Date.UTC(2026, 10, 29), endMs: Date.UTC(2026, 10, 30) } },
    // without --day: the last whole UTC day, the same window as `--day` for that date
    { day: undefined, endMs: Date.UTC(2026, 10, 30, 6), want: { day: '2026-11-29', startMs: Date.UTC(2026, 10, 29), endMs: Date.UTC(2026, 10, 30) } },
    { day: undefined, endMs: Date.UTC(2026, 10, 30, 23, 59), want: { day: '2026-11-29', startMs: Date.UTC(2026, 10, 29), endMs: Date.UTC(2026, 10, 30) } },
    { day: undefined, endMs: Date.UTC(2026, 10, 30), want: { day: '2026-11-29', startMs: Date.UTC(2026, 10, 29), endMs: Date.UTC(2026, 10, 30) } },
  ])('$day ending $endMs', ({ day, endMs, want }) => {
    expect(resolveDigestWindow(day, endMs)).toEqual(want);
  });

  it.each(['2026-2-3', '2026-02-30', 'yesterday', '2026-13-01'])('rejects %s naming the flag', (day) => {
    expect(() => resolveDigestWindow(day, 0)).toThrow(/--day: expected a calendar date YYYY-MM-DD/);
  });
});

describe('summariseSlo', () => {
  const dip = (cluster: string, component: string, min: number, burned: number): AnomalyRow => ({
    id: `${cluster}-${component}-${min}`, runId: 'r', cluster, component, signal: 'availability', kind: 'dip', severity: 'critical', startMs: 0, endMs: 1, score: 1,
    details: { slo: 0.999, minAvailability: min, budgetBurnedFraction: burned },
  });

  it('gives worst availability and the largest per-cluster budget burn, worst burn first', () => {
    const rows = summariseSlo([dip('a', 'coredns', 0.99, 0.1), dip('a', 'coredns', 0.98, 0.15), dip('b', 'coredns', 0.95, 0.2), dip('a', 'ingress-gateway', 0.9, 0.01)]);

    expect(rows.map((r) => [r.component, r.clustersDipped, r.dips, r.worstAvailability, r.worstCluster, r.maxBudgetBurnedFraction, r.maxBudgetCluster])).toEqual([
      ['coredns', 2, 3, 0.95, 'b', 0.25, 'a'],
      ['ingress-gateway', 1, 1, 0.9, 'a', 0.01, 'a'],
    ]);
  });
});
