/**
 * Every claim the weekly report makes is backed by what was read: counts by what happened (a
 * recovered proposal ran nothing), no "nobody acted on it" without the threads, cut lists say they
 * are cut, and an empty or partly read week does not read as a quiet one.
 */
import { describe, expect, it } from 'vitest';
import type { AlertEpisode } from '../../../src/adapters/alerts/types.js';
import type { ChatMessage } from '../../../src/adapters/chat/types.js';
import type { FeedbackRow, ProposalRow, ProposalState } from '../../../src/adapters/store/types.js';
import { resolveReportWeek } from '../../../src/report/report-week.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { alertTrendSvg } from '../../../src/reporting/report/alert-trend-chart.js';
import { highlightFacts, templateHighlights } from '../../../src/reporting/report/highlights.js';
import { summariseThread } from '../../../src/reporting/report/oncall-threads.js';
import { reportDocModel } from '../../../src/reporting/report/report-doc.js';
import { reportSlackMessage } from '../../../src/reporting/report/report-slack.js';
import { buildWeeklyReport, type FiringAlert, type WeeklyReportInput } from '../../../src/reporting/report/weekly-report.js';

const week = resolveReportWeek({ weekday: 'monday', time: '09:00', timeZone: 'UTC' }, Date.UTC(2026, 11, 1), '2026-11-23');
const T0 = week.startMs + 3_600_000;
const ep = (alertname: string, cluster: string, i: number): AlertEpisode => ({ alertname, cluster, severity: 'warning', labels: {}, startMs: T0 + i * 3_600_000, endMs: T0 + i * 3_600_000 + 600_000 });
const rules = { resolutionReaction: 'white_check_mark', resolutionWords: ['resolved'], alertnames: [] };
const build = (over: Partial<WeeklyReportInput>) => buildWeeklyReport({
  week, generatedAtMs: Date.UTC(2026, 11, 1), unavailable: [], episodes: { current: [], previous: [] }, threads: [], incidents: [],
  options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } }, ...over,
});
const render = (r: ReturnType<typeof build>) => {
  const highlights = { text: templateHighlights(r), source: 'template' as const };
  return { md: renderMarkdown(reportDocModel(r, highlights, '<svg/>')), slack: JSON.stringify(reportSlackMessage(r, highlights, 'https://docs.example/d/1').blocks), highlights: highlights.text };
};
const proposal = (id: string, state: ProposalState): ProposalRow => ({
  id, groupId: 'g1', operation: 'rollout-restart', cluster: 'c1', target: {}, params: {}, risk: 'low', state, createdAtMs: T0, expiresAtMs: T0 + 3_600_000, updatedAtMs: T0,
});

describe('weekly report remediation figures', () => {
  it('counts a proposal closed as recovered as approved but not executed, and saves no remediation toil for it', () => {
    const r = build({ proposals: [proposal('p1', 'succeeded'), proposal('p2', 'recovered')] });

    const { md } = render(r);

    expect(r.remediation).toMatchObject({ proposed: 2, approved: 2, executed: 1, verified: 1, recovered: 1 });
    expect(r.toil.formula).toContain('1 remediation executed × 20 min');
    expect(md).toContain('| Proposed | Approved | Rejected | Expired | Executed | Verified | Failed | Rolled back | Recovered, not run |\n| --- | --- | --- | --- | --- | --- | --- | --- | --- |\n| 2 | 2 | 0 | 0 | 1 | 1 | 0 | 0 | 1 |');
  });
});

describe('weekly report tuning candidates', () => {
  const episodes = { current: [ep('KubeJobFailed', 'c1', 0)], previous: [] };

  it('claims nobody acted on an alert only when the on-call threads were read', () => {
    const r = build({ episodes, threads: undefined, unavailable: ['source:oncall-threads'] });

    const { md } = render(r);

    expect(r.tuningCandidates).toEqual([]);
    expect(md).toContain('### Tuning candidates: alerts nobody acted on\n\nUnavailable: the on-call threads could not be read');
    expect(md).not.toMatch(/never mentioned|Every alert that fired/);
  });

  it('does not claim an alert was never grouped into an incident when the incident groups could not be read', () => {
    const { md } = render(build({ episodes, incidents: undefined, unavailable: ['source:store'] }));

    expect(md).toContain('- **KubeJobFailed**: 1 episode on 1 cluster (warning), never mentioned in an on-call thread (the incident groups could not be read, so grouping was not checked)');
  });

  it('writes one episode on one cluster in the singular', () => {
    const { md } = render(build({ episodes }));

    expect(md).toContain('- **KubeJobFailed**: 1 episode on 1 cluster (warning), never mentioned in an on-call thread nor grouped into an incident');
  });

  it('says the tuning and top-alert lists are cut to report.topAlerts and how many there are', () => {
    const current = ['A', 'B', 'C'].map((name, i) => ep(name, 'c1', i));

    const r = build({ episodes: { current, previous: [] }, options: { topN: 2, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } } });

    expect(r.tuningCandidates.map((t) => t.alertname)).toEqual(['A', 'B']);
    expect(render(r).md).toContain('3 alerts nobody acted on; the 2 with the most episodes:');
    expect(render(r).md).toContain('### Top alerts\n\n3 alert rules fired; the 2 with the most episodes (ties by name):');
  });

  it('says no alert fired in an empty week rather than that every alert was discussed', () => {
    const { md } = render(build({}));

    expect(md).toContain('### Tuning candidates: alerts nobody acted on\n\nNo alert fired this week.');
  });
});

describe('weekly report cut tables', () => {
  it('says the flapping and cluster tables list only the first rows of how many', () => {
    const current = Array.from({ length: 20 }, (_, c) => [0, 1, 2].map((i) => ep('Flappy', `c${String(c).padStart(2, '0')}`, i))).flat();

    const { md } = render(build({ episodes: { current, previous: [] } }));

    expect(md).toContain('20 alert series flapped; the 15 with the most cycles (ties by name and cluster):');
    expect(md).toContain('Episodes started on 20 clusters; the 10 with the most (ties by name):');
  });

  it('orders alerts firing since the same minute by cluster, whatever order the source answered in', () => {
    const firing: FiringAlert[] = ['c2', 'c1', 'c3'].map((cluster) => ({ alertname: 'KubeNodeNotReady', cluster, severity: 'critical', sinceMs: T0, silenced: false }));

    const a = build({ firing });
    const b = build({ firing: [...firing].reverse() });

    expect(a.firing?.map((f) => f.cluster)).toEqual(['c1', 'c2', 'c3']);
    expect(b.firing).toEqual(a.firing);
  });
});

describe('weekly report empty and partly read weeks', () => {
  it('does not say every thread is resolved when no thread was started', () => {
    const { md } = render(build({ threads: [] }));

    expect(md).toContain('## Open investigations to hand off\n\nNone: no on-call thread was started this week.');
  });

  it('does not say every thread is resolved when unresolved alert posts nobody answered remain', () => {
    const post: ChatMessage = { ts: String(T0 / 1000), botId: 'BALERTMANAGER', subtype: 'bot_message', text: '[FIRING:1] KubeJobFailed' };

    const { md } = render(build({ threads: [summariseThread(post, [], rules)] }));

    expect(md).toContain('## Open investigations to hand off\n\nNone: the 1 unresolved thread of the week is an alert post nobody replied to.');
    expect(md).not.toContain('every on-call thread of the week is resolved');
  });

  it('writes "none last week" instead of "new on last week\'s 0" and "new week over week"', () => {
    const { highlights, slack } = render(build({ episodes: { current: [ep('KubeJobFailed', 'c1', 0)], previous: [] } }));

    expect(highlights).toContain('1 alert episode fired (none last week) on 1 cluster.');
    expect(slack).toContain('*Alert episodes*\\n1 (none last week)');
  });

  it('does not call last week quiet when the alert history does not reach back to it: no "none last week", no last-week columns or line', () => {
    const r = build({ episodes: { current: [ep('KubeJobFailed', 'c1', 0), ep('KubeJobFailed', 'c2', 1)] } });
    const { md, slack, highlights } = render(r);
    const svg = alertTrendSvg(r.alerts, 'chart');

    // before: "2 alert episodes fired (none last week)", a Last week column of zeros and a dashed line at 0
    expect(r.alerts.previousKnown).toBe(false);
    expect(highlights).toContain('2 alert episodes fired (no alert history for last week) on 2 clusters.');
    expect(slack).toContain('*Alert episodes*\\n2 (no history for last week)');
    expect(md).toContain('(the alert history does not reach back to last week: nothing to compare with)');
    expect(md).not.toMatch(/none last week|Last week|last week dashed/);
    expect(md).toContain('| Alert | Episodes | Clusters | Severity | Median duration |');
    expect(svg).not.toContain('<polyline');
    expect(svg).not.toContain('last week');
    expect(highlightFacts(r).alerts).toMatchObject({ total: 2, previousTotal: 'no alert history for last week' });
    // a history that reaches back and holds no episode is a quiet week
    const quiet = build({ episodes: { current: [ep('KubeJobFailed', 'c1', 0)], previous: [] } });
    expect(render(quiet).md).toContain('| Alert | Episodes | Last week | Change | Clusters | Severity | Median duration |');
    expect(alertTrendSvg(quiet.alerts, 'chart')).toContain('<polyline');
  });

  it('names the days no digest is stored for, in the document, the Slack message and the highlights', () => {
    const r = build({ daysWithoutDigest: ['2026-11-28', '2026-11-29'] });

    const { md, slack, highlights } = render(r);

    expect(md).toContain('## Incidents\n\nNo availability digest is stored for 2026-11-28, 2026-11-29 (UTC days): incident groups that started on those days are not in this report nor in its counts.');
    expect(md).toContain('No incident groups in the digests stored for this week.');
    expect(md).not.toContain('No incident groups this week.');
    expect(slack).toContain('*Incidents*\\n0 (no digest yet for 2 days)');
    expect(highlights).toContain('Incidents: 0 (no digest yet for 2 days of the week).');
  });
});

describe('weekly report feedback', () => {
  const vote = (userId: string, subjectId: string, value: 1 | -1): FeedbackRow => ({ id: `${userId}-${subjectId}-${value}`, signature: 's', subjectKind: 'rca', subjectId, userId, value, atMs: T0 });

  it('counts one vote per person and subject; both 👍 and 👎 from one person on one subject count for neither', () => {
    const r = build({ feedback: [vote('UA', 'g1', 1), vote('UA', 'g1', -1), vote('UB', 'g1', 1), vote('UB', 'g2', -1)] });

    expect(r.feedback).toEqual({ helpful: 1, unhelpful: 1 });
  });
});
