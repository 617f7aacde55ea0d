import { describe, expect, it } from 'vitest';
import { resolveReportWeek } from '../../../src/report/report-week.js';
import { reportNumberPool, ungroundedNumbers } from '../../../src/reporting/report/highlights.js';
import { buildWeeklyReport } from '../../../src/reporting/report/weekly-report.js';

const week = resolveReportWeek({ weekday: 'monday', time: '09:00', timeZone: 'UTC' }, Date.UTC(2026, 11, 1), '2026-11-23');
const episode = (i: number, startMs: number) => ({ alertname: 'CPUThrottlingHigh', cluster: `c${i}`, severity: 'warning', labels: {}, startMs, endMs: startMs + 6e5 });
const T0 = Date.UTC(2026, 10, 24, 3);
// 3 episodes on 3 clusters against 2 last week: +50%.
const report = buildWeeklyReport({
  week, generatedAtMs: Date.UTC(2026, 11, 1), unavailable: [],
  episodes: { current: [0, 1, 2].map((i) => episode(i, T0 + i * 3.6e6)), previous: [0, 1].map((i) => episode(i, week.previous.startMs + i * 3.6e6)) },
  options: { topN: 10, flappingMinCycles: 3, toilMinutes: { report: 120, rca: 30, remediation: 20, groupedAlert: 2 } },
});
const RENDERED = '3 alert episodes (+50% on last week) on 3 clusters; 1,250 samples read; 88 pods restarted.';

describe('ungroundedNumbers', () => {
  it.each([
    ['a number with a thousands separator', 'Alert volume exploded to 1,000 episodes.', ['1000']],
    ['numbers in words', 'There were twelve incidents and forty-two flapping series.', ['twelve', 'forty-two']],
    ['a percentage that is only a count in the report', 'Alert episodes rose 3% week over week.', ['3%']],
  ])('rejects %s the report does not hold', (_name, text, expected) => {
    expect(ungroundedNumbers(text, reportNumberPool(report, RENDERED))).toEqual(expected);
  });

  it.each([
    'Alerts rose 50% to 3 episodes on three clusters.',
    'The scan read 1,250 samples and 88 pods restarted.',
  ])('accepts %j, whose numbers are all in the report', (text) => {
    expect(ungroundedNumbers(text, reportNumberPool(report, RENDERED))).toEqual([]);
  });

  it('accepts a percentage held only in the model under a percentage key', () => {
    expect(report.alerts.changePct).toBe(50);

    expect(ungroundedNumbers('Up 50% on last week.', reportNumberPool(report, 'nothing rendered'))).toEqual([]);
  });
});
