import { describe, expect, it } from 'vitest';
import type { AlertEpisode } from '../../../src/adapters/alerts/types.js';
import { resolveReportWeek } from '../../../src/report/report-week.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { reportDocModel } from '../../../src/reporting/report/report-doc.js';
import { reportSlackMessage } from '../../../src/reporting/report/report-slack.js';
import { buildWeeklyReport, type FiringAlert, type WeeklyReportInput } from '../../../src/reporting/report/weekly-report.js';
import { templateHighlights } from '../../../src/reporting/report/highlights.js';

const week = resolveReportWeek({ weekday: 'monday', time: '09:00', timeZone: 'UTC' }, Date.UTC(2026, 11, 1), '2026-11-23');
const T0 = week.startMs + 3_600_000;
const ep = (alertname: string, i: number): AlertEpisode => ({ alertname, cluster: 'c1', severity: 'warning', labels: {}, startMs: T0 + i * 60_000, endMs: T0 + i * 60_000 + 600_000 });
const build = (over: Partial<WeeklyReportInput>) => buildWeeklyReport({
  week, generatedAtMs: Date.UTC(2026, 11, 1), unavailable: [], episodes: { current: [], previous: [] },
  options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } }, ...over,
});
const render = (r: ReturnType<typeof build>) => {
  const highlights = { text: templateHighlights(r), source: 'template' as const };
  return { md: renderMarkdown(reportDocModel(r, highlights, '<svg/>')), slack: reportSlackMessage(r, highlights, 'https://docs.example/d/1') };
};
const sectionTexts = (m: ReturnType<typeof reportSlackMessage>) => m.blocks.flatMap((b) => (b.type === 'section' ? [b.text?.text ?? '', ...(b.fields ?? []).map((f) => f.text)] : []));

describe('weekly report rendering', () => {
  it('says the alert figures are unavailable when the alert history could not be read, instead of showing zeros', () => {
    const r = build({ episodes: undefined, unavailable: ['source:alert-history'] });

    const { md, slack } = render(r);

    expect(md).toContain('## Alerts\n\nUnavailable (see Data sources).');
    expect(md).not.toMatch(/0 alert episodes|No alert fired this week|Every alert that fired was discussed/);
    expect(sectionTexts(slack)).toEqual(expect.arrayContaining(['*Alert episodes*\nunavailable', '*Flapping series*\nunavailable']));
    expect(slack.blocks[1]).toMatchObject({ type: 'section', text: { text: expect.stringMatching(/^The alert history could not be read/) } });
    expect(slack.text).toBe('On-call report: week of 23 Nov 2026: alert history unavailable');
  });

  it('keeps zeros for an empty week that was read: no NaN, no "undefined"', () => {
    const { md, slack } = render(build({}));

    expect(md).toContain('0 alert episodes started on 0 clusters');
    expect(`${md}${JSON.stringify(slack)}`).not.toMatch(/NaN|undefined|Infinity/);
    expect(sectionTexts(slack)).toContain('*Alert episodes*\n0 (0% week over week)');
  });

  it('keeps every noisiest rule in the Slack section: names cut to one line, a backtick cannot end the code span', () => {
    const names = ['A'.repeat(4000), 'Backtick`In`Name', 'Two\nLines', '<!channel> *bold*', 'Short'];
    const r = build({ episodes: { current: names.flatMap((n, i) => Array.from({ length: 5 - i }, (_, j) => ep(n, i * 10 + j))), previous: [] } });

    const noisiest = sectionTexts(render(r).slack).find((t) => t.startsWith('*Noisiest rules*'))!;

    expect(noisiest.split('\n').slice(1)).toEqual([
      `• \`${'A'.repeat(119)}…\`: 5 episodes on 1 clusters`,
      "• `Backtick'In'Name`: 4 episodes on 1 clusters",
      '• `Two Lines`: 3 episodes on 1 clusters',
      '• `&lt;!channel&gt; *bold*`: 2 episodes on 1 clusters',
      '• `Short`: 1 episodes on 1 clusters',
    ]);
  });

  it('states how many alerts fire at handoff when the table is cut at 30 rows', () => {
    const firing: FiringAlert[] = Array.from({ length: 35 }, (_, i) => ({ alertname: `A${i}`, cluster: 'c1', severity: 'warning', sinceMs: T0 + i, silenced: i < 4 }));

    const { md } = render(build({ firing }));

    expect(md).toContain('## Firing at handoff\n\n35 alerts firing (4 silenced); the 30 firing longest:\n\n| Alert |');
    expect(md.match(/^\| A\d+ \|/gm)).toHaveLength(30);
  });
});
