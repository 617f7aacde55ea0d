/**
 * The weekly on-call report job: read (alert history, firing alerts, on-call threads, store) →
 * compute (report model, chart, highlights) → write (document, Slack message, chart in its thread).
 * A failing source or sink is recorded with ctx.fail and the rest still runs. Idempotent: the
 * document and the message carry the key `oncall-report:<week>`; the chart is uploaded again only
 * when its bytes changed, and then replaces every earlier copy of ours in the thread.
 */
import { createHash } from 'node:crypto';
import type { FiringAlertsSource } from '../adapters/alerts/alertmanager/index.js';
import type { AlertEpisode, AlertHistory } from '../adapters/alerts/types.js';
import type { ChatChannel } from '../adapters/chat/types.js';
import type { DocWriter } from '../adapters/docs/types.js';
import type { LlmClient } from '../adapters/llm/types.js';
import type { Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import type { DocModel } from '../reporting/doc-model.js';
import { renderMarkdown } from '../reporting/render-markdown.js';
import { alertTrendSvg } from '../reporting/report/alert-trend-chart.js';
import { renderChartPng } from '../reporting/report/render-chart-png.js';
import { reportDocModel, reportTitle, type ReportLinks } from '../reporting/report/report-doc.js';
import { reportSlackMessage } from '../reporting/report/report-slack.js';
import type { Highlights } from '../reporting/report/highlights.js';
import { templateHighlights } from '../reporting/report/highlights.js';
import { buildWeeklyReport, type WeeklyReport, type WeeklyReportInput } from '../reporting/report/weekly-report.js';
import { RetentionConfig } from '../retention/retention-config.js';
import { refuseRerunPastRetention, type RetainedDaysField } from '../retention/retention-cutoffs.js';
import { writeHighlights } from './llm-highlights.js';
import type { ReportConfig } from './report-config.js';
import { resolveReportWeek, type ReportWeek } from './report-week.js';
import { firingAt } from './sources/firing-from-history.js';
import { readOncallThreads } from './sources/oncall-threads-source.js';
import { readStoreFacts } from './sources/store-source.js';

export interface OncallReportDeps {
  alerts: AlertHistory;
  /** Alerts firing now (Alertmanager); without it, episodes still firing at the week's end. */
  firing?: FiringAlertsSource;
  chat: ChatChannel;
  docs: DocWriter;
  store: Store;
  llm?: LlmClient;
  config: ReportConfig;
  oncallChannel: string;
  links?: ReportLinks;
  /** The document's character budget (config `docs.maxChars`); default DEFAULT_DOC_MAX_CHARS. */
  docMaxChars?: number;
  /** Config `retention`: a week whose store rows may be deleted is refused; default its defaults. */
  retention?: RetentionConfig;
}

/** What a rerun of a week reads from the store and edits: its findings, incidents, RCAs, proposals and publication records. */
const REPORT_RETAINED: readonly RetainedDaysField[] = ['anomaliesDays', 'incidentsDays', 'rcasDays', 'proposalsDays', 'publicationsDays'];

export interface OncallReportOptions {
  nowMs: number;
  /** A past week's handoff date (`--week 2026-11-23`); default the last finished week. */
  week?: string;
}

export interface OncallReportSummary {
  week: string;
  startMs: number;
  endMs: number;
  alertEpisodes: number;
  /** Absent when the alert history does not reach back to last week (no figure, not 0). */
  previousAlertEpisodes?: number;
  /** False when the alert history could not be read: the two counts above are then no data, not zeros. */
  alertsAvailable: boolean;
  incidents?: number;
  openInvestigations?: number;
  highlights: Highlights['source'];
  doc?: { id: string; url: string; created: boolean };
  slack?: { channel: string; ts: string; created: boolean };
  chart?: { fileId?: string; uploaded: boolean };
}

export interface OncallReportResult {
  /** Small enough for the run record. */
  summary: OncallReportSummary;
  report: WeeklyReport;
  doc: DocModel;
}

export const reportKey = (week: string) => `oncall-report:${week}`;

async function part<T>(ctx: JobContext, name: string, unavailable: string[], fn: () => Promise<T>): Promise<T | undefined> {
  try {
    return await fn();
  } catch (err) {
    ctx.fail(name, err);
    unavailable.push(name);
    return undefined;
  }
}

async function gather(deps: OncallReportDeps, ctx: JobContext, week: ReportWeek, latest: boolean): Promise<WeeklyReportInput> {
  const unavailable: string[] = [];
  const c = deps.config;
  const fromAlertmanager = latest && deps.firing !== undefined;
  // Episodes count in the week they started in, which needs only whether one started before the range;
  // the real start shows only as "firing since", and that comes from this week's history when no Alertmanager answers.
  const [episodes, facts] = await Promise.all([
    part(ctx, 'source:alert-history', unavailable, async () => {
      const current = await deps.alerts.listEpisodes({ startMs: week.startMs, endMs: week.endMs, lookBack: fromAlertmanager ? 'range' : 'start', abortSignal: ctx.signal });
      // a history that starts after last week's start has no week to compare with: "none last week" would be untrue
      const from = await deps.alerts.historyStartMs?.(ctx.signal);
      if (from !== undefined && from > week.previous.startMs) return { current };
      return { current, previous: await deps.alerts.listEpisodes({ ...week.previous, lookBack: 'range', abortSignal: ctx.signal }) };
    }),
    part(ctx, 'source:store', unavailable, () => readStoreFacts(deps.store, week)),
  ]);
  const alertnames = [...new Set((episodes?.current ?? []).map((e: AlertEpisode) => e.alertname))];
  const rules = { resolutionReaction: c.resolutionReaction, resolutionWords: c.resolutionWords, alertnames };
  const threads = await part(ctx, 'source:oncall-threads', unavailable, () => readOncallThreads(deps.chat, deps.oncallChannel, week, rules, { signal: ctx.signal }));
  const firing = fromAlertmanager
    ? await part(ctx, 'source:alertmanager', unavailable, () => deps.firing!.listFiring(ctx.signal))
    : episodes && firingAt(episodes.current, week.endMs - 1);
  return {
    week, generatedAtMs: ctx.clock.nowMs(), episodes, firing, threads, ...facts, unavailable,
    options: { topN: c.topAlerts, flappingMinCycles: c.flappingMinCycles, toilMinutes: c.toilMinutes },
  };
}

/**
 * After an upload: our other copies of this week's chart in the thread (one a failed or killed run
 * shared but never recorded) and the recorded one go, so the thread holds one chart. A person's file
 * of the same name stays. A failed cleanup is a warning: the next upload retries it.
 */
async function removeEarlierCharts(deps: OncallReportDeps, ctx: JobContext, thread: { channel: string; ts: string }, filename: string, keep: string, recorded?: string): Promise<void> {
  const stale = new Set(recorded && recorded !== keep ? [recorded] : []);
  try {
    const self = await deps.chat.selfUserId();
    const files = (await deps.chat.listReplies(thread.channel, thread.ts)).flatMap((m) => m.files ?? []);
    for (const f of files) if (self !== undefined && f.user === self && f.filename === filename && f.fileId !== keep) stale.add(f.fileId);
  } catch (err) {
    ctx.logger.warn({ threadTs: thread.ts, err: (err as Error).message }, 'earlier charts could not be listed');
  }
  for (const fileId of stale) {
    await deps.chat.deleteFile(fileId).catch((err: unknown) => ctx.logger.warn({ fileId, err: (err as Error).message }, 'replaced chart could not be deleted'));
  }
}

async function uploadChart(deps: OncallReportDeps, ctx: JobContext, week: string, png: Uint8Array, thread: { channel: string; ts: string }): Promise<{ fileId?: string; uploaded: boolean }> {
  const key = `${reportKey(week)}:chart`;
  const contentHash = createHash('sha256').update(png).digest('hex');
  const earlier = await deps.store.publications.get(key);
  if (earlier?.contentHash === contentHash && earlier.url === `${thread.channel}:${thread.ts}`) return { fileId: earlier.externalId, uploaded: false };
  const filename = `alert-trend-${week}.png`;
  const { fileId } = await deps.chat.uploadFile({ channel: thread.channel, threadTs: thread.ts, filename, title: `Alert episodes per day, week of ${week}`, data: png });
  await deps.store.publications.put({ key, sink: 'slack-file', externalId: fileId, url: `${thread.channel}:${thread.ts}`, contentHash, updatedAtMs: ctx.clock.nowMs() });
  // deleted after the upload and its record, so a failed upload keeps the old chart
  await removeEarlierCharts(deps, ctx, thread, filename, fileId, earlier?.externalId);
  return { fileId, uploaded: true };
}

async function composeDoc(deps: OncallReportDeps, ctx: JobContext, report: WeeklyReport, svg: string): Promise<{ doc: DocModel; highlights: Highlights }> {
  const opts = { maxChars: deps.docMaxChars };
  const draft = reportDocModel(report, { text: templateHighlights(report), source: 'template' }, svg, deps.links, opts);
  const highlights = await writeHighlights(report, renderMarkdown(draft), { llm: deps.llm, enabled: deps.config.llmHighlights, logger: ctx.logger, signal: ctx.signal });
  return { doc: reportDocModel(report, highlights, svg, deps.links, opts), highlights };
}

/**
 * The report's week; a malformed or unfinished week, or one older than the shortest retention of what the
 * report reads, throws ConfigError (also called by the CLI before the run starts).
 */
export function checkReportWeek(handoff: OncallReportDeps['config']['handoff'], nowMs: number, week: string | undefined, retention?: RetentionConfig): ReportWeek {
  const resolved = resolveReportWeek(handoff, nowMs, week);
  refuseRerunPastRetention(`on-call report week ${resolved.id}`, resolved.startMs, retention ?? RetentionConfig.parse({}), REPORT_RETAINED, nowMs);
  return resolved;
}

export async function oncallReportJob(deps: OncallReportDeps, ctx: JobContext, opts: OncallReportOptions): Promise<OncallReportResult> {
  const week = checkReportWeek(deps.config.handoff, opts.nowMs, opts.week, deps.retention);
  const latest = resolveReportWeek(deps.config.handoff, opts.nowMs).id === week.id;
  const report = buildWeeklyReport(await gather(deps, ctx, week, latest));
  const svg = alertTrendSvg(report.alerts, `Alert episodes per day: ${reportTitle(report).replace(/^On-call report: /, '')}${report.alertsAvailable ? '' : ' (alert history unavailable)'}`);
  const { doc, highlights } = await composeDoc(deps, ctx, report, svg);
  const unavailable: string[] = [];
  const written = await part(ctx, 'sink:docs', unavailable, () => deps.docs.upsertDocument(reportKey(week.id), doc));
  const docKey = `${reportKey(week.id)}:document`;
  if (written) {
    await part(ctx, 'store:publications', unavailable, () => deps.store.publications.put({ key: docKey, sink: 'docs', externalId: written.id, url: written.url, contentHash: createHash('sha256').update(JSON.stringify(doc)).digest('hex'), updatedAtMs: ctx.clock.nowMs() }));
  }
  // the document an earlier run wrote is still there when the docs sink fails now: keep linking it
  const docUrl = written?.url ?? (await deps.store.publications.get(docKey).catch(() => undefined))?.url;
  const message = reportSlackMessage(report, highlights, docUrl);
  const posted = await part(ctx, 'sink:slack', unavailable, () => deps.chat.upsertMessage({ channel: deps.oncallChannel, text: message.text, blocks: message.blocks, idempotencyKey: reportKey(week.id) }));
  const chart = posted && await part(ctx, 'sink:slack-chart', unavailable, () => uploadChart(deps, ctx, week.id, renderChartPng(svg), posted));
  ctx.logger.info({ week: week.id, episodes: report.alerts.total, doc: written?.id, slackTs: posted?.ts, highlights: highlights.source }, 'oncall report written');
  const summary: OncallReportSummary = {
    week: week.id, startMs: week.startMs, endMs: week.endMs, alertEpisodes: report.alerts.total, previousAlertEpisodes: report.alerts.previousKnown ? report.alerts.previousTotal : undefined,
    alertsAvailable: report.alertsAvailable, incidents: report.incidents?.length, openInvestigations: report.threads?.open.length, highlights: highlights.source,
    doc: written, slack: posted && { channel: posted.channel, ts: posted.ts, created: posted.created }, chart,
  };
  return { summary, report, doc };
}
