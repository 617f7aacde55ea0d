/** The weekly report as a DocModel (rendered to Markdown, HTML and Google Docs by the DocWriters). Pure. */
import type { DocBlock, DocModel, Inline } from '../doc-model.js';
import { DEFAULT_DOC_MAX_CHARS, docChars } from '../doc-size.js';
import { dayLabel } from './alert-trend-chart.js';
import { fitReportDoc, rankIncidents, shortenedNotice, type IncidentRanking, type ReportCut } from './fit-report-doc.js';
import type { Highlights } from './highlights.js';
import { formatChange, formatDate, formatLocal, formatMinutes, plural } from './report-format.js';
import { REMEDIATION_SCOPE } from './store-figures.js';
import type { WeeklyReport } from './weekly-report.js';

export interface ReportLinks {
  /** Link to one on-call thread (e.g. a Slack permalink built from the channel archive URL). */
  thread?: (ts: string) => string | undefined;
  /** Link to an alert rule's history (e.g. a Prometheus graph of ALERTS{alertname=…}). */
  alert?: (alertname: string) => string | undefined;
}

const linked = (text: string, href: string | undefined): Inline => (href ? { text, href } : text);
const h2 = (text: string): DocBlock => ({ kind: 'heading', level: 2, text });
const p = (...spans: Inline[]): DocBlock => ({ kind: 'paragraph', spans });
const cells = (...values: (Inline | number)[]): Inline[][] => values.map((v) => [typeof v === 'number' ? String(v) : v]);

export function reportTitle(r: WeeklyReport): string {
  return `On-call report: week of ${formatDate(r.week.startMs, r.week.timeZone)}`;
}

function alertBlocks(r: WeeklyReport, links: ReportLinks, chartSvg: string): DocBlock[] {
  if (!r.alertsAvailable) return [h2('Alerts'), p('Unavailable (see Data sources).')];
  const a = r.alerts;
  const change = !a.previousKnown ? 'the alert history does not reach back to last week: nothing to compare with'
    : a.previousTotal === 0 ? 'no episodes last week to compare with' : `${formatChange(a.total, a.previousTotal)} on last week's ${a.previousTotal}`;
  // without last week's history its columns would be zeros that are no figures
  const known = a.previousKnown;
  return [
    h2('Alerts'),
    p(`${a.total} alert episodes started on ${a.clustersAffected} clusters (${change}); ${formatMinutes(a.firingMinutes)} of firing in all.`),
    { kind: 'image', alt: `Alert episodes per day, ${dayLabel(r.week.days[0].date)} to ${dayLabel(r.week.days[6].date)}, by severity${known ? ', with last week dashed' : ''}`, svg: chartSvg },
    { kind: 'table', header: known ? ['Day', 'Episodes', 'Last week'] : ['Day', 'Episodes'], rows: a.byDay.map((d) => cells(dayLabel(d.date), d.total, ...(known ? [d.previous] : []))) },
    { kind: 'heading', level: 3, text: 'Top alerts' },
    ...(a.rules.length > a.noisiest.length ? [p(`${a.rules.length} alert rules fired; the ${a.noisiest.length} with the most episodes (ties by name):`)] : []),
    a.noisiest.length === 0 ? p('No alert fired this week.') : {
      kind: 'table', header: known ? ['Alert', 'Episodes', 'Last week', 'Change', 'Clusters', 'Severity', 'Median duration'] : ['Alert', 'Episodes', 'Clusters', 'Severity', 'Median duration'],
      rows: a.noisiest.map((n) => cells(linked(n.alertname, links.alert?.(n.alertname)), n.episodes, ...(known ? [n.previousEpisodes, formatChange(n.episodes, n.previousEpisodes)] : []), n.clusters, n.severity, formatMinutes(n.medianMinutes))),
    },
    { kind: 'heading', level: 3, text: 'By severity and cluster' },
    { kind: 'table', header: ['Severity', 'Episodes'], rows: a.bySeverity.map((s) => cells(s.severity, s.episodes)) },
    // a cut table must not read as every cluster or series
    ...(a.byCluster.length > MAX_CLUSTER_ROWS ? [p(`Episodes started on ${a.byCluster.length} clusters; the ${MAX_CLUSTER_ROWS} with the most (ties by name):`)] : []),
    { kind: 'table', header: ['Cluster', 'Episodes'], rows: a.byCluster.slice(0, MAX_CLUSTER_ROWS).map((c) => cells({ text: c.cluster, code: true }, c.episodes)) },
    { kind: 'heading', level: 3, text: 'Flapping alerts' },
    ...(a.flapping.length > MAX_FLAPPING_ROWS ? [p(`${a.flapping.length} alert series flapped; the ${MAX_FLAPPING_ROWS} with the most cycles (ties by name and cluster):`)] : []),
    a.flapping.length === 0 ? p('No alert series fired and resolved repeatedly.') : {
      kind: 'table', header: ['Alert', 'Cluster', 'Fire/resolve cycles', 'Median duration'],
      rows: a.flapping.slice(0, MAX_FLAPPING_ROWS).map((f) => cells(f.alertname, { text: f.cluster, code: true }, f.cycles, formatMinutes(f.medianMinutes))),
    },
    { kind: 'heading', level: 3, text: 'Tuning candidates: alerts nobody acted on' },
    ...tuningBlocks(r),
  ];
}

const MAX_CLUSTER_ROWS = 10;
const MAX_FLAPPING_ROWS = 15;

/** Only what was checked is claimed: no list without the threads, no "nor grouped" without the incident groups. */
function tuningBlocks(r: WeeklyReport): DocBlock[] {
  if (!r.tuningChecked.threads) return [p('Unavailable: the on-call threads could not be read (see Data sources), so it is not known which alerts somebody acted on.')];
  if (r.alerts.total === 0) return [p('No alert fired this week.')];
  const grouped = r.tuningChecked.incidents;
  if (r.tuningCandidates.length === 0) return [p(`Every alert that fired was discussed in an on-call thread${grouped ? ' or grouped into an incident' : ''}.`)];
  const never = grouped ? 'never mentioned in an on-call thread nor grouped into an incident' : 'never mentioned in an on-call thread (the incident groups could not be read, so grouping was not checked)';
  return [
    ...(r.tuningCandidatesTotal > r.tuningCandidates.length ? [p(`${r.tuningCandidatesTotal} alerts nobody acted on; the ${r.tuningCandidates.length} with the most episodes:`)] : []),
    { kind: 'bullets', items: r.tuningCandidates.map((t) => [{ text: t.alertname, bold: true }, `: ${plural(t.episodes, 'episode')} on ${plural(t.clusters, 'cluster')} (${t.severity}), ${never}`]) },
  ];
}

const MAX_FIRING_ROWS = 30;

function firingBlocks(r: WeeklyReport): DocBlock[] {
  const tz = r.week.timeZone;
  const f = r.firing;
  if (f === undefined) return [h2('Firing at handoff'), p('Unavailable (see Data sources).')];
  if (f.length === 0) return [h2('Firing at handoff'), p('Nothing is firing.')];
  return [
    h2('Firing at handoff'),
    // a cut table must not read as everything that fires
    ...(f.length > MAX_FIRING_ROWS ? [p(`${f.length} alerts firing (${f.filter((x) => x.silenced).length} silenced); the ${MAX_FIRING_ROWS} firing longest:`)] : []),
    {
      kind: 'table', header: ['Alert', 'Cluster', 'Severity', 'Since', 'Silenced'],
      rows: f.slice(0, MAX_FIRING_ROWS).map((x) => cells(x.alertname, { text: x.cluster, code: true }, x.severity, formatLocal(x.sinceMs, tz), x.silenced ? 'yes' : 'no')),
    },
  ];
}

/** Unresolved threads nobody replied to are alert posts, not investigations: "every thread is resolved" would be untrue. */
function noOpenText(t: NonNullable<WeeklyReport['threads']>): string {
  if (t.total === 0) return 'None: no on-call thread was started this week.';
  if (t.resolved === t.total) return 'None: every on-call thread of the week is resolved.';
  return `None: the ${plural(t.total - t.resolved, 'unresolved thread')} of the week ${t.total - t.resolved === 1 ? 'is an alert post' : 'are alert posts'} nobody replied to.`;
}

function threadBlocks(r: WeeklyReport, links: ReportLinks, cut: ReportCut): DocBlock[] {
  const t = r.threads;
  if (!t) return [h2('On-call threads'), p('Unavailable (see Data sources).')];
  const ack = t.medianAckMinutes === undefined ? 'no replies to time' : `median time to first answer ${formatMinutes(t.medianAckMinutes)}`;
  const res = t.medianResolveMinutes === undefined ? 'no "resolved" replies to time' : `median time to a "resolved" reply ${formatMinutes(t.medianResolveMinutes)}`;
  return [
    h2('Open investigations to hand off'),
    ...(t.open.length === 0 ? [p(noOpenText(t))] : cut.open === 0 ? [] : [{
      kind: 'bullets', items: t.open.slice(0, cut.open).map((o): Inline[] => [linked(o.title, links.thread?.(o.ts)), ` (started ${formatLocal(Math.round(Number(o.ts) * 1000), r.week.timeZone)}, ${o.replies} replies${o.responders.length ? `, answered by ${o.responders.join(', ')}` : ', unanswered'})`]),
    } satisfies DocBlock]),
    ...(cut.open !== undefined && cut.open < t.open.length ? [p(`… and ${t.open.length - cut.open} more open threads, not listed to keep this document within its budget: they are in the on-call channel.`)] : []),
    h2('On-call threads'),
    p(`${t.total} threads, ${t.resolved} resolved; ${ack}; ${res}.`),
    ...(t.responders.length ? [{ kind: 'bullets', items: t.responders.slice(0, 10).map((x) => [`${x.user}: answered in ${x.threads} threads`]) } satisfies DocBlock] : []),
  ];
}

/** Every incident's row, rendered once: a cut only picks among them. */
function incidentRows(r: WeeklyReport): Inline[][][] {
  return (r.incidents ?? []).map((i) => cells(i.title, formatLocal(i.startMs, r.week.timeZone), i.clusters, i.verdict, i.rootCause ?? '—'));
}

/** Days whose digest has not run: "no incidents" would otherwise read as a quiet day. */
function digestGapText(r: WeeklyReport): string {
  const d = r.daysWithoutDigest;
  return `No availability digest is stored for ${d.join(', ')} (UTC ${d.length === 1 ? 'day' : 'days'}): incident groups that started on ${d.length === 1 ? 'that day' : 'those days'} `
    + `are not in this report nor in its counts. A rerun (fleetops report --week ${r.week.id}) after their digests ran includes them.`;
}

function incidentBlocks(r: WeeklyReport, cut: ReportCut, rows: readonly Inline[][][], ranked: IncidentRanking): DocBlock[] {
  if (!r.incidents) return [p('Unavailable (see Data sources).')];
  const gap = r.daysWithoutDigest.length === 0 ? [] : [p(digestGapText(r))];
  if (r.incidents.length === 0) return [...gap, p(gap.length ? 'No incident groups in the digests stored for this week.' : 'No incident groups this week.')];
  const listed = ranked.listed(cut.incidents);
  return [
    ...gap,
    ...(listed.length ? [{ kind: 'table', header: ['Incident', 'Started', 'Clusters', 'RCA', 'Root cause'], rows: listed.map((i) => rows[i]) } satisfies DocBlock] : []),
    ...(listed.length < r.incidents.length ? [p(ranked.unlistedText(listed.length))] : []),
  ];
}

function outcomeBlocks(r: WeeklyReport, incidents: DocBlock[]): DocBlock[] {
  const m = r.remediation;
  return [
    h2('Incidents'),
    ...incidents,
    h2('Remediation'),
    ...(!m ? [p('Unavailable (see Data sources).')] : [p(REMEDIATION_SCOPE), {
      kind: 'table', header: ['Proposed', 'Approved', 'Rejected', 'Expired', 'Executed', 'Verified', 'Failed', 'Rolled back', 'Recovered, not run'],
      rows: [cells(m.proposed, m.approved, m.rejected, m.expired, m.executed, m.verified, m.failed, m.rolledBack, m.recovered)],
    } satisfies DocBlock]),
    h2('Scan findings and feedback'),
    { kind: 'bullets', items: [
      [r.findings ? `${r.findings.total} fleet-scan findings (${r.findings.critical} critical): ${r.findings.byKind.map((k) => `${k.count} ${k.kind}`).join(', ') || 'none'}` : 'Fleet-scan findings unavailable'],
      [r.feedback ? `Feedback on RCAs and proposals: ${r.feedback.helpful} helpful, ${r.feedback.unhelpful} not helpful` : 'Feedback unavailable'],
    ] },
    h2('Toil saved'),
    p(`${formatMinutes(r.toil.totalMinutes)} this week, counted as items × minutes per item (report.toilMinutes):`),
    { kind: 'code', text: r.toil.formula },
  ];
}

export interface ReportDocOptions {
  /**
   * Characters the document may take, as Google Docs counts them (doc-size.ts). Over it, the incident
   * table (then the open threads) lists fewer rows and says so (fit-report-doc.ts). Default DEFAULT_DOC_MAX_CHARS.
   */
  maxChars?: number;
}

export function reportDocModel(r: WeeklyReport, highlights: Highlights, chartSvg: string, links: ReportLinks = {}, opts: ReportDocOptions = {}): DocModel {
  const tz = r.week.timeZone;
  const rows = incidentRows(r);
  const ranked = rankIncidents(r.incidents ?? []);
  const build = (cut: ReportCut): DocModel => ({
    title: reportTitle(r),
    blocks: [
      p(`Rotation week ${formatLocal(r.week.startMs, tz)} to ${formatLocal(r.week.endMs, tz)} (${tz}). Generated ${formatLocal(r.generatedAtMs, tz)}.`),
      ...(cut.budget ? [{ kind: 'paragraph', spans: [{ text: shortenedNotice(r, cut), bold: true }] } satisfies DocBlock] : []),
      h2('Highlights'),
      p(highlights.text),
      ...alertBlocks(r, links, chartSvg),
      ...firingBlocks(r),
      ...threadBlocks(r, links, cut),
      ...outcomeBlocks(r, incidentBlocks(r, cut, rows, ranked)),
      h2('Data sources'),
      r.unavailable.length === 0 ? p('Every source answered.') : { kind: 'bullets', items: r.unavailable.map((u) => [`${u}: could not be read; figures from it are missing`]) },
    ],
  });
  const maxChars = opts.maxChars ?? DEFAULT_DOC_MAX_CHARS;
  const full = build({});
  const fullChars = docChars(full);
  return fullChars <= maxChars ? full : fitReportDoc(build, r, { fullChars, maxChars });
}
