/** A weekly report of a bad week at fleet scale: many incident groups (a few on many clusters) and open threads. */
import type { IncidentGroupRow, RcaRow } from '../../../src/adapters/store/types.js';
import { resolveReportWeek } from '../../../src/report/report-week.js';
import type { ThreadSummary } from '../../../src/reporting/report/oncall-threads.js';
import { buildWeeklyReport, type WeeklyReport } from '../../../src/reporting/report/weekly-report.js';

export const week = resolveReportWeek({ weekday: 'monday', time: '09:00', timeZone: 'UTC' }, Date.UTC(2026, 11, 1), '2026-11-23');

/**
 * Every `wideEvery`-th incident is on 40 clusters, the others on one; a quarter are inconclusive. With
 * `notAnalysedEvery`, every such single-cluster incident is one the digest listed past its analysis budget (no RCA).
 */
export function largeWeek(opts: { incidents: number; openThreads?: number; wideEvery?: number; notAnalysedEvery?: number }): WeeklyReport {
  const wideEvery = opts.wideEvery ?? 50;
  const notAnalysed = (i: number) => opts.notAnalysedEvery !== undefined && i % wideEvery !== 0 && i % opts.notAnalysedEvery === 0;
  const incidents: IncidentGroupRow[] = Array.from({ length: opts.incidents }, (_, i) => ({
    id: `ig-${i.toString(16).padStart(16, '0')}`, runId: 'run-1', day: '2026-11-24', title: `coredns availability on ${i % wideEvery === 0 ? '40 clusters' : `c-${String(i).padStart(5, '0')}`}`,
    startMs: week.startMs + i * 1_000, endMs: week.startMs + i * 1_000 + 600_000,
    clusters: Array.from({ length: i % wideEvery === 0 ? 40 : 1 }, (_, c) => `c-${String(i + c).padStart(5, '0')}`), anomalyIds: [],
    attributes: notAnalysed(i) ? { notAnalysed: { maxAnalysedGroups: 200 } } : {},
  }));
  const rcas = new Map<string, RcaRow>(incidents.flatMap((g, i) => notAnalysed(i) ? [] : [[g.id, {
    groupId: g.id, runId: 'run-1', engine: 'template', verdict: i % 4 === 3 ? 'inconclusive' : 'root-cause', createdAtMs: 0,
    body: { narrative: { rootCause: { statement: `coredns.bad-rollout — Deployment kube-system/coredns in c-${String(i).padStart(5, '0')}.` } } },
  } satisfies RcaRow] as const]));
  const threads: ThreadSummary[] = Array.from({ length: opts.openThreads ?? 0 }, (_, i) => ({
    ts: String(week.startMs / 1000 + i * 60), title: `[FIRING:1] KubePodCrashLooping on c-${String(i).padStart(5, '0')}: pods of team-${i % 40} restart every few minutes since the node pool upgrade`,
    human: true, responders: ['UALICE', 'UBOB'], replies: 3, resolved: false, alertnames: [],
  }));
  return buildWeeklyReport({
    week, generatedAtMs: week.endMs, unavailable: [], episodes: { current: [], previous: [] }, incidents, rcas, threads,
    options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } },
  });
}
