import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { checkSymptomPresent } from '../../src/digest/symptom-check.js';
import { buildCatalog } from '../../src/signals/catalog.js';
import { constantMetrics } from './digest-fixtures.js';

const NOW = Date.UTC(2026, 10, 30);
const finding = (over: Partial<AnomalyRow>): AnomalyRow => ({
  id: 'f', runId: 'r', cluster: 'c1', component: 'coredns', signal: 'availability', kind: 'dip', severity: 'critical', startMs: 0, endMs: 1, score: 1, details: {}, ...over,
});

describe('checkSymptomPresent', () => {
  it.each([
    { name: 'availability below its SLO', f: finding({ details: { slo: 0.999 } }), value: 0.99, present: true },
    { name: 'availability back above its SLO', f: finding({ details: { slo: 0.999 } }), value: 0.9999, present: false },
    { name: 'latency past halfway to its worst', f: finding({ kind: 'anomaly', signal: 'latency_p99', details: { baseline: 0.1, worst: 0.5 } }), value: 0.4, present: true },
    { name: 'latency back near its baseline', f: finding({ kind: 'anomaly', signal: 'latency_p99', details: { baseline: 0.1, worst: 0.5 } }), value: 0.12, present: false },
    { name: 'a silent cluster still silent', f: finding({ kind: 'missing-data' }), value: Number.NaN, present: true },
    { name: 'a silent cluster reporting again', f: finding({ kind: 'missing-data' }), value: 0.9999, present: false },
  ])('$name → present $present', async ({ f, value, present }) => {
    const metrics = constantMetrics(() => value);

    const check = await checkSymptomPresent([f], { metrics, catalog: buildCatalog(), nowMs: NOW, stepSeconds: 300 });

    expect(check.present).toBe(present);
    expect(check.clusters).toEqual(present ? ['c1'] : []);
    expect(metrics.requests[0]).toMatchObject({ clusters: ['c1'], startMs: NOW - 15 * 60_000, endMs: NOW });
  });
});

describe('checkSymptomPresent with a query that failed for some clusters', () => {
  /** c2's query failed (a partial answer): it is absent from the series and listed in failedClusters. */
  function partial(value: number) {
    const base = constantMetrics(() => value);
    return {
      ...base,
      async query(req: Parameters<typeof base.query>[0]) {
        const answer = await base.query(req);
        return { ...answer, series: answer.series.filter((s) => s.cluster !== 'c2'), failedClusters: ['c2'], failureReasons: ['HTTP 503 from Prometheus'] };
      },
    };
  }

  it.each([
    { name: 'a silent cluster whose query failed is not "still silent"', f: finding({ kind: 'missing-data', cluster: 'c2' }) },
    { name: 'a dip whose query failed is not "recovered"', f: finding({ cluster: 'c2', details: { slo: 0.999 } }) },
  ])('$name: not judged, and says why', async ({ f }) => {
    const check = await checkSymptomPresent([f], { metrics: partial(0.9999), catalog: buildCatalog(), nowMs: NOW, stepSeconds: 300 });

    // before: the missing-data symptom read as present (no samples) and the dip as recovered
    expect(check).toMatchObject({ present: false, clusters: [], unknown: ['c2'] });
    expect(check.detail).toBe('symptom not judged: the metrics query failed for c2 (HTTP 503 from Prometheus)');
  });

  it('a cluster that answered with the symptom still counts, whatever failed elsewhere', async () => {
    const check = await checkSymptomPresent([finding({ details: { slo: 0.999 } }), finding({ cluster: 'c2', details: { slo: 0.999 } })], { metrics: partial(0.99), catalog: buildCatalog(), nowMs: NOW, stepSeconds: 300 });

    expect(check).toMatchObject({ present: true, clusters: ['c1'], unknown: ['c2'] });
  });
});
