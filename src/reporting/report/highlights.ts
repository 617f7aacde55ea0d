/**
 * The highlights paragraph: a deterministic template, and the check an LLM-written paragraph must
 * pass to replace it: every number it states must appear in the report model or the rendered report.
 */
import { NumberPool, numberTokens } from '../../rca/narrative/number-tokens.js';
import { formatChange, formatMinutes, plural } from './report-format.js';
import type { WeeklyReport } from './weekly-report.js';

export interface Highlights {
  text: string;
  source: 'template' | 'llm';
  /** Why an LLM paragraph was dropped (numbers not in the report, errors). */
  rejected?: string[];
}

export function templateHighlights(r: WeeklyReport): string {
  const a = r.alerts;
  const parts = [`${plural(a.total, 'alert episode')} fired (${formatChange(a.total, a.previousTotal)} on last week's ${a.previousTotal}) on ${plural(a.clustersAffected, 'cluster')}.`];
  if (a.noisiest[0]) parts.push(`The noisiest rule was ${a.noisiest[0].alertname} with ${plural(a.noisiest[0].episodes, 'episode')}.`);
  if (a.flapping.length) parts.push(`${plural(a.flapping.length, 'alert series', 'alert series')} flapped.`);
  if (r.incidents) parts.push(`Incidents: ${r.incidents.length}.`);
  if (r.threads) parts.push(`${plural(r.threads.open.length, 'open investigation')} to hand off.`);
  if (r.remediation) parts.push(`Remediation: ${r.remediation.proposed} proposed, ${r.remediation.executed} executed, ${r.remediation.rolledBack} rolled back.`);
  parts.push(`Toil saved: ${formatMinutes(r.toil.totalMinutes)}.`);
  return parts.join(' ');
}

/** Every number the report offers: the model's data and the text rendered from it. */
export function reportNumberPool(r: WeeklyReport, renderedText: string): NumberPool {
  return new NumberPool().addData(r).addText(renderedText);
}

/** Numbers in `text` that the pool does not hold (as written); empty means the paragraph is grounded. */
export function ungroundedNumbers(text: string, pool: NumberPool): string[] {
  return [...new Set(numberTokens(text).filter((t) => !pool.has(t)).map((t) => t.raw))];
}

/** What the LLM sees: aggregate figures only (no thread text, which may hold secrets or instructions). */
export function highlightFacts(r: WeeklyReport): Record<string, unknown> {
  return {
    week: { start: r.week.id, timeZone: r.week.timeZone },
    alerts: { total: r.alerts.total, previousTotal: r.alerts.previousTotal, changePct: r.alerts.changePct, clustersAffected: r.alerts.clustersAffected,
      noisiest: r.alerts.noisiest.slice(0, 5).map((n) => ({ alertname: n.alertname, episodes: n.episodes, clusters: n.clusters })),
      flapping: r.alerts.flapping.slice(0, 5).map((f) => ({ alertname: f.alertname, cluster: f.cluster, cycles: f.cycles })),
      tuningCandidates: r.tuningCandidates.slice(0, 5).map((t) => ({ alertname: t.alertname, episodes: t.episodes })) },
    incidents: r.incidents?.map((i) => ({ title: i.title, clusters: i.clusters, verdict: i.verdict })),
    openInvestigations: r.threads?.open.length,
    medianAckMinutes: r.threads?.medianAckMinutes,
    remediation: r.remediation,
    toilSavedMinutes: r.toil.totalMinutes,
  };
}
