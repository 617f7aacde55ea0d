import { formatFailures } from '../format-failures.js';
import { createAlertmanagerFiring } from '../../adapters/alerts/alertmanager/index.js';
import { checkReportWeek, oncallReportJob, type OncallReportSummary } from '../../report/oncall-report-job.js';
import { reportLinks } from '../../report/report-links.js';
import type { Command } from '../command.js';
import { dataNowMs, runJobCommand } from '../job-runner.js';

export function formatReportSummary(s: OncallReportSummary): string {
  const alerts = s.alertsAvailable ? `${s.alertEpisodes} (${s.previousAlertEpisodes === undefined ? 'no alert history for last week' : `last week ${s.previousAlertEpisodes}`})` : 'unavailable (the alert history could not be read)';
  const lines = [
    `on-call report, week of ${s.week} (${new Date(s.startMs).toISOString()} – ${new Date(s.endMs).toISOString()})`,
    `  alert episodes: ${alerts}; incidents: ${s.incidents ?? 'unavailable'}; open investigations: ${s.openInvestigations ?? 'unavailable'}`,
    `  highlights: ${s.highlights}`,
    `  document: ${s.doc ? `${s.doc.url} (${s.doc.created ? 'created' : 'updated'})` : 'not written'}`,
    `  slack: ${s.slack ? `${s.slack.channel} ${s.slack.ts} (${s.slack.created ? 'posted' : 'updated'})` : 'not posted'}${s.chart ? `; chart ${s.chart.uploaded ? 'uploaded' : 'unchanged'}` : ''}`,
  ];
  return `${lines.join('\n')}\n`;
}

export const reportCommand: Command = {
  name: 'report',
  summary: 'oncall-report: the weekly on-call handoff report (document + Slack message with a chart)',
  usage: `  --week DATE     regenerate the week starting on this handoff date, e.g. --week 2026-11-23
                  (default: the last finished week; on the simulator, the last week of the simulated range)`,
  options: { week: { type: 'string' } },
  async run(args, io) {
    let summary: OncallReportSummary | undefined;
    const week = typeof args.values.week === 'string' ? args.values.week : undefined;
    let nowMs = 0;
    const result = await runJobCommand('oncall-report', args, io, async (app, adapters, ctx) => {
      const config = app.config.report;
      const firing = config.alertmanagerUrl ? createAlertmanagerFiring({ baseUrl: config.alertmanagerUrl, clusterLabel: app.config.clusterLabel, logger: ctx.logger, clock: app.clock }) : undefined;
      const { summary: s } = await oncallReportJob({
        alerts: adapters.alerts(), firing, chat: adapters.chat(), docs: adapters.docs(), store: await adapters.store(), config,
        oncallChannel: app.config.chat.slack.oncallChannel, links: reportLinks(config.links), docMaxChars: app.config.docs.maxChars,
        retention: app.config.retention,
      }, ctx, { nowMs, week });
      summary = s;
      return { ...s };
    }, {
      // --week malformed, not on the handoff weekday, not ended yet or older than retention keeps: refused before the run
      check: (app, adapters) => {
        nowMs = dataNowMs(app, adapters);
        checkReportWeek(app.config.report.handoff, nowMs, week, app.config.retention);
      },
    });
    if (summary) io.stdout(formatReportSummary(summary));
    io.stderr(formatFailures(result.failures, result.runId));
    return result.exitCode;
  },
};
