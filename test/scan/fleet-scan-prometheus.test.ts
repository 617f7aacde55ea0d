/**
 * The fleet scan over the real Prometheus adapter against a local fake of its API: how a partial
 * answer (Thanos/Mimir warnings) or a failed query piece reaches the scan's failed and silent
 * clusters and its stored detector state.
 */
import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '../../src/adapters/metrics/prometheus/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import type { Cluster } from '../../src/fleet/types.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { decodeClusterState } from '../../src/scan/scan-state-codec.js';
import { buildCatalog } from '../../src/signals/catalog.js';
import { matrixBody, startPrometheusFake, type PrometheusFake, type RecordedRequest } from '../fakes/prometheus-fake.js';
import { useFake } from '../support/use-fake.js';
import { memoryStore, scanContext } from './fleet-fixtures.js';

const STEP = 300;
const H = 3_600_000;
const E0 = Date.UTC(2025, 0, 10);
const full = buildCatalog();
const entries = full.entries.filter((e) => e.kind === 'golden' && e.id === 'latency_p99' && e.component === 'coredns');
const catalog = { ...full, entries, entriesFor: (s: string, c?: string) => entries.filter((e) => e.id === s && (c === undefined || e.component === c)) } as typeof full;
const clusters = ['c0', 'c1', 'c2', 'c3'].map((id) => ({ id, region: 'r', substrate: 'aws', environment: 'prod', tier: 'tier-1', versions: {}, nodePools: [] })) as unknown as Cluster[];

let fake: PrometheusFake;
useFake(startPrometheusFake, (f) => { fake = f; });

const clustersOf = (req: RecordedRequest) => (/cluster=~?"([^"]*)"/.exec(req.params.get('query') ?? '')?.[1] ?? '').split('|');

/** Steady latency on the request's grid for each cluster present, a cluster's points from `gapFromMs[cluster]` on left out. */
function answer(req: RecordedRequest, present: readonly string[], opts: { gapFromMs?: Record<string, number>; warnings?: string[] } = {}) {
  const [start, end] = [Number(req.params.get('start')), Number(req.params.get('end'))];
  const times = Array.from({ length: (end - start) / STEP + 1 }, (_, i) => start + i * STEP);
  const values = (cluster: string) => times.filter((t) => t * 1000 < (opts.gapFromMs?.[cluster] ?? Infinity)).map((t): [number, number] => [t, 0.05 + 0.001 * Math.sin(t / 700)]);
  return { body: matrixBody(present.map((cluster) => ({ metric: { cluster }, values: values(cluster) })), opts.warnings) };
}

/** Two clusters per query, so a batch of four is two pieces; no retries. */
const metrics = () => createPrometheusMetrics({
  baseUrl: fake.url, catalog, logger: silentLogger, clock: fixedClock(E0), useRecordingRules: 'never', retries: 0,
  limits: { maxClustersPerQuery: 2 }, sleep: async () => {},
});
const scan = (store: Store, endMs: number, ctx = scanContext()) => scanShard({ inventory: { listClusters: async () => clusters }, metrics: metrics(), store, catalog }, ctx, {
  shard: { index: 0, count: 1 }, endMs, stepSeconds: STEP, lookbackHours: 48, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2,
});
const throughOf = async (store: Store, cluster: string) => decodeClusterState((await store.baselines.get(`scan:${cluster}`))!.state).get('latency_p99|coredns')!.throughMs;

describe('fleet scan over the Prometheus adapter', () => {
  it('takes every cluster of a piece answered with Thanos/Mimir warnings as failed, those it did answer too: their state stays, to fetch the hour again', async () => {
    const store = await memoryStore();
    fake.route('/api/v1/query_range', (req) => answer(req, clustersOf(req)));
    await scan(store, E0);
    // an ingester did not answer: c0 and c1 come back, but c1 without its newest half hour
    fake.route('/api/v1/query_range', (req) => (clustersOf(req).includes('c0')
      ? answer(req, ['c0', 'c1'], { gapFromMs: { c1: E0 + 30 * 60_000 }, warnings: ['ingester-2: partial response'] })
      : answer(req, clustersOf(req))));
    const ctx = scanContext('run-2');

    const result = await scan(store, E0 + H, ctx);

    expect(result.failedClusters.sort()).toEqual(['c0', 'c1']);
    expect(ctx.failures.map((f) => f.message)).toEqual([expect.stringMatching(/^no answer for 2 clusters \(c0, c1\): partial answer: ingester-2: partial response$/)]);
    expect(await throughOf(store, 'c0')).toBe(E0 - STEP * 1000);
    expect(await throughOf(store, 'c1')).toBe(E0 - STEP * 1000);
    expect(await throughOf(store, 'c2')).toBe(E0 + H - STEP * 1000);
  });

  it('reports a cluster with no series as silent, not failed, when another piece of the same query failed', async () => {
    const store = await memoryStore();
    // c0 and c1's piece fails (503); c3 sends nothing at all
    fake.route('/api/v1/query_range', (req) => (clustersOf(req).includes('c0') ? { status: 503, body: 'upstream unavailable' } : answer(req, ['c2'])));
    const ctx = scanContext();

    const result = await scan(store, E0, ctx);

    expect(result.failedClusters.sort()).toEqual(['c0', 'c1']);
    expect(result.missingClusters).toEqual(['c3']);
    expect(ctx.failures.map((f) => f.message)).toEqual([expect.stringMatching(/^no answer for 2 clusters \(c0, c1\): Prometheus answered 503/)]);
  });

  it('reports a cluster with no series as silent, not failed, when another piece of the same query was a partial answer', async () => {
    const store = await memoryStore();
    fake.route('/api/v1/query_range', (req) => (clustersOf(req).includes('c0') ? answer(req, ['c0', 'c1'], { warnings: ['store eu-1 unavailable'] }) : answer(req, ['c2'])));

    const result = await scan(store, E0);

    expect(result.failedClusters.sort()).toEqual(['c0', 'c1']);
    expect(result.missingClusters).toEqual(['c3']);
  });
});
