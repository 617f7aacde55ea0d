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
