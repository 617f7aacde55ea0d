/**
 * createPrometheusAlertHistory against the Prometheus fake: an alert firing at the range start is
 * read further back, only its alert name, until its episode's start shows or the look-back limit.
 * The fake plays ALERTS sampled every minute for a schedule of firing minutes per series.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrometheusAlertHistory } from '../../../src/adapters/alerts/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startPrometheusFake, type PrometheusFake } from '../../fakes/prometheus-fake.js';
import { rawReads, readWindow, routeAlerts, type ScheduledSeries } from './alerts-schedule-fake.js';

const M = 60_000;
const DAY = 24 * 60 * M;
const T0 = Date.UTC(2026, 11, 7, 9);
const range = { startMs: T0, endMs: T0 + 7 * DAY };

/** Firing intervals [from, to) in minutes from T0, per alert name (cluster c1). */
const SCHEDULE: Record<string, [number, number][]> = {
  Fresh: [[100, 130]], // within the range: no look-back
  Crossing: [[-3 * 24 * 60, 60]], // started 3 days before the range
  Gapped: [[-2 * 24 * 60, -30], [-1, 20]], // fired earlier, resolved, fired again a minute before the range
  Forever: [[-60 * 24 * 60, 8 * 24 * 60]], // started 60 days before: past the look-back limit
};

/** The schedule as the fake serves it: a sample every minute, on the minute, while firing. */
const SERIES: ScheduledSeries[] = Object.entries(SCHEDULE).map(([name, runs]) => ({
  labels: { alertname: name, cluster: 'c1', severity: 'warning' },
  firing: runs.map(([from, to]) => [T0 + from * M, T0 + to * M] as [number, number]),
}));

describe('alert history look-back before the range', () => {
  let fake: PrometheusFake;
  const logged: string[] = [];
  const logger = { ...silentLogger, info: (_meta: object, msg: string) => void logged.push(msg) } as typeof silentLogger;

  beforeEach(async () => {
    fake = await startPrometheusFake();
    routeAlerts(fake, SERIES);
    logged.length = 0;
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('finds the real start of episodes already firing at the range start, and only those are read back', async () => {
    const history = createPrometheusAlertHistory({ baseUrl: fake.url, logger, clock: fixedClock(range.endMs), maxLookbackDays: 30 });

    const eps = await history.listEpisodes(range);

    const byName = Object.fromEntries(eps.map((e) => [e.alertname, [(e.startMs - T0) / M, (e.endMs - T0) / M]]));
    expect(byName).toEqual({
      Fresh: [100, 130],
      Crossing: [-3 * 24 * 60, 60],
      Gapped: [-1, 20], // the earlier episode ended before the range: not merged across the gap, not listed
      Forever: [-30 * 24 * 60, 7 * 24 * 60], // the look-back limit; the end is the range end
    });
    const lookbackQueries = rawReads(fake).map((r) => r.params.get('query')?.replace(/\[\d+ms\]$/, '')).filter((q) => q?.includes('alertname=~'));
    expect(lookbackQueries[0]).toBe('ALERTS{alertstate="firing", alertname=~"Crossing|Forever|Gapped"}');
    expect(lookbackQueries.at(-1)).toBe('ALERTS{alertstate="firing", alertname=~"Forever"}');
    // the first step 30 days back sees samples up to 5 minutes before it
    expect(Math.min(...rawReads(fake).map((r) => readWindow(r).fromMs))).toBe(T0 - 30 * DAY - 5 * M);
    expect(logged).toContain('alert firing since before the look-back limit; its start shows the limit');
  });
});
