/**
 * A Thanos/Mimir partial response (status success with warnings: a store or ingester did not answer)
 * is not a complete alert history: the adapter retries it and then fails, so the weekly report names
 * the source as unavailable and the run exits 1. Prometheus' own PromQL annotations are not partial.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFake } from '../../support/use-fake.js';
import { createPrometheusAlertHistory } from '../../../src/adapters/alerts/prometheus/index.js';
import { createOutboxChat } from '../../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { matrixBody, startPrometheusFake, type PrometheusFake } from '../../fakes/prometheus-fake.js';
import { memoryStore, runReport, tempDir } from '../../report/report-fixtures.js';

const NOW = Date.UTC(2026, 11, 1, 12);
const T0 = Date.UTC(2026, 10, 23, 9);
const range = { startMs: T0, endMs: T0 + 600 * 60_000 };
const PARTIAL = 'partial response: store gateway eu-west-1 unavailable, results may be incomplete';
const INFO = 'PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "ALERTS"';

/** One firing sample, an hour into the range, in the raw read, with the given warnings. */
const answer = (_params: URLSearchParams, warnings?: string[]) => {
  const t = (T0 + 3_600_000) / 1000;
  return { body: matrixBody([{ metric: { alertname: 'X', alertstate: 'firing', cluster: 'c1', severity: 'warning' }, values: [[t, 1]] }], warnings) };
};

describe('partial answers of the alert history', () => {
  let fake: PrometheusFake;
  let sleeps: number[];
  const history = (retries: number) => createPrometheusAlertHistory({
    baseUrl: fake.url, logger: silentLogger, clock: fixedClock(NOW), retries, sleep: async (ms) => void sleeps.push(ms),
  });

  /** The planning probe, partial too: an estimate, it fails nothing. */
  const routeProbe = () => fake.route('/api/v1/query_range', () => ({ body: matrixBody([], [PARTIAL]) }));

  useFake(startPrometheusFake, (f, s) => { fake = f; sleeps = s; });

  it('fails with the warning after retrying a partial answer', async () => {
    routeProbe();
    fake.route('/api/v1/query', (req) => answer(req.params, [PARTIAL]));

    const err = await history(2).listEpisodes(range).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toMatch(/partial.*store gateway eu-west-1 unavailable/);
    // the hourly probe (an estimate: its warnings do not fail it), then the read and its 2 retries
    expect(fake.requests).toHaveLength(4);
    expect(sleeps).toHaveLength(2);
  });

  it.each([
    ['a retry answers in full', (nth: number) => (nth === 0 ? [PARTIAL] : undefined)],
    ['the only warning is a PromQL info annotation', () => [INFO]],
  ])('reads the episodes when %s', async (_case, warningsOf) => {
    routeProbe();
    fake.route('/api/v1/query', (req, nth) => answer(req.params, warningsOf(nth)));

    const eps = await history(1).listEpisodes(range);

    expect(eps.map((e) => [e.alertname, (e.startMs - T0) / 60_000])).toEqual([['X', 60]]);
  });

  it('the weekly report names the alert history as unavailable and the run exits 1', async () => {
    routeProbe();
    fake.route('/api/v1/query', (req) => answer(req.params, [PARTIAL]));
    const dir = tempDir();

    const { job, out } = await runReport({
      alerts: history(0), nowMs: NOW, week: '2026-11-23', store: await memoryStore(),
      chat: createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW) }), docs: createFileDocWriter({ dir: join(dir, 'docs') }),
    });

    const sources = renderMarkdown(out!.doc).split('## Data sources')[1];
    expect(job.exitCode).toBe(1);
    expect(job.failures.map((f) => f.part)).toEqual(['source:alert-history']);
    expect(job.failures[0].message).toMatch(/partial/);
    expect(out!.report.unavailable).toEqual(['source:alert-history']);
    expect(sources).toContain('source:alert-history');
    expect(sources).not.toContain('Every source answered.');
  });
});
