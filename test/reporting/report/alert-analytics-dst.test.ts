/**
 * The "last week" column by day when a week crosses a DST change: last week's episodes are sorted
 * into last week's own local days (handoff to handoff), and day i of last week is shown in the row of
 * day i of this week. Every episode of last week is in exactly one row.
 */
import { describe, expect, it } from 'vitest';
import type { AlertEpisode } from '../../../src/adapters/alerts/types.js';
import { addDays, resolveReportWeek, zonedTimeToUtc } from '../../../src/report/report-week.js';
import { analyseAlerts } from '../../../src/reporting/report/alert-analytics.js';

const localWall = (ms: number, tz: string) =>
  new Intl.DateTimeFormat('en-GB', { timeZone: tz, year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', hourCycle: 'h23' }).format(new Date(ms));

function ep(startMs: number): AlertEpisode {
  return { alertname: 'X', cluster: 'c1', severity: 'warning', labels: {}, startMs, endMs: startMs + 600_000 };
}

describe('analyseAlerts: last week by day across DST changes', () => {
  it.each([
    // [zone, handoff time, week, an episode time after the handoff, one before it, what changes]
    ['America/New_York', '09:00', '2026-11-02', '09:30', '08:30', 'last week ends DST (169 h)'],
    ['America/New_York', '09:00', '2026-10-26', '09:30', '08:30', 'this week ends DST (169 h), last week does not'],
    ['America/New_York', '09:00', '2026-03-09', '09:30', '08:30', 'last week starts DST (167 h)'],
    ['America/New_York', '02:30', '2026-03-02', '03:00', '01:30', 'this week\'s Sunday handoff falls in the DST gap'],
    ['Europe/Berlin', '09:00', '2026-10-26', '09:30', '08:30', 'last week ends DST on its Sunday (169 h)'],
    ['Australia/Lord_Howe', '09:00', '2026-04-06', '09:30', '08:30', 'last week ends a 30-minute DST'],
  ])('%s, handoff %s, week %s: each of last week\'s local days lands in its own row', (timeZone, time, id, after, before) => {
    const week = resolveReportWeek({ weekday: 'monday', time, timeZone }, Date.UTC(2027, 0, 1), id);
    const lastMonday = addDays(id, -7);
    // day i of last week: one episode just after its handoff and one the next day just before the next handoff
    const previous = Array.from({ length: 7 }, (_, i) => [
      ep(zonedTimeToUtc(addDays(lastMonday, i), after, timeZone)), ep(zonedTimeToUtc(addDays(lastMonday, i + 1), before, timeZone)),
    ]).flat();

    const a = analyseAlerts({ current: [], previous, week, topN: 5, flappingMinCycles: 3 });

    expect(previous.map((e) => localWall(e.startMs, timeZone).slice(-5))).toEqual(Array(7).fill([after, before]).flat());
    expect(a.previousTotal).toBe(14);
    expect(a.byDay.map((d) => d.previous)).toEqual([2, 2, 2, 2, 2, 2, 2]);
  });
});
