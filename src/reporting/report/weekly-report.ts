/** The weekly on-call report model: every figure the renderers show, computed from the gathered data (pure). */
import type { AlertEpisode } from '../../adapters/alerts/types.js';
import type { AnomalyRow, FeedbackRow, IncidentGroupRow, ProposalRow, RcaRow } from '../../adapters/store/types.js';
import { analyseAlerts, type AlertAnalytics, type DayBucket } from './alert-analytics.js';
import { threadFigures, type ThreadFigures, type ThreadSummary } from './oncall-threads.js';
import { feedbackFigures, findingFigures, incidentLines, remediationFigures, type FeedbackFigures, type FindingFigures, type IncidentLine, type RemediationFigures } from './store-figures.js';
import { toilSaved, type ToilMinutes, type ToilSaved } from './toil.js';
import { compareText } from '../../core/compare-text.js';

export interface ReportPeriod {
  /** Local date of the starting handoff, `YYYY-MM-DD`. */
  id: string;
  startMs: number;
  endMs: number;
  previous: { startMs: number; endMs: number };
  days: DayBucket[];
  timeZone: string;
}

/** An alert firing at handoff (Alertmanager, or the alert history's still-firing episodes). */
export interface FiringAlert { alertname: string; cluster: string; severity: string; sinceMs: number; silenced: boolean; summary?: string }

export interface WeeklyReportInput {
  week: ReportPeriod;
  generatedAtMs: number;
  /** Each source is undefined when it could not be read (named in `unavailable`). */
  /** `previous` is undefined when the alert history does not reach back to last week. */
  episodes?: { current: AlertEpisode[]; previous?: AlertEpisode[] };
  firing?: FiringAlert[];
  threads?: ThreadSummary[];
  /** Groups overlapping the week: alerts during any of them count as grouped; only those started in the week are listed. */
  incidents?: IncidentGroupRow[];
  rcas?: ReadonlyMap<string, RcaRow>;
  /** The week's proposals: those for the incident groups started in it, whenever they were made (store-source.ts). */
  proposals?: ProposalRow[];
  feedback?: FeedbackRow[];
  /** Scan findings overlapping the week; only those started in it are counted. */
  findings?: AnomalyRow[];
  /** UTC days of the week no availability digest is stored for (read with the incidents). */
  daysWithoutDigest?: string[];
  unavailable: string[];
  options: { topN: number; flappingMinCycles: number; toilMinutes: ToilMinutes };
  links?: { oncallChannel?: string };
}

export interface TuningCandidate { alertname: string; episodes: number; clusters: number; severity: string }

export interface WeeklyReport {
  week: ReportPeriod;
  generatedAtMs: number;
  /** False when the alert history could not be read: `alerts` then holds zeros that are not figures. */
  alertsAvailable: boolean;
  alerts: AlertAnalytics;
  /** Alert names that fired but were never mentioned in an on-call thread nor grouped into an incident; empty when the threads could not be read. */
  tuningCandidates: TuningCandidate[];
  /** Alert names nobody acted on, before the cut to `topN`. */
  tuningCandidatesTotal: number;
  /** Which sources the tuning candidates were checked against: a claim about an unread source is not made. */
  tuningChecked: { threads: boolean; incidents: boolean };
  /** Episodes on an incident's cluster while the incident lasted. */
  groupedAlerts: number;
  firing?: FiringAlert[];
  threads?: ThreadFigures;
  /** Incident groups started in the week (like alert episodes, each belongs to one week). */
  incidents?: IncidentLine[];
  /** UTC days without a stored digest: incident groups that started on them are missing from `incidents`. */
  daysWithoutDigest: string[];
  /** Proposals for the week's incident groups, in their state now: each proposal counts in one week. */
  remediation?: RemediationFigures;
  feedback?: FeedbackFigures;
  findings?: FindingFigures;
  toil: ToilSaved;
  unavailable: string[];
}

function isGrouped(e: AlertEpisode, incidents: readonly IncidentGroupRow[]): boolean {
  return incidents.some((g) => g.clusters.includes(e.cluster) && e.startMs < g.endMs && e.endMs > g.startMs);
}

const startedIn = (week: { startMs: number; endMs: number }) => (x: { startMs: number }) => x.startMs >= week.startMs && x.startMs < week.endMs;

function tuningCandidates(alerts: AlertAnalytics, acted: ReadonlySet<string>): TuningCandidate[] {
  return alerts.rules.filter((r) => !acted.has(r.alertname))
    .map((r) => ({ alertname: r.alertname, episodes: r.episodes, clusters: r.clusters, severity: r.severity }));
}

export function buildWeeklyReport(input: WeeklyReportInput): WeeklyReport {
  const { week, options } = input;
  const current = (input.episodes?.current ?? []).filter(startedIn(week));
  const alerts = analyseAlerts({ current, previous: input.episodes ? input.episodes.previous : [], week, topN: options.topN, flappingMinCycles: options.flappingMinCycles });
  const incidents = input.incidents ?? [];
  // the store lists groups overlapping the week: one crossing a handoff is listed (and its RCA counted) in the week it started
  const started = incidents.filter(startedIn(week));
  const grouped = current.filter((e) => isGrouped(e, incidents));
  const acted = new Set([...grouped.map((e) => e.alertname), ...(input.threads ?? []).flatMap((t) => t.alertnames)]);
  const remediation = input.proposals && remediationFigures(input.proposals);
  const rcas = input.rcas ?? new Map<string, RcaRow>();
  // without the threads, "nobody acted on it" cannot be said of any alert
  const candidates = input.threads ? tuningCandidates(alerts, acted) : [];
  return {
    week,
    generatedAtMs: input.generatedAtMs,
    alertsAvailable: input.episodes !== undefined,
    alerts,
    tuningCandidates: candidates.slice(0, options.topN),
    tuningCandidatesTotal: candidates.length,
    tuningChecked: { threads: input.threads !== undefined, incidents: input.incidents !== undefined },
    groupedAlerts: grouped.length,
    firing: input.firing && [...input.firing].sort((a, b) => a.sinceMs - b.sinceMs || compareText(a.alertname, b.alertname) || compareText(a.cluster, b.cluster)),
    threads: input.threads && threadFigures(input.threads),
    incidents: input.incidents && incidentLines(started, rcas),
    daysWithoutDigest: input.incidents ? [...(input.daysWithoutDigest ?? [])] : [],
    remediation,
    feedback: input.feedback && feedbackFigures(input.feedback, week),
    findings: input.findings && findingFigures(input.findings.filter(startedIn(week))),
    toil: toilSaved({ reports: 1, rcas: started.filter((g) => rcas.has(g.id)).length, remediations: remediation?.executed ?? 0, groupedAlerts: grouped.length }, options.toilMinutes),
    unavailable: [...input.unavailable],
  };
}
