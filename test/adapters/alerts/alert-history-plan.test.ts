/**
 * The alert history's query plan at fleet scale: samples are read raw (an instant query of a range,
 * whose cost follows the samples), not as a range query that evaluates every series at every step;
 * every read stays under the samples-per-query budget (sized by the hourly probe); and a read that
 * needs only to know whether an episode started before the range does not read weeks back.
 */
import { describe, expect, it } from 'vitest';
import { useFake } from '../../support/use-fake.js';
import { createPrometheusAlertHistory } from '../../../src/adapters/alerts/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { errorBody, matrixBody, startPrometheusFake, type PrometheusFake } from '../../fakes/prometheus-fake.js';
import { rawReads, readWindow, routeAlerts, type ScheduledSeries } from './alerts-schedule-fake.js';

const M = 60_000;
const H = 60 * M;
const DAY = 24 * H;
const T0 = Date.UTC(2026, 10, 24, 9);
const week = { startMs: T0, endMs: T0 + 7 * DAY };
/** The samples the steps of the week see: from 5 minutes before its first step to its last (the step at the end). */
const READ = { fromMs: T0 - 5 * M, toMs: week.endMs };

describe('alert history query plan', () => {
  let fake: PrometheusFake;
  const history = (extra: Partial<Parameters<typeof createPrometheusAlertHistory>[0]> = {}) => createPrometheusAlertHistory({
    baseUrl: fake.url, logger: silentLogger, clock: fixedClock(week.endMs), sleep: async () => undefined, ...extra,
  });

  useFake(startPrometheusFake, (f) => { fake = f; });

  it('a week at 7,000 clusters, each with an alert firing all week: raw reads of at most 5,000,000 samples', async () => {
    // the probe counts 7,000 series × 60 samples in every hour; the reads answer nothing: the plan is under test
    fake.route('/api/v1/query_range', (req) => {
      const [start, end] = [Number(req.params.get('start')), Number(req.params.get('end'))];
      return { body: matrixBody([{ metric: {}, values: Array.from({ length: (end - start) / 3600 + 1 }, (_, i) => [start + i * 3600, 420_000] as [number, number]) }]) };
    });
    fake.route('/api/v1/query', () => ({ body: matrixBody([]) }));

    await history().listEpisodes({ ...week, lookBack: 'range' });

    // a week of timestamp(ALERTS) at 60 s was 10,000 + 81 steps × 7,000 series: 70,000,000 samples, over Prometheus' 50,000,000
    const windows = rawReads(fake).map(readWindow);
    expect(fake.requests[0].params.get('query')).toBe('sum(count_over_time(ALERTS{alertstate="firing"}[60m]))');
    expect(windows.every((w) => ((w.toMs - w.fromMs) / H) * 420_000 <= 5_000_000)).toBe(true);
    expect(windows[0].fromMs).toBe(READ.fromMs);
    expect(windows.at(-1)!.toMs).toBe(READ.toMs);
    expect(windows.every((w, i) => i === 0 || w.fromMs === windows[i - 1].toMs)).toBe(true);
    expect(windows.length).toBeLessThanOrEqual(17);
    expect(fake.requests.some((r) => r.params.get('query')?.startsWith('timestamp('))).toBe(false);
  });

  it('a quiet fleet is one raw read of the week', async () => {
    routeAlerts(fake, [{ labels: { alertname: 'KubeJobFailed', cluster: 'c1', severity: 'warning' }, firing: [[T0 + 100 * M, T0 + 130 * M]] }]);

    const eps = await history().listEpisodes(week);

    expect(rawReads(fake).map((r) => r.params.get('query'))).toEqual([`ALERTS{alertstate="firing"}[${READ.toMs - READ.fromMs}ms]`]);
    expect(rawReads(fake).map(readWindow)).toEqual([READ]);
    expect(eps.map((e) => [(e.startMs - T0) / M, (e.endMs - T0) / M])).toEqual([[100, 130]]);
  });

  it('a probe the server refuses leaves one read, halved when the server refuses it as too large', async () => {
    fake.route('/api/v1/query_range', () => ({ status: 400, body: errorBody('bad_data', 'unknown function with name "count_over_time"') }));
    fake.route('/api/v1/query', (_req, nth) => (nth === 0
      ? { status: 422, body: errorBody('execution', 'query processing would load too many samples into memory in query execution') }
      : { body: matrixBody([]) }));

    await history().listEpisodes(week);

    const half = READ.fromMs + (READ.toMs - READ.fromMs) / 2;
    expect(rawReads(fake).map(readWindow)).toEqual([READ, { fromMs: READ.fromMs, toMs: half }, { fromMs: half, toMs: READ.toMs }]);
  });

  it("lookBack 'range' reads back only far enough to show an episode started before the range", async () => {
    const forever: ScheduledSeries = { labels: { alertname: 'Watchdog', cluster: 'c1', severity: 'none' }, firing: [[T0 - 60 * DAY, week.endMs + DAY]] };
    const fresh: ScheduledSeries = { labels: { alertname: 'KubeJobFailed', cluster: 'c2', severity: 'warning' }, firing: [[T0 - 2 * M, T0 + 30 * M]] };
    routeAlerts(fake, [forever, fresh]);

    const eps = await history().listEpisodes({ ...week, lookBack: 'range' });

    // both started before the range: neither counts in it (with 'start' the Watchdog is read back 30 days)
    expect(eps.map((e) => [e.alertname, e.startMs < T0])).toEqual([['Watchdog', true], ['KubeJobFailed', true]]);
    expect(eps.find((e) => e.alertname === 'KubeJobFailed')!.startMs).toBe(T0 - 2 * M);
    expect(Math.min(...rawReads(fake).map((r) => readWindow(r).fromMs))).toBeGreaterThanOrEqual(T0 - 15 * M);
  });
});
