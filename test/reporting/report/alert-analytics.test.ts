import { describe, expect, it } from 'vitest';
import type { AlertEpisode } from '../../../src/adapters/alerts/types.js';
import { analyseAlerts, median } from '../../../src/reporting/report/alert-analytics.js';

const H = 3_600_000;
const DAY = 24 * H;
const START = Date.UTC(2026, 10, 23, 9); // Mon 23 Nov 2026 09:00 UTC
const week = {
  startMs: START, endMs: START + 7 * DAY, previous: { startMs: START - 7 * DAY, endMs: START },
  days: Array.from({ length: 7 }, (_, i) => ({ date: `2026-11-${23 + i}`, startMs: START + i * DAY, endMs: START + (i + 1) * DAY })), timeZone: 'UTC',
};

function ep(alertname: string, cluster: string, startH: number, minutes: number, severity = 'warning', labels: Record<string, string> = {}): AlertEpisode {
  return { alertname, cluster, severity, labels, startMs: START + startH * H, endMs: START + startH * H + minutes * 60_000 };
}

// KubeJobFailed flaps on c1 (4 cycles) and fires once on c2; CoreDNSDown fires twice on two clusters (critical);
// CPUThrottlingHigh fires once. Last week: KubeJobFailed twice, CoreDNSDown once, DiskFull once.
const current = [
  ep('KubeJobFailed', 'c1', 1, 10), ep('KubeJobFailed', 'c1', 2, 20), ep('KubeJobFailed', 'c1', 30, 10), ep('KubeJobFailed', 'c1', 50, 30),
  ep('KubeJobFailed', 'c2', 26, 10),
  ep('CoreDNSDown', 'c3', 5, 60, 'critical'), ep('CoreDNSDown', 'c4', 30, 120, 'critical'),
  ep('CPUThrottlingHigh', 'c1', 100, 15, 'info'),
];
const previous = [ep('KubeJobFailed', 'c1', -100, 10), ep('KubeJobFailed', 'c1', -90, 10), ep('CoreDNSDown', 'c3', -20, 30, 'critical'), ep('DiskFull', 'c9', -5, 30)];

describe('analyseAlerts', () => {
  const a = analyseAlerts({ current, previous, week, topN: 2, flappingMinCycles: 3 });

  it('counts the week and the change on last week', () => {
    expect(a.total).toBe(8);
    expect(a.previousTotal).toBe(4);
    expect(a.changePct).toBe(100);
    expect(a.clustersAffected).toBe(4);
  });

  it('ranks the noisiest rules, with last week and the worst severity', () => {
    expect(a.noisiest.map((r) => [r.alertname, r.episodes, r.previousEpisodes, r.clusters])).toEqual([
      ['KubeJobFailed', 5, 2, 2],
      ['CoreDNSDown', 2, 1, 2],
    ]);
    expect(a.rules.map((r) => r.alertname)).toEqual(['KubeJobFailed', 'CoreDNSDown', 'CPUThrottlingHigh']);
    expect(a.rules[1]).toMatchObject({ severity: 'critical', medianMinutes: 90, firingMinutes: 180 });
  });

  it('finds the flapping label set and its fire/resolve cycles', () => {
    expect(a.flapping).toEqual([{ alertname: 'KubeJobFailed', cluster: 'c1', labels: {}, cycles: 4, medianMinutes: 15 }]);
  });

  it('buckets episodes by rotation day, with last week shifted onto the same days', () => {
    expect(a.byDay.map((d) => d.total)).toEqual([3, 3, 1, 0, 1, 0, 0]);
    expect(a.byDay[0].bySeverity).toEqual({ warning: 2, critical: 1 });
    expect(a.byDay.map((d) => d.previous)).toEqual([0, 0, 1, 1, 0, 0, 2]);
    expect(a.byDay.reduce((s, d) => s + d.total, 0)).toBe(a.total);
  });

  it('orders severities critical first and clusters by count', () => {
    expect(a.bySeverity).toEqual([{ severity: 'critical', episodes: 2 }, { severity: 'warning', episodes: 5 }, { severity: 'info', episodes: 1 }]);
    expect(a.byCluster[0]).toEqual({ cluster: 'c1', episodes: 5 });
  });

  it.each([
    ['labels make separate series', [ep('A', 'c1', 1, 5, 'warning', { pod: 'x' }), ep('A', 'c1', 2, 5, 'warning', { pod: 'y' }), ep('A', 'c1', 3, 5, 'warning', { pod: 'x' })], 0],
    ['one label set three times', [ep('A', 'c1', 1, 5), ep('A', 'c1', 2, 5), ep('A', 'c1', 3, 5)], 1],
  ])('flapping: %s', (_name, eps, expected) => {
    expect(analyseAlerts({ current: eps, previous: [], week, topN: 5, flappingMinCycles: 3 }).flapping).toHaveLength(expected);
  });

  it('leaves the change undefined without last week, and ignores episodes outside the week', () => {
    const r = analyseAlerts({ current: [ep('A', 'c1', -1, 5), ep('A', 'c1', 1, 5), ep('A', 'c1', 7 * 24, 5)], previous: [], week, topN: 5, flappingMinCycles: 3 });

    expect(r.total).toBe(1);
    expect(r.changePct).toBeUndefined();
  });

  it.each([[[], 0], [[3], 3], [[1, 9, 5], 5], [[4, 1, 3, 2], 2.5]])('median of %j is %d', (values, expected) => {
    expect(median(values)).toBe(expected);
  });
});
