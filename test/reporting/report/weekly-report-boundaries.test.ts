/**
 * Store rows that cross a handoff: the store lists incident groups and scan findings overlapping the
 * week (an end exactly at the week's start included), so each must be counted in the week it started,
 * like alert episodes, or it shows (and its RCA's toil counts) in two weekly reports.
 */
import { describe, expect, it } from 'vitest';
import type { AnomalyRow, IncidentGroupRow, RcaRow } from '../../../src/adapters/store/types.js';
import { resolveReportWeek } from '../../../src/report/report-week.js';
import { buildWeeklyReport } from '../../../src/reporting/report/weekly-report.js';

const H = 3_600_000;
const handoff = { weekday: 'monday', time: '09:00', timeZone: 'Europe/Berlin' } as const;
const earlier = resolveReportWeek(handoff, Date.UTC(2026, 11, 1), '2026-11-16');
const later = resolveReportWeek(handoff, Date.UTC(2026, 11, 1), '2026-11-23');
const HANDOFF = later.startMs; // Mon 23 Nov 2026 09:00 Berlin

const group = (id: string, startMs: number, endMs: number): IncidentGroupRow => ({ id, runId: 'r1', day: '2026-11-23', title: id, startMs, endMs, clusters: ['c1'], anomalyIds: [], attributes: {} });
const finding = (id: string, startMs: number, endMs: number): AnomalyRow => ({ id, runId: 'r1', cluster: 'c1', component: 'coredns', signal: 'error_ratio', kind: 'dip', severity: 'critical', startMs, endMs, score: 1, details: {} });
const rca = (groupId: string): RcaRow => ({ groupId, runId: 'r1', engine: 'template', verdict: 'inconclusive', body: {}, createdAtMs: HANDOFF });

// across: 07:00–11:00 over the handoff; endsAtHandoff: 07:00–09:00, over before the later week starts.
const incidents = [group('across', HANDOFF - 2 * H, HANDOFF + 2 * H), group('endsAtHandoff', HANDOFF - 2 * H, HANDOFF)];
const findings = [finding('f-across', HANDOFF - H, HANDOFF + H), finding('f-ends', HANDOFF - H, HANDOFF)];
// an alert on the incident's cluster right after the handoff, while the incident still lasts
const episode = { alertname: 'CoreDNSErrors', cluster: 'c1', severity: 'warning', labels: {}, startMs: HANDOFF + H, endMs: HANDOFF + H + 600_000 };

const build = (week: typeof later) => buildWeeklyReport({
  week, generatedAtMs: Date.UTC(2026, 11, 1), unavailable: [], incidents, findings, rcas: new Map(incidents.map((g) => [g.id, rca(g.id)])),
  episodes: { current: [episode], previous: [] },
  options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } },
});

describe('buildWeeklyReport: incidents and findings crossing the handoff', () => {
  it('lists an incident, and counts its RCA, only in the week it started', () => {
    const [a, b] = [build(earlier), build(later)];

    expect(a.incidents?.map((i) => i.id)).toEqual(['across', 'endsAtHandoff']);
    expect(b.incidents).toEqual([]);
    expect([a.toil.items[1].count, b.toil.items[1].count]).toEqual([2, 0]);
  });

  it('still counts an alert of the later week during an incident started before it as grouped', () => {
    expect(build(later)).toMatchObject({ groupedAlerts: 1, tuningCandidates: [] });
  });

  it('counts a scan finding only in the week it started', () => {
    expect([build(earlier).findings?.total, build(later).findings?.total]).toEqual([2, 0]);
  });
});
