import { describe, expect, it } from 'vitest';
import type { MetricsRequest, MetricsSource } from '../../src/adapters/metrics/types.js';
import type { Store } from '../../src/adapters/store/types.js';
import type { Cluster } from '../../src/fleet/types.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { decodeClusterState } from '../../src/scan/scan-state-codec.js';
import { catalogOf, memoryStore, plainClusters, scanContext, valueSource } from './fleet-fixtures.js';

const STEP = 300;
const H = 3_600_000;
const E0 = Date.UTC(2025, 0, 10);
const LOOKBACK_H = 48;
const catalog = catalogOf((e) => e.component === 'coredns' && (e.id === 'latency_p99' || e.id === 'availability'));

/**
 * Steady series; `failing` (signal ids) throw as a 503 would; a cluster for which `runs` is false
 * has no series (Prometheus leaves it out). `calls` gets every request.
 */
function source(calls: MetricsRequest[], failing: string[] = [], runs: (cluster: string) => boolean = () => true): MetricsSource {
  const inner = valueSource((cluster, _t, _c) => (runs(cluster) ? 0.05 : NaN), calls);
  return {
    async query(req) {
      if (failing.includes(req.signal)) {
        calls.push(req);
        throw new Error('HTTP 503 from Prometheus');
      }
      const answer = await inner.query(req);
      return { ...answer, series: answer.series.map((s) => (req.signal === 'availability' ? { ...s, values: s.values.map(() => 0.9999) } : s)) };
    },
  };
}

const scan = (store: Store, clusters: Cluster[], metrics: MetricsSource, endMs: number, fullRebuild = false) =>
  scanShard({ inventory: { listClusters: async () => clusters }, metrics, store, catalog }, scanContext(),
    { shard: { index: 0, count: 1 }, endMs, stepSeconds: STEP, lookbackHours: LOOKBACK_H, contextHours: 6, fullRebuild, slo: {}, missingAfterMinutes: 30, concurrency: 2 });
const statesOf = async (store: Store, cluster: string) => decodeClusterState((await store.baselines.get(`scan:${cluster}`))!.state);
/** The earliest start of this run's requests for `signal` that asked for `cluster`. */
const startOf = (calls: MetricsRequest[], signal: string, cluster: string) => Math.min(...calls.filter((r) => r.signal === signal && r.clusters.includes(cluster)).map((r) => r.startMs));
const runsCoredns = (id: string): Cluster => ({ ...plainClusters(1)[0], id, versions: { coredns: '1.11.1' } }) as Cluster;

describe('a series whose query fails before it was ever scanned', () => {
  it('is built from the full lookback by the next run (before: scanned from the 6-7 h context only, for good)', async () => {
    const store = await memoryStore();
    const clusters = [runsCoredns('c0')];
    const first: MetricsRequest[] = [];
    const r1 = await scan(store, clusters, source(first, ['availability']), E0);
    expect(r1.failedClusters).toEqual(['c0']);
    const placeholder = (await statesOf(store, 'c0')).get('availability|coredns');
    expect(placeholder).toMatchObject({ unbuilt: true, throughMs: E0 });
    expect(placeholder?.scorer).toBeUndefined();

    const second: MetricsRequest[] = [];
    const r2 = await scan(store, clusters, source(second), E0 + H);
    expect(r2.failedClusters).toEqual([]);
    // that series is fetched from the full lookback, so it gets its whole history; the built one its context only
    expect(startOf(second, 'availability', 'c0')).toBeLessThanOrEqual(E0 + H - LOOKBACK_H * H);
    expect(startOf(second, 'latency_p99', 'c0')).toBeGreaterThan(E0 + H - 12 * H);
    const built = (await statesOf(store, 'c0')).get('availability|coredns')!;
    expect(built.unbuilt).toBeUndefined();
    expect(built.throughMs).toBe(E0 + H - STEP * 1000); // the last point before the run's end
    expect(built.scorer).toBeInstanceOf(Float64Array);
    // its scorer has seen the whole lookback: the same as a cluster scanned whole in one run
    const fresh = await memoryStore();
    await scan(fresh, clusters, source([]), E0 + H);
    expect([...built.scorer!]).toEqual([...(await statesOf(fresh, 'c0')).get('availability|coredns')!.scorer!]);

    // and from then on the hourly run fetches the context only
    const third: MetricsRequest[] = [];
    await scan(store, clusters, source(third), E0 + 2 * H);
    expect(startOf(third, 'availability', 'c0')).toBeGreaterThan(E0 + 2 * H - 12 * H);
  });

  it('stays a placeholder, moved to each run\'s end, while the query keeps failing; the other signals carry on', async () => {
    const store = await memoryStore();
    const clusters = [runsCoredns('c0')];
    await scan(store, clusters, source([], ['availability']), E0);
    const calls: MetricsRequest[] = [];
    await scan(store, clusters, source(calls, ['availability']), E0 + H);
    const states = await statesOf(store, 'c0');
    expect(states.get('availability|coredns')).toMatchObject({ unbuilt: true, throughMs: E0 + H });
    expect(states.get('latency_p99|coredns')?.throughMs).toBe(E0 + H - STEP * 1000);
    // long after the lookback the placeholder is still not "older than the lookback" (which drops every state of the cluster)
    await scan(store, clusters, source([], ['availability']), E0 + (LOOKBACK_H + 2) * H);
    const later = await statesOf(store, 'c0');
    expect(later.get('availability|coredns')).toMatchObject({ unbuilt: true, throughMs: E0 + (LOOKBACK_H + 2) * H });
  });

  it('is dropped when the query then answers with no series for the cluster (nothing to build)', async () => {
    const store = await memoryStore();
    const clusters = plainClusters(1);
    // a new cluster: the inventory does not say what it runs, so a failed query leaves a placeholder
    await scan(store, clusters, source([], ['availability']), E0);
    expect((await statesOf(store, 'c0')).get('availability|coredns')?.unbuilt).toBe(true);
    await scan(store, clusters, withoutAvailability([]), E0 + H);
    expect((await statesOf(store, 'c0')).has('availability|coredns')).toBe(false);
    const calls: MetricsRequest[] = [];
    await scan(store, clusters, withoutAvailability(calls), E0 + 2 * H);
    expect(startOf(calls, 'latency_p99', 'c0')).toBeGreaterThan(E0 + 2 * H - 12 * H);
  });

  it('on a cluster scanned before: only for a component the inventory says it runs', async () => {
    for (const [clusters, expectPlaceholder] of [[plainClusters(1), false], [[runsCoredns('c0')], true]] as const) {
      const store = await memoryStore();
      // built, with no availability series (none answered)
      await scan(store, [...clusters], withoutAvailability([]), E0);
      expect((await statesOf(store, 'c0')).has('availability|coredns')).toBe(false);
      await scan(store, [...clusters], source([], ['availability']), E0 + H);
      expect((await statesOf(store, 'c0')).get('availability|coredns')?.unbuilt === true).toBe(expectPlaceholder);
      const calls: MetricsRequest[] = [];
      await scan(store, [...clusters], withoutAvailability(calls), E0 + 2 * H);
      // a placeholder fetches its signal's full lookback; without one the hourly run fetches the context only
      if (expectPlaceholder) expect(startOf(calls, 'availability', 'c0')).toBeLessThanOrEqual(E0 + 2 * H - LOOKBACK_H * H);
      else expect(startOf(calls, 'availability', 'c0')).toBeGreaterThan(E0 + 2 * H - 12 * H);
      expect(startOf(calls, 'latency_p99', 'c0')).toBeGreaterThan(E0 + 2 * H - 12 * H);
    }
  });

  it('keeps a stored state (not a placeholder) when the query fails for a series already built', async () => {
    const store = await memoryStore();
    const clusters = [runsCoredns('c0')];
    await scan(store, clusters, source([]), E0);
    await scan(store, clusters, source([], ['availability']), E0 + H);
    const s = (await statesOf(store, 'c0')).get('availability|coredns')!;
    expect(s.unbuilt).toBeUndefined();
    expect(s.throughMs).toBe(E0 - STEP * 1000);
  });

  it('is left by a rebuild (--full) of a new cluster whose query fails, and built by the next run', async () => {
    const store = await memoryStore();
    const clusters = [runsCoredns('c0')];
    await scan(store, clusters, source([], ['availability']), E0, true);
    expect((await statesOf(store, 'c0')).get('availability|coredns')?.unbuilt).toBe(true);
    const calls: MetricsRequest[] = [];
    await scan(store, clusters, source(calls), E0 + H);
    expect(startOf(calls, 'availability', 'c0')).toBeLessThanOrEqual(E0 + H - LOOKBACK_H * H);
    expect((await statesOf(store, 'c0')).get('availability|coredns')?.scorer).toBeInstanceOf(Float64Array);
  });
});

/** Latency answered; availability answered with no series (a component the cluster does not run). */
function withoutAvailability(calls: MetricsRequest[]): MetricsSource {
  const inner = source(calls);
  return {
    query: async (req) => {
      if (req.signal !== 'availability') return inner.query(req);
      calls.push(req);
      return { series: [], warnings: [], failedClusters: [], bytesFetched: 0 };
    },
  };
}
