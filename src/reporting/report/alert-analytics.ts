/**
 * Alert analytics over firing episodes (pure). An episode belongs to the week in which it started;
 * a label set (alertname + cluster + other labels) is one alert series, and each of its episodes is
 * one fire/resolve cycle.
 */
import type { AlertEpisode } from '../../adapters/alerts/types.js';
import { addDays, zoneOffsetMs, zonedTimeToUtc } from '../../report/report-week.js';
import { compareText } from '../../core/compare-text.js';

export interface DayBucket { date: string; startMs: number; endMs: number }

export interface AlertAnalyticsInput {
  current: readonly AlertEpisode[];
  /** Last week's episodes; undefined when the alert history does not reach back to last week (nothing to compare with). */
  previous: readonly AlertEpisode[] | undefined;
  week: { startMs: number; endMs: number; previous: { startMs: number; endMs: number }; days: readonly DayBucket[]; timeZone: string };
  topN: number;
  flappingMinCycles: number;
}

export interface AlertRuleRow {
  alertname: string;
  episodes: number;
  previousEpisodes: number;
  clusters: number;
  severity: string;
  /** Median episode duration in the week, minutes (an alert still firing at the week's end counts until then). */
  medianMinutes: number;
  firingMinutes: number;
}

export interface FlappingRow { alertname: string; cluster: string; labels: Record<string, string>; cycles: number; medianMinutes: number }

export interface AlertAnalytics {
  total: number;
  /** Whether the alert history reaches back to last week: when false, every "last week" figure is 0 and is no figure. */
  previousKnown: boolean;
  previousTotal: number;
  /** Week-over-week change in percent, rounded to an integer; undefined when last week had none. */
  changePct?: number;
  byDay: { date: string; total: number; bySeverity: Record<string, number>; previous: number }[];
  bySeverity: { severity: string; episodes: number }[];
  byCluster: { cluster: string; episodes: number }[];
  clustersAffected: number;
  rules: AlertRuleRow[];
  /** The first `topN` rules by episodes (the noisiest). */
  noisiest: AlertRuleRow[];
  flapping: FlappingRow[];
  firingMinutes: number;
}

const SEVERITY_ORDER = ['critical', 'error', 'warning', 'info', 'none'];
const severityRank = (s: string) => (SEVERITY_ORDER.indexOf(s) === -1 ? SEVERITY_ORDER.length : SEVERITY_ORDER.indexOf(s));

const inRange = (e: AlertEpisode, r: { startMs: number; endMs: number }) => e.startMs >= r.startMs && e.startMs < r.endMs;
const minutes = (ms: number) => Math.round(ms / 60_000);

/** Stable identity of one alert series. */
export function seriesKey(e: AlertEpisode): string {
  const rest = Object.entries(e.labels).filter(([k]) => k !== 'alertname' && k !== 'severity' && k !== 'cluster').sort(([a], [b]) => compareText(a, b));
  return JSON.stringify([e.alertname, e.cluster, rest]);
}

export function median(values: readonly number[]): number {
  if (values.length === 0) return 0;
  const s = [...values].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const out = new Map<string, number>();
  for (const i of items) out.set(key(i), (out.get(key(i)) ?? 0) + 1);
  return out;
}

function groupBy<T>(items: readonly T[], key: (t: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const i of items) {
    const list = out.get(key(i));
    if (list) list.push(i);
    else out.set(key(i), [i]);
  }
  return out;
}

const byCountThenName = <T extends { episodes: number }>(name: (t: T) => string) => (a: T, b: T) => b.episodes - a.episodes || compareText(name(a), name(b));

function ruleRows(current: AlertEpisode[], previous: AlertEpisode[], clip: (e: AlertEpisode) => number): AlertRuleRow[] {
  const prev = countBy(previous, (e) => e.alertname);
  return [...groupBy(current, (e) => e.alertname)].map(([alertname, eps]) => ({
    alertname,
    episodes: eps.length,
    previousEpisodes: prev.get(alertname) ?? 0,
    clusters: new Set(eps.map((e) => e.cluster)).size,
    severity: [...new Set(eps.map((e) => e.severity))].sort((a, b) => severityRank(a) - severityRank(b))[0],
    medianMinutes: minutes(median(eps.map(clip))),
    firingMinutes: minutes(eps.reduce((s, e) => s + clip(e), 0)),
  })).sort(byCountThenName((r) => r.alertname));
}

function flappingRows(current: AlertEpisode[], minCycles: number, clip: (e: AlertEpisode) => number): FlappingRow[] {
  return [...groupBy(current, seriesKey).values()].filter((eps) => eps.length >= minCycles).map((eps) => ({
    alertname: eps[0].alertname, cluster: eps[0].cluster, labels: eps[0].labels, cycles: eps.length,
    medianMinutes: minutes(median(eps.map(clip))),
  })).sort((a, b) => b.cycles - a.cycles || compareText(a.alertname, b.alertname) || compareText(a.cluster, b.cluster));
}

/** Local wall-clock time `HH:MM` of an instant. */
function wallTime(atMs: number, tz: string): string {
  return new Date(atMs + zoneOffsetMs(tz, atMs)).toISOString().slice(11, 16);
}

/**
 * The previous week's own local days, built like the current week's (the handoff time on each local
 * date), so that day i of last week sits in the row of day i of this week. Shifting last week by the
 * current week's length put an episode in the wrong row, or in none, when either week crossed a DST
 * change. The handoff time is the one most of this week's boundaries show: a boundary in a DST gap
 * resolves later, and a week holds at most one such gap.
 */
function previousWeekDays(week: AlertAnalyticsInput['week']): { startMs: number; endMs: number }[] {
  const times = countBy([...week.days.map((d) => d.startMs), week.endMs], (ms) => wallTime(ms, week.timeZone));
  const time = [...times].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0]))[0][0];
  const starts = week.days.map((d, i) => (i === 0 ? week.previous.startMs : zonedTimeToUtc(addDays(d.date, -7), time, week.timeZone)));
  return starts.map((startMs, i) => ({ startMs, endMs: starts[i + 1] ?? week.previous.endMs }));
}

export function analyseAlerts(input: AlertAnalyticsInput): AlertAnalytics {
  const { week } = input;
  const current = input.current.filter((e) => inRange(e, week));
  const previous = (input.previous ?? []).filter((e) => inRange(e, week.previous));
  // Sources differ on episodes still firing at the end (Prometheus clips them): measure within the week.
  const clip = (e: AlertEpisode) => Math.max(0, Math.min(e.endMs, week.endMs) - e.startMs);
  const previousDays = previousWeekDays(week);
  const byDay = week.days.map((d, i) => {
    const eps = current.filter((e) => inRange(e, d));
    return {
      date: d.date, total: eps.length, bySeverity: Object.fromEntries(countBy(eps, (e) => e.severity)),
      previous: previous.filter((e) => inRange(e, previousDays[i])).length,
    };
  });
  const rules = ruleRows(current, previous, clip);
  return {
    total: current.length,
    previousKnown: input.previous !== undefined,
    previousTotal: previous.length,
    changePct: previous.length === 0 ? undefined : Math.round(((current.length - previous.length) / previous.length) * 100),
    byDay,
    bySeverity: [...countBy(current, (e) => e.severity)].map(([severity, episodes]) => ({ severity, episodes }))
      .sort((a, b) => severityRank(a.severity) - severityRank(b.severity) || compareText(a.severity, b.severity)),
    byCluster: [...countBy(current, (e) => e.cluster)].map(([cluster, episodes]) => ({ cluster, episodes })).sort(byCountThenName((r) => r.cluster)),
    clustersAffected: new Set(current.map((e) => e.cluster)).size,
    rules,
    noisiest: rules.slice(0, input.topN),
    flapping: flappingRows(current, input.flappingMinCycles, clip),
    firingMinutes: minutes(current.reduce((s, e) => s + clip(e), 0)),
  };
}
