/**
 * On-call weeks: [handoff, next handoff) on the configured weekday and wall-clock time in the
 * configured time zone. Boundaries are computed in local time, so a week that crosses a DST change
 * lasts 167 or 169 hours and every handoff stays at the same wall-clock time.
 */
import { ConfigError } from '../core/errors.js';
import { WEEKDAYS, type Weekday } from './report-config.js';

export interface Handoff {
  weekday: Weekday;
  /** `HH:MM`, 24 h. */
  time: string;
  timeZone: string;
}

export interface ReportWeek {
  /** Local date of the starting handoff, `YYYY-MM-DD`: the week's id and idempotency key part. */
  id: string;
  startMs: number;
  endMs: number;
  previous: { startMs: number; endMs: number };
  /** The 7 rotation days [handoff + i days, handoff + i + 1 days), local dates as labels. */
  days: { date: string; startMs: number; endMs: number }[];
  timeZone: string;
}

const DAY_MS = 86_400_000;

/** Offset (local − UTC) in ms of `tz` at instant `atMs`. */
export function zoneOffsetMs(tz: string, atMs: number): number {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: tz, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric',
  }).formatToParts(new Date(atMs));
  const get = (t: string) => Number(parts.find((p) => p.type === t)?.value);
  const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
  return local - Math.floor(atMs / 1000) * 1000;
}

/**
 * The instant of a local wall-clock time. Candidates are `wall - offset` for the offsets in force a day
 * either side and at the naive guesses; a candidate is right when its own offset is the one it assumed.
 * A repeated time (DST end) resolves to its first occurrence; a time skipped by DST (no candidate is
 * right) resolves to the instant after the gap, i.e. the time read with the offset before the change.
 */
export function zonedTimeToUtc(date: string, time: string, tz: string): number {
  const [y, m, d] = date.split('-').map(Number);
  const [hh, mm] = time.split(':').map(Number);
  const wall = Date.UTC(y, m - 1, d, hh, mm);
  const naive = zoneOffsetMs(tz, wall);
  const offsets = new Set([naive, zoneOffsetMs(tz, wall - naive), zoneOffsetMs(tz, wall - DAY_MS), zoneOffsetMs(tz, wall + DAY_MS)]);
  const instants = [...offsets].map((o) => wall - o);
  const exact = instants.filter((at) => zoneOffsetMs(tz, at) === wall - at);
  return exact.length > 0 ? Math.min(...exact) : Math.max(...instants);
}

/** Local calendar date (`YYYY-MM-DD`) of an instant. */
export function localDate(atMs: number, tz: string): string {
  return new Date(atMs + zoneOffsetMs(tz, atMs)).toISOString().slice(0, 10);
}

export function addDays(date: string, days: number): string {
  return new Date(Date.parse(`${date}T00:00:00Z`) + days * DAY_MS).toISOString().slice(0, 10);
}

function weekdayOf(date: string): Weekday {
  return WEEKDAYS[new Date(`${date}T00:00:00Z`).getUTCDay()];
}

function weekStartingOn(date: string, h: Handoff): ReportWeek {
  const at = (i: number) => zonedTimeToUtc(addDays(date, i), h.time, h.timeZone);
  const days = Array.from({ length: 7 }, (_, i) => ({ date: addDays(date, i), startMs: at(i), endMs: at(i + 1) }));
  return { id: date, startMs: at(0), endMs: at(7), previous: { startMs: at(-7), endMs: at(0) }, days, timeZone: h.timeZone };
}

/**
 * The week to report: the one starting on `week` (a handoff date, e.g. `2026-11-23`), or else the
 * last week that ended at or before `nowMs`. Throws ConfigError for a malformed date, a date that is
 * not a handoff weekday, or a week that has not ended yet.
 */
export function resolveReportWeek(h: Handoff, nowMs: number, week?: string): ReportWeek {
  if (week === undefined) {
    const today = localDate(nowMs, h.timeZone);
    const back = (WEEKDAYS.indexOf(weekdayOf(today)) - WEEKDAYS.indexOf(h.weekday) + 7) % 7;
    let end = addDays(today, -back);
    if (zonedTimeToUtc(end, h.time, h.timeZone) > nowMs) end = addDays(end, -7);
    return weekStartingOn(addDays(end, -7), h);
  }
  if (!/^\d{4}-\d{2}-\d{2}$/.test(week) || Number.isNaN(Date.parse(`${week}T00:00:00Z`)) || addDays(week, 0) !== week) {
    throw new ConfigError(`--week: expected a date YYYY-MM-DD such as 2026-11-23, found ${JSON.stringify(week)}`);
  }
  if (weekdayOf(week) !== h.weekday) {
    throw new ConfigError(`--week ${week}: that is a ${weekdayOf(week)}, but weeks start on the handoff weekday (report.handoff.weekday: ${h.weekday})`);
  }
  const resolved = weekStartingOn(week, h);
  if (resolved.endMs > nowMs) {
    throw new ConfigError(`--week ${week}: that week ends at ${new Date(resolved.endMs).toISOString()}, which is after now; pick a week that has ended`);
  }
  return resolved;
}
