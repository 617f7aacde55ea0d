/**
 * The hourly fetch window of a batch: clusters whose state lags (a cluster back in the inventory after
 * days away, one whose queries failed for hours) are fetched from where they stopped, in a part of
 * their own, and do not drag the up-to-date clusters of their batch back with them.
 */
import { describe, expect, it } from 'vitest';
import type { MetricsAnswer, MetricsRequest, MetricsSource } from '../../src/adapters/metrics/types.js';
import type { Cluster } from '../../src/fleet/types.js';
import { grid } from '../../src/fleet/grid.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { buildCatalog } from '../../src/signals/catalog.js';
import { memoryStore, scanContext } from './fleet-fixtures.js';

const STEP = 300;
const H = 3_600_000;
const E0 = Date.UTC(2025, 0, 10);
const full = buildCatalog();
const entries = full.entries.filter((e) => e.kind === 'golden' && e.id === 'latency_p99' && e.component === 'coredns');
const catalog = { ...full, entries, entriesFor: (s: string, c?: string) => entries.filter((e) => e.id === s && (c === undefined || e.component === c)) } as typeof full;
const cluster = (id: string) => ({ id, region: 'r', substrate: 'aws', environment: 'prod', tier: 'tier-1', versions: {}, nodePools: [] }) as unknown as Cluster;
const all = Array.from({ length: 6 }, (_, i) => cluster(`c${i}`));

/** Steady latency for every cluster asked for, except those `failing` names (answered as failed). */
function source(calls: MetricsRequest[], failing: () => readonly string[]): MetricsSource {
  return {
    async query(req): Promise<MetricsAnswer> {
      calls.push(req);
      const stepMs = req.stepSeconds * 1000;
      const { firstMs, n } = grid(req.startMs, req.endMs, stepMs);
      const failed = req.clusters.filter((c) => failing().includes(c));
      const series = req.clusters.filter((c) => !failed.includes(c)).map((c) => ({
        cluster: c, component: req.component!, signal: req.signal, startMs: firstMs, stepMs,
        values: Float64Array.from({ length: n }, (_, i) => 0.05 + 0.001 * Math.sin((firstMs + i * stepMs) / 7e5)),
      }));
      return { series, warnings: [], failedClusters: failed, failureReasons: failed.length ? ['503'] : [], bytesFetched: 0 };
    },
  } as MetricsSource;
}

const run = (store: Awaited<ReturnType<typeof memoryStore>>, metrics: MetricsSource, clusters: Cluster[], endMs: number) =>
  scanShard({ inventory: { listClusters: async () => clusters }, metrics, store, catalog }, scanContext(), {
    shard: { index: 0, count: 1 }, endMs, stepSeconds: STEP, lookbackHours: 48, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2,
  });
const hoursOf = (calls: MetricsRequest[]) => calls.map((q) => [q.clusters.join(','), Math.round((q.endMs - q.startMs) / H)]);

describe('fleet scan fetch window', () => {
  it('fetches a cluster back in the inventory after three days from the lookback, its batch from the context only', async () => {
    const store = await memoryStore();
    const calls: MetricsRequest[] = [];
    const metrics = source(calls, () => []);
    await run(store, metrics, all, E0);
    for (let h = 1; h <= 72; h += 12) await run(store, metrics, all.slice(1), E0 + h * H);
    await run(store, metrics, all.slice(1), E0 + 72 * H);
    calls.length = 0;

    await run(store, metrics, all, E0 + 73 * H);

    expect(hoursOf(calls)).toEqual([['c1,c2,c3,c4,c5', 7], ['c0', 48]]);
  });

  it('fetches the hours a cluster\'s failed queries missed for that cluster alone', async () => {
    const store = await memoryStore();
    const calls: MetricsRequest[] = [];
    let failing: string[] = [];
    const metrics = source(calls, () => failing);
    await run(store, metrics, all, E0);
    failing = ['c3'];
    for (let h = 1; h <= 5; h++) await run(store, metrics, all, E0 + h * H);
    failing = [];
    calls.length = 0;

    await run(store, metrics, all, E0 + 6 * H);

    expect(hoursOf(calls)).toEqual([['c0,c1,c2,c4,c5', 7], ['c3', 12]]);
  });

  it('fetches the peer window and its baseline again when the same window is scanned twice, so the rerun hands finalize the same peers', async () => {
    const store = await memoryStore();
    const calls: MetricsRequest[] = [];
    const metrics = source(calls, () => []);
    await run(store, metrics, all, E0 - H);
    const first = await run(store, metrics, all, E0);
    calls.length = 0;

    const again = await run(store, metrics, all, E0);

    // the hourly run fetched the new hour and 6 h of context; a rerun of it must not fetch an hour less
    expect(hoursOf(calls)).toEqual([['c0,c1,c2,c3,c4,c5', 7]]);
    const rows = (r: typeof first) => r.peers.series.get('latency_p99|coredns')!.rows.map((row) => Array.from(row));
    expect(rows(again)).toEqual(rows(first));
  });

  it('rebuilds a cluster whose state is older than the lookback: its state equals a fresh scan\'s, not one continued across the gap', async () => {
    const store = await memoryStore();
    const fresh = await memoryStore();
    const metrics = source([], () => []);
    await run(store, metrics, all.slice(0, 1), E0);
    // the job was suspended for three days, more than the 48 h lookback

    await run(store, metrics, all.slice(0, 1), E0 + 72 * H);
    await run(fresh, metrics, all.slice(0, 1), E0 + 72 * H);

    // continued, the scorer would take the points after the gap as if they followed its last one
    const state = async (s: typeof store) => [...(await s.baselines.getMany(['scan:c0'])).values()].map((b) => Buffer.from(b.state).toString('base64'));
    expect(await state(store)).toEqual(await state(fresh));
  });
});
