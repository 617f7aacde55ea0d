import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { resolveReportWeek, zonedTimeToUtc } from '../../src/report/report-week.js';

const berlin = { weekday: 'monday', time: '09:00', timeZone: 'Europe/Berlin' } as const;
const H = 3_600_000;

describe('resolveReportWeek', () => {
  it('picks the last finished week at the handoff time in the time zone', () => {
    const now = Date.parse('2026-11-25T12:00:00Z'); // Wednesday

    const w = resolveReportWeek(berlin, now);

    expect(w.id).toBe('2026-11-16');
    expect(new Date(w.startMs).toISOString()).toBe('2026-11-16T08:00:00.000Z');
    expect(new Date(w.endMs).toISOString()).toBe('2026-11-23T08:00:00.000Z');
    expect(w.previous.endMs).toBe(w.startMs);
    expect(w.days.map((d) => d.date)).toEqual(['2026-11-16', '2026-11-17', '2026-11-18', '2026-11-19', '2026-11-20', '2026-11-21', '2026-11-22']);
  });

  it.each([
    ['one minute before the handoff', '2026-11-23T07:59:00Z', '2026-11-09'],
    ['exactly at the handoff', '2026-11-23T08:00:00Z', '2026-11-16'],
  ])('%s', (_name, now, expected) => {
    expect(resolveReportWeek(berlin, Date.parse(now)).id).toBe(expected);
  });

  it.each([
    ['spring forward (CET → CEST)', '2026-03-23', 167, '2026-03-23T08:00:00.000Z', '2026-03-30T07:00:00.000Z'],
    ['fall back (CEST → CET)', '2026-10-19', 169, '2026-10-19T07:00:00.000Z', '2026-10-26T08:00:00.000Z'],
    ['an ordinary week', '2026-11-23', 168, '2026-11-23T08:00:00.000Z', '2026-11-30T08:00:00.000Z'],
  ])('keeps the wall-clock handoff across DST: %s', (_name, week, hours, start, end) => {
    const w = resolveReportWeek(berlin, Date.parse('2027-01-01T00:00:00Z'), week);

    expect((w.endMs - w.startMs) / H).toBe(hours);
    expect(new Date(w.startMs).toISOString()).toBe(start);
    expect(new Date(w.endMs).toISOString()).toBe(end);
    expect(w.days[6].endMs).toBe(w.endMs);
  });

  it.each([
    ['2026-11-24', /that is a tuesday, but weeks start on the handoff weekday \(report.handoff.weekday: monday\)/],
    ['2026-11-31', /expected a date YYYY-MM-DD/],
    ['23/11/2026', /expected a date YYYY-MM-DD such as 2026-11-23, found "23\/11\/2026"/],
    ['2026-11-30', /that week ends at 2026-12-07T08:00:00.000Z, which is after now/],
  ])('rejects --week %s with a ConfigError', (week, message) => {
    const act = () => resolveReportWeek(berlin, Date.parse('2026-12-01T00:00:00Z'), week);

    expect(act).toThrow(ConfigError);
    expect(act).toThrow(message);
  });

  it('resolves a wall-clock time skipped by DST to the instant after the gap', () => {
    expect(new Date(zonedTimeToUtc('2026-03-29', '02:30', 'Europe/Berlin')).toISOString()).toBe('2026-03-29T01:30:00.000Z');
  });

  it.each([
    ['America/Los_Angeles', '09:00', '2026-03-08T16:00:00.000Z'],
    ['America/Los_Angeles', '03:00', '2026-03-08T10:00:00.000Z'],
    ['America/New_York', '06:00', '2026-03-08T10:00:00.000Z'],
    ['America/Los_Angeles', '02:30', '2026-03-08T10:30:00.000Z'], // skipped: the instant after the gap (03:30 PDT)
  ])('resolves %s %s on the spring-forward day (8 Mar 2026) to that local time', (tz, time, expected) => {
    expect(new Date(zonedTimeToUtc('2026-03-08', time, tz)).toISOString()).toBe(expected);
  });

  it.each([
    ['Europe/Berlin', '2026-10-25', '2026-10-25T00:30:00.000Z'],
    ['America/Los_Angeles', '2026-11-01', '2026-11-01T08:30:00.000Z'],
  ])('resolves a wall-clock time repeated by DST in %s to its first occurrence', (tz, date, expected) => {
    const time = tz === 'Europe/Berlin' ? '02:30' : '01:30';

    expect(new Date(zonedTimeToUtc(date, time, tz)).toISOString()).toBe(expected);
  });

  it('starts a week on the spring-forward Sunday at the handoff time in an American zone (168 h, no gap)', () => {
    const la = { weekday: 'sunday', time: '09:00', timeZone: 'America/Los_Angeles' } as const;

    const w = resolveReportWeek(la, Date.parse('2026-03-20T00:00:00Z'), '2026-03-08');

    expect(new Date(w.startMs).toISOString()).toBe('2026-03-08T16:00:00.000Z');
    expect((w.endMs - w.startMs) / H).toBe(168);
    expect((w.previous.endMs - w.previous.startMs) / H).toBe(167);
  });

  it('handles time zones ahead of UTC across the date line', () => {
    const w = resolveReportWeek({ weekday: 'monday', time: '08:00', timeZone: 'Pacific/Auckland' }, Date.parse('2026-11-25T00:00:00Z'));

    expect(w.id).toBe('2026-11-16');
    expect(new Date(w.startMs).toISOString()).toBe('2026-11-15T19:00:00.000Z');
  });
});
