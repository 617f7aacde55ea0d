/** What the Prometheus adapter says about queries the run's own deadline cut off or never sent. */
import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics, type PrometheusMetricsOptions } from '../../../src/adapters/metrics/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { buildCatalog } from '../../../src/signals/catalog.js';
import { startPrometheusFake, type PrometheusFake } from '../../fakes/prometheus-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2025, 5, 4);
const STEP = 300;
const catalog = buildCatalog();
let fake: PrometheusFake;
useFake(startPrometheusFake, (f) => { fake = f; });

const source = (extra: Partial<PrometheusMetricsOptions> = {}) => createPrometheusMetrics({
  baseUrl: fake.url, catalog, logger: silentLogger, clock: fixedClock(T0), useRecordingRules: 'never', retries: 0, sleep: async () => {}, ...extra,
});
const request = { signal: 'availability', component: 'coredns', clusters: ['c1', 'c2'], startMs: T0, endMs: T0 + 4 * STEP * 1000, stepSeconds: STEP };

describe('Prometheus queries and the run deadline', () => {
  it.each(['lean', 'prometheus-query'] as const)('blames the run deadline, not metrics.prometheus.timeoutMs, for a query the deadline cut off (%s)', async (decoder) => {
    fake.route('/api/v1/query_range', () => ({ hang: true }));
    const deadline = AbortSignal.any([AbortSignal.timeout(100)]);

    const answer = await source({ decoder, timeoutMs: 30_000 }).query({ ...request, abortSignal: deadline });

    expect(answer.failedClusters.sort()).toEqual(['c1', 'c2']);
    expect(answer.failureReasons?.join()).toMatch(/deadline/);
    expect(answer.failureReasons?.join()).not.toMatch(/metrics\.prometheus\.timeoutMs/);
  });

  it('sends nothing for a query asked after the run deadline, and says the deadline passed', async () => {
    const deadline = AbortSignal.timeout(0);
    await new Promise((resolve) => setTimeout(resolve, 20));

    const asked = source().query({ ...request, abortSignal: deadline });

    await expect(asked).rejects.toThrow(/^Prometheus query not sent: the run's deadline passed \(deadlineSeconds\)/);
    expect(fake.requests).toHaveLength(0);
  });
});
