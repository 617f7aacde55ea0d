/**
 * createPrometheusAlertHistory against the Prometheus fake: an alert firing at the range start is
 * read further back, only its alert name, until its episode's start shows or the look-back limit.
 * The fake plays ALERTS sampled every minute for a schedule of firing minutes per series.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrometheusAlertHistory } from '../../../src/adapters/alerts/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { matrixBody, startPrometheusFake, type PrometheusFake, type RecordedRequest } from '../../fakes/prometheus-fake.js';

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

function answer(req: RecordedRequest): unknown {
  const start = Number(req.params.get('start'));
  const end = Number(req.params.get('end'));
  const names = /alertname=~"([^"]*)"/.exec(req.params.get('query') ?? '')?.[1].split('|');
  const series = Object.entries(SCHEDULE).filter(([name]) => !names || names.includes(name)).flatMap(([name, runs]) => {
    const values: [number, number][] = [];
    // timestamp() at each step: the last sample (one a minute, on the minute) at or before the step
    for (let t = start; t <= end; t += 60) {
      const minute = Math.floor((t * 1000 - T0) / M);
      if (runs.some(([from, to]) => minute >= from && minute < to)) values.push([t, (T0 + minute * M) / 1000]);
    }
    return values.length ? [{ metric: { alertname: name, alertstate: 'firing', cluster: 'c1', severity: 'warning' }, values }] : [];
  });
  return matrixBody(series);
}

describe('alert history look-back before the range', () => {
  let fake: PrometheusFake;
  const logged: string[] = [];
  const logger = { ...silentLogger, info: (_meta: object, msg: string) => void logged.push(msg) } as typeof silentLogger;

  beforeEach(async () => {
    fake = await startPrometheusFake();
    fake.route('/api/v1/query_range', (req) => ({ body: answer(req) }));
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
    const lookbackQueries = fake.requests.map((r) => r.params.get('query')).filter((q) => q?.includes('alertname=~'));
    expect(lookbackQueries[0]).toBe('timestamp(ALERTS{alertstate="firing", alertname=~"Crossing|Forever|Gapped"})');
    expect(lookbackQueries.at(-1)).toBe('timestamp(ALERTS{alertstate="firing", alertname=~"Forever"})');
    expect(Math.min(...fake.requests.map((r) => Number(r.params.get('start'))))).toBe((T0 - 30 * DAY) / 1000);
    expect(logged).toContain('alert firing since before the look-back limit; its start shows the limit');
  });
});
