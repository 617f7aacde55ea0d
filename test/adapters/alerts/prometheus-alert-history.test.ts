import { describe, expect, it } from 'vitest';
import { useFake } from '../../support/use-fake.js';
import { episodesFromSamples } from '../../../src/adapters/alerts/prometheus/episodes-from-samples.js';
import { createPrometheusAlertHistory } from '../../../src/adapters/alerts/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { errorBody, matrixBody, startPrometheusFake, type PrometheusFake } from '../../fakes/prometheus-fake.js';
import { answerAlerts, rawReads, readWindow, routeAlerts, type ScheduledSeries } from './alerts-schedule-fake.js';

const M = 60_000;
const T0 = Date.UTC(2026, 10, 23, 9);
const range = { startMs: T0, endMs: T0 + 600 * M };
const labels = { alertname: 'KubeJobFailed', alertstate: 'firing', severity: 'warning', cluster: 'c1', namespace: 'batch' };

describe('episodesFromSamples', () => {
  it.each([
    ['one run', [0, 1, 2, 3], { intervalMs: M }, [[0, 4]]],
    ['a gap splits the run', [0, 1, 2, 10, 11], { intervalMs: M }, [[0, 3], [10, 12]]],
    ['a missed evaluation (gap of 2) is jitter, not a new episode', [0, 2, 3], { intervalMs: 1.5 * M }, [[0, 4.5]]],
    ['inferred 5-minute interval', [0, 5, 10, 30, 35], {}, [[0, 15], [30, 40]]],
    ['still firing at the range end is clipped', [595, 596, 597, 598, 599], { intervalMs: M }, [[595, 600]]],
    // an episode belongs to the week it started in: its start is not moved to the range start
    ['fired before the range start keeps its real start', [-3, -2, -1, 0, 1], { intervalMs: M }, [[-3, 2]]],
    ['ended before the range start is left out', [-10, -9, -8], { intervalMs: M }, []],
  ])('%s', (_name, minutes, opts, expected) => {
    const eps = episodesFromSamples([{ labels, timestampsMs: minutes.map((m) => T0 + m * M) }], { clusterLabel: 'cluster', fallbackIntervalMs: M, range, ...opts });

    expect(eps.map((e) => [(e.startMs - T0) / M, (e.endMs - T0) / M])).toEqual(expected);
  });

  it('maps labels: alertname, cluster, severity apart, alertstate dropped', () => {
    const [e] = episodesFromSamples([{ labels: { ...labels, cluster: undefined as never, k8s_cluster: 'c9' }, timestampsMs: [T0] }], { clusterLabel: 'k8s_cluster', fallbackIntervalMs: M, range });

    expect(e).toEqual({ alertname: 'KubeJobFailed', cluster: 'c9', severity: 'warning', labels: { namespace: 'batch' }, startMs: T0, endMs: T0 + M });
  });
});

describe('createPrometheusAlertHistory against the Prometheus fake', () => {
  let fake: PrometheusFake;
  let sleeps: number[];
  const history = (extra: Partial<Parameters<typeof createPrometheusAlertHistory>[0]> = {}) => createPrometheusAlertHistory({
    baseUrl: fake.url, logger: silentLogger, clock: fixedClock(T0), sleep: async (ms) => void sleeps.push(ms), ...extra,
  });
  /** KubeJobFailed fires in minutes [10, 20) and [30, 35), a sample a minute. */
  const schedule: ScheduledSeries[] = [{ labels, firing: [[T0 + 10 * M, T0 + 20 * M], [T0 + 30 * M, T0 + 35 * M]] }];

  useFake(startPrometheusFake, (f, s) => { fake = f; sleeps = s; });

  it('reads ALERTS raw, in pieces within the samples budget, and stitches the episodes', async () => {
    routeAlerts(fake, schedule);

    const eps = await history({ maxSamplesPerQuery: 10, matchers: 'env="prod"' }).listEpisodes(range);

    // the hourly probe counts 15 samples in the first hour: over the budget of 10, it is a read of its own
    expect(fake.requests[0].params.get('query')).toBe('sum(count_over_time(ALERTS{alertstate="firing", env="prod"}[60m]))');
    expect(rawReads(fake).map((r) => r.params.get('query')?.replace(/\[\d+ms\]$/, ''))).toEqual(Array(2).fill('ALERTS{alertstate="firing", env="prod"}'));
    expect(rawReads(fake).map(readWindow)).toEqual([{ fromMs: T0 - 5 * M, toMs: T0 + 60 * M }, { fromMs: T0 + 60 * M, toMs: range.endMs }]);
    expect(eps.map((e) => [(e.startMs - T0) / M, (e.endMs - T0) / M, e.alertname, e.cluster])).toEqual([[10, 20, 'KubeJobFailed', 'c1'], [30, 35, 'KubeJobFailed', 'c1']]);
  });

  it('retries 503 and 429 (after Retry-After) and splits a 422 in halves', async () => {
    // the hourly probe counts nothing: one read
    fake.route('/api/v1/query_range', () => ({ body: matrixBody([]) }));
    fake.route('/api/v1/query', (req, nth) => {
      if (nth === 0) return { status: 503, body: errorBody('unavailable', 'try later') };
      if (nth === 1) return { status: 429, headers: { 'retry-after': '7' }, body: errorBody('too_many', 'slow down') };
      if (nth === 2) return { status: 422, body: errorBody('execution', 'query processing would load too many samples') };
      return { body: answerAlerts(req, schedule) };
    });

    const eps = await history({ retryBaseDelayMs: 100 }).listEpisodes(range);

    expect(sleeps[1]).toBe(7000);
    expect(sleeps).toHaveLength(2);
    expect(rawReads(fake)).toHaveLength(5);
    expect(eps).toHaveLength(2);
  });

  it('fails with the server\'s message after the retries', async () => {
    fake.route('/api/v1/query_range', () => ({ status: 502, body: 'bad gateway' }));

    await expect(history({ retries: 1 }).listEpisodes(range)).rejects.toThrow(/Prometheus answered 502: bad gateway/);
    expect(fake.requests).toHaveLength(2);
  });
});
