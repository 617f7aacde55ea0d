import { describe, expect, it } from 'vitest';
import type { Adapters } from '../../src/adapters/index.js';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import { createStore } from '../../src/adapters/store/index.js';
import type { ProposalRow } from '../../src/adapters/store/types.js';
import type { AppContext } from '../../src/cli/app-context.js';
import { symptomVerifier } from '../../src/cli/commands/proposals-wiring.js';
import { fixedClock } from '../../src/core/clock.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';

const NOW = Date.UTC(2026, 11, 1, 9);

/** A group with one availability dip on c1; Prometheus answers c1 with `value`, or fails for it. */
async function verifierWith(answer: 'fails' | number) {
  const store = await createStore({ kind: 'sqlite', path: ':memory:' });
  await store.migrate();
  await store.anomalies.upsertMany([{ id: 'a1', runId: 'r', cluster: 'c1', component: 'coredns', signal: 'availability', kind: 'dip', severity: 'critical', startMs: NOW - 3_600_000, endMs: NOW - 1_800_000, score: 1, details: { slo: 0.999 } }]);
  await store.incidents.upsert({ id: 'g1', runId: 'r', day: '2026-12-01', title: 'coredns', startMs: NOW - 3_600_000, endMs: NOW - 1_800_000, clusters: ['c1'], anomalyIds: ['a1'], attributes: {} });
  const metrics: MetricsSource = {
    async query(req) {
      if (answer === 'fails') return { series: [], warnings: [], failedClusters: [...req.clusters], failureReasons: ['HTTP 503'], bytesFetched: 0 };
      const n = Math.floor((req.endMs - req.startMs) / (req.stepSeconds * 1000)) + 1;
      return { series: req.clusters.map((cluster) => ({ cluster, component: 'coredns', signal: req.signal, startMs: req.startMs, stepMs: req.stepSeconds * 1000, values: new Float64Array(n).fill(answer) })), warnings: [], failedClusters: [], bytesFetched: 0 };
    },
  };
  const app: AppContext = { config: FleetopsConfig.parse({}), logger: silentLogger, clock: fixedClock(NOW), env: {}, outDir: '/tmp' };
  const adapters = { store: async () => store, metrics: () => metrics } as unknown as Adapters;
  return symptomVerifier(app, adapters, () => NOW, 15);
}

const proposal = { id: 'p1', groupId: 'g1' } as ProposalRow;

describe('the proposals job\'s symptom verifier', () => {
  it.each([
    { answer: 0.99, status: 'not-recovered' },
    { answer: 0.9999, status: 'recovered' },
    // before: 'recovered', so an execution whose check could not read Prometheus was closed as succeeded
    { answer: 'fails' as const, status: 'unknown' },
  ])('Prometheus answering $answer → $status', async ({ answer, status }) => {
    const verify = await verifierWith(answer);

    expect(await verify(proposal)).toBe(status);
  });
});
