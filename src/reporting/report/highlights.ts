/**
 * The highlights paragraph: a deterministic template, and the check an LLM-written paragraph must
 * pass to replace it: every number it states must appear in the report model or the rendered report.
 */
import { NumberPool, numberTokens, spelledNumberTokens, type NumberToken } from '../../rca/narrative/number-tokens.js';
import { formatChange, formatMinutes, plural } from './report-format.js';
import { REMEDIATION_SCOPE } from './store-figures.js';
import type { WeeklyReport } from './weekly-report.js';

export interface Highlights {
  text: string;
  source: 'template' | 'llm';
  /** Why an LLM paragraph was dropped (numbers not in the report, errors). */
  rejected?: string[];
}

export function templateHighlights(r: WeeklyReport): string {
  const a = r.alerts;
  const parts = r.alertsAvailable
    ? [`${plural(a.total, 'alert episode')} fired (${!a.previousKnown ? 'no alert history for last week' : a.previousTotal === 0 ? 'none last week' : `${formatChange(a.total, a.previousTotal)} on last week's ${a.previousTotal}`}) on ${plural(a.clustersAffected, 'cluster')}.`]
    : ['The alert history could not be read: no alert figures this week.'];
  if (a.noisiest[0]) parts.push(`The noisiest rule was ${a.noisiest[0].alertname} with ${plural(a.noisiest[0].episodes, 'episode')}.`);
  if (a.flapping.length) parts.push(`${plural(a.flapping.length, 'alert series', 'alert series')} flapped.`);
  if (r.incidents) parts.push(`Incidents: ${r.incidents.length}${r.daysWithoutDigest.length ? ` (no digest yet for ${plural(r.daysWithoutDigest.length, 'day')} of the week)` : ''}.`);
  if (r.threads) parts.push(`${plural(r.threads.open.length, 'open investigation')} to hand off.`);
  if (r.remediation) parts.push(`Remediation of the week's incidents: ${r.remediation.proposed} proposed, ${r.remediation.executed} executed, ${r.remediation.rolledBack} rolled back.`);
  parts.push(`Toil saved: ${formatMinutes(r.toil.totalMinutes)}.`);
  return parts.join(' ');
}

/** `1,000` is one number, not 1 and 000. */
function joinThousands(text: string): string {
  return text.replace(/(?<![\w.,])\d{1,3}(?:,\d{3})+(?!\d)/g, (m) => m.replace(/,/g, ''));
}

/** Keys whose numbers are percentages (`changePct`): the only data a `%` in the paragraph may match. */
const PERCENT_KEY = /pct|percent/i;

/**
 * Every number the report offers: the model's data and the text rendered from it. A percentage is
 * grounded only by a percentage: one shown in the text, or a value held under a percentage key.
 */
export class ReportNumbers {
  readonly all: NumberPool;
  private readonly shown: NumberPool;
  private readonly percents = new Set<string>();

  constructor(r: WeeklyReport, renderedText: string) {
    const text = joinThousands(renderedText);
    this.all = new NumberPool().addData(r).addText(text);
    this.shown = new NumberPool().addText(text);
    this.collectPercents(r, false);
  }

  has(t: NumberToken): boolean {
    if (t.unit === '%') return this.shown.has(t) || this.percents.has(t.value);
    return this.all.has(t);
  }

  private collectPercents(value: unknown, underPercentKey: boolean): void {
    if (typeof value === 'number' && underPercentKey && Number.isFinite(value)) this.percents.add(String(Math.abs(value)));
    else if (Array.isArray(value)) value.forEach((v) => this.collectPercents(v, underPercentKey));
    else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) this.collectPercents(v, PERCENT_KEY.test(k));
  }
}

export function reportNumberPool(r: WeeklyReport, renderedText: string): ReportNumbers {
  return new ReportNumbers(r, renderedText);
}

/**
 * Numbers in `text` that the report does not hold (as written); empty means the paragraph is grounded.
 * Thousands separators join (`1,000`), numbers in words count, and a percentage needs a percentage.
 */
export function ungroundedNumbers(text: string, pool: ReportNumbers): string[] {
  const tokens = [...numberTokens(joinThousands(text)), ...spelledNumberTokens(text)];
  return [...new Set(tokens.filter((t) => !pool.has(t)).map((t) => t.raw))];
}

/** What the LLM sees: aggregate figures only (no thread text, which may hold secrets or instructions). */
export function highlightFacts(r: WeeklyReport): Record<string, unknown> {
  return {
    week: { start: r.week.id, timeZone: r.week.timeZone },
    alerts: !r.alertsAvailable ? 'unavailable' : { total: r.alerts.total, previousTotal: r.alerts.previousKnown ? r.alerts.previousTotal : 'no alert history for last week', changePct: r.alerts.changePct, clustersAffected: r.alerts.clustersAffected,
      noisiest: r.alerts.noisiest.slice(0, 5).map((n) => ({ alertname: n.alertname, episodes: n.episodes, clusters: n.clusters })),
      flapping: r.alerts.flapping.slice(0, 5).map((f) => ({ alertname: f.alertname, cluster: f.cluster, cycles: f.cycles })),
      tuningCandidates: r.tuningChecked.threads ? r.tuningCandidates.slice(0, 5).map((t) => ({ alertname: t.alertname, episodes: t.episodes })) : 'unavailable' },
    incidents: r.incidents?.map((i) => ({ title: i.title, clusters: i.clusters, verdict: i.verdict })),
    daysWithoutDigest: r.daysWithoutDigest,
    openInvestigations: r.threads?.open.length,
    medianAckMinutes: r.threads?.medianAckMinutes,
    remediation: r.remediation && { covers: REMEDIATION_SCOPE, ...r.remediation },
    toilSavedMinutes: r.toil.totalMinutes,
  };
}
