import { describe, expect, it } from 'vitest';
import { parseKubernetesCron } from '../../src/core/cron-grammar.js';
import { checkDstSafe, dstAffectedMinutes } from '../../src/core/dst-check.js';
import { JOB_SCHEDULES } from '../../src/core/schedules.js';

const FROM = Date.UTC(2026, 0, 1);

describe('Kubernetes cron grammar', () => {
  it.each([
    ['*/2 * * * *', (p: Exclude<ReturnType<typeof parseKubernetesCron>, string>) => p.minutes.size === 30],
    ['0 9 * * MON', (p: Exclude<ReturnType<typeof parseKubernetesCron>, string>) => p.daysOfWeek.has(1) && p.hours.has(9)],
    ['5 1-3,22 1 JAN-MAR 0', (p: Exclude<ReturnType<typeof parseKubernetesCron>, string>) => p.hours.size === 4 && p.months.size === 3],
  ])('accepts %s', (expr, check) => {
    const parsed = parseKubernetesCron(expr);

    expect(typeof parsed).not.toBe('string');
    expect(check(parsed as never)).toBe(true);
  });

  it.each([
    ['0 */5 * * * *', /expected 5 fields/],
    ['61 * * * *', /minute "61": 61-61 is outside 0-59/],
    ['0 0 ? * *', /day of month "\?"/],
    ['0 0 L * *', /day of month "L": "L" is not a number/],
    ['0 0 * * 1#2', /day of week "1#2"/],
  ])('rejects %s naming the field', (expr, message) => {
    expect(parseKubernetesCron(expr)).toMatch(message);
  });
});

describe('daylight-saving safety', () => {
  it('finds the skipped and repeated hour in New York', () => {
    const affected = dstAffectedMinutes('America/New_York', FROM);

    expect(affected.has(2 * 60 + 30)).toBe(true);
    expect(affected.has(1 * 60 + 30)).toBe(true);
    expect(affected.has(9 * 60)).toBe(false);
  });

  it.each([
    ['30 2 * * *', 'America/New_York', /fires at 02:30 America\/New_York/],
    ['15 1 * * *', 'America/New_York', /fires at 01:15/],
    ['5 * * * *', 'Europe/Berlin', /fires at 0[23]:05/],
  ])('rejects %s in %s', (cron, zone, message) => {
    expect(checkDstSafe(cron, zone, FROM)).toMatch(message);
  });

  it.each([
    ['Europe/Berlin', Date.UTC(2026, 11, 1, 13, 40, 17), [2 * 60, 2 * 60 + 59], [60 + 59, 3 * 60], '30 2 * * 0'],
    ['America/New_York', Date.UTC(2026, 11, 1, 13, 40), [60, 2 * 60 + 59], [59, 3 * 60], '30 2 * * 0'],
    // half-hour changes (Lord Howe, +10:30 / +11): 01:30-01:59 repeats, 02:00-02:29 is skipped
    ['Australia/Lord_Howe', Date.UTC(2026, 11, 1, 13, 7), [60 + 30, 2 * 60 + 29], [60 + 29, 2 * 60 + 30], '15 2 * * 0'],
  ])('finds exactly the affected local minutes in %s when looking from a time off the hour', (zone, from, [first, last], [before, after], cron) => {
    const affected = dstAffectedMinutes(zone, from);

    // before: read at hourly steps from :40, Berlin's skipped hour came out as 02:40-03:39
    expect(affected.has(first) && affected.has(last)).toBe(true);
    expect(affected.has(before) || affected.has(after)).toBe(false);
    expect(checkDstSafe(cron, zone, from)).toMatch(/fires at 02:[13][05]/);
  });

  it('accepts any hour in UTC', () => {
    expect(checkDstSafe('5 * * * *', 'Etc/UTC', FROM)).toBeUndefined();
  });
});

describe('the shipped schedules', () => {
  it.each(JOB_SCHEDULES.map((s) => [s.job, s]))('%s is valid Kubernetes cron and DST-safe', (_job, s) => {
    expect(typeof parseKubernetesCron(s.cron)).not.toBe('string');
    expect(checkDstSafe(s.cron, s.timeZone, FROM)).toBeUndefined();
    expect(s.activeDeadlineSeconds).toBeLessThanOrEqual(s.intervalSeconds);
  });
});
