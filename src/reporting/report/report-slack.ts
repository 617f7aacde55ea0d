/** The weekly report's Slack message: highlights, key figures, the noisiest rules, open investigations, the document link. Pure. */
import { context, escapeSlackText, fields, fitMessage, header, link, section, truncatePlain, type FittedMessage, type SlackBlock } from '../slack/index.js';
import type { Highlights } from './highlights.js';
import { reportTitle } from './report-doc.js';
import { formatChange, formatMinutes, plural } from './report-format.js';
import type { WeeklyReport } from './weekly-report.js';

/** Cut like on-call thread titles, so one long name cannot push the other rules out of the section. */
const MAX_NAME_CHARS = 120;

/** An alert name for a code span: one line, no backtick (it would end the span early), cut to MAX_NAME_CHARS. */
function codeName(name: string): string {
  return escapeSlackText(truncatePlain(name.replace(/\s+/g, ' ').replace(/`/g, "'"), MAX_NAME_CHARS));
}

export function reportSlackMessage(r: WeeklyReport, highlights: Highlights, docUrl?: string): FittedMessage {
  const a = r.alerts;
  const docLink = docUrl ? link(docUrl, 'the full report') : undefined;
  const blocks: SlackBlock[] = [
    header(reportTitle(r)),
    section(escapeSlackText(highlights.text), { docUrl }),
    fields([
      ['Alert episodes', r.alertsAvailable ? `${a.total} (${!a.previousKnown ? 'no history for last week' : a.previousTotal === 0 && a.total > 0 ? 'none last week' : `${escapeSlackText(formatChange(a.total, a.previousTotal))} week over week`})` : 'unavailable'],
      ['Flapping series', r.alertsAvailable ? String(a.flapping.length) : 'unavailable'],
      ['Incidents', r.incidents ? `${r.incidents.length}${r.daysWithoutDigest.length ? ` (no digest yet for ${plural(r.daysWithoutDigest.length, 'day')})` : ''}` : 'unavailable'],
      ['Open investigations', r.threads ? String(r.threads.open.length) : 'unavailable'],
      ['Remediations executed', r.remediation ? `${r.remediation.executed} of ${r.remediation.proposed} proposed` : 'unavailable'],
      ['Toil saved', escapeSlackText(formatMinutes(r.toil.totalMinutes))],
    ], { docUrl }),
  ];
  if (a.noisiest.length) {
    blocks.push(section(`*Noisiest rules*\n${a.noisiest.slice(0, 5).map((n) => `• \`${codeName(n.alertname)}\`: ${n.episodes} episodes on ${n.clusters} clusters`).join('\n')}`, { docUrl }));
  }
  if (r.threads?.open.length) {
    blocks.push(section(`*To hand off*\n${r.threads.open.slice(0, 8).map((o) => `• ${escapeSlackText(o.title)}`).join('\n')}`, { docUrl }));
  }
  const note = highlights.source === 'llm' ? 'Highlights written by the LLM; every number checked against the report.' : 'Highlights from the template.';
  blocks.push(context(docLink ? `Full report: ${docLink}` : 'The document could not be written this run.', note, 'Chart in the thread.'));
  return fitMessage(blocks, { docUrl: docUrl ?? 'about:blank', text: `${reportTitle(r)}: ${r.alertsAvailable ? `${a.total} alert episodes` : 'alert history unavailable'}` });
}
