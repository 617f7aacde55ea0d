import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { pino } from 'pino';
import { silentLogger } from '../../src/core/logger.js';
import { runJob } from '../../src/core/run-job.js';
import { CausalScorer } from '../../src/detect/causal-score.js';
import { selectShard } from '../../src/fleet/sharding.js';
import { finalizeScan } from '../../src/scan/finalize-scan.js';
import { DipTracker } from '../../src/detect/dip-tracker.js';
import { decodeClusterState, encodeClusterState } from '../../src/scan/scan-state-codec.js';
import type { SeriesScanState } from '../../src/scan/series-scan.js';
import { createSimulatedAdapters, createSimulatedFleet, type SimulatedFleet } from '../../src/simulator/index.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { PEER_BASELINE_POINTS, PEER_WINDOW_POINTS } from '../../src/scan/peer-window.js';
import { catalog, finalizeOptions, memoryStore, runShard, scanContext, scanOptions, storedRows } from './fleet-fixtures.js';

let fleet: SimulatedFleet;

/** The blob a release before the dip tracker wrote: 8 header fields, no tracker floats. */
function legacyBlob(states: Map<string, SeriesScanState>): Uint8Array {
  const packed = inflateRawSync(encodeClusterState(new Map([...states].map(([k, s]) => [k, { ...s, dip: undefined }]))).subarray(1));
  const headerLength = packed.readUInt32LE(0);
  const header = (JSON.parse(packed.subarray(4, 4 + headerLength).toString()) as unknown[][]).map((row) => row.slice(0, 8));
  const json = Buffer.from(JSON.stringify(header));
  const length = Buffer.alloc(4);
  length.writeUInt32LE(json.length, 0);
  return Uint8Array.from([0xfe, ...deflateRawSync(Buffer.concat([length, json, packed.subarray(4 + headerLength)]))]);
}
const stores: Store[] = [];
const open = async () => {
  const s = await memoryStore();
  stores.push(s);
  return s;
};

beforeAll(() => {
  fleet = createSimulatedFleet({
    seed: 7, clusters: 60, days: 2,
    scenarios: [{ kind: 'stopped-reporting', hoursBeforeEnd: 3 }, { kind: 'cert-expiry', hoursBeforeEnd: 6, durationMinutes: 90 }, { kind: 'bad-rollout', component: 'coredns', clusterCount: 6, hoursBeforeEnd: 10 }],
  });
});
afterEach(async () => {
  await Promise.all(stores.splice(0).map((s) => s.close()));
});

describe('scanShard and finalizeScan on a 60-cluster, 2-day simulated fleet', () => {
  it('stores the same rows when the 8 shards are merged as an unsharded scan does', async () => {
    const whole = await open();
    const sharded = await open();
    await runShard(fleet, whole, 0, 1);

    const results = [];
    for (let i = 0; i < 8; i++) results.push(await runShard(fleet, sharded, i, 8));
    const fin = await finalizeScan({ store: sharded, catalog, clusters: fleet.clusters }, scanContext(), finalizeOptions(fleet, { shardCount: 8 }));

    expect(results.reduce((n, r) => n + r.clusters, 0)).toBe(60);
    expect(fin.missingShards).toEqual([]);
    const expected = await storedRows(whole, fleet);
    expect(expected.some((r) => r.severity === 'critical')).toBe(true);
    expect(await storedRows(sharded, fleet)).toEqual(expected);
  });

  it('finds a cluster whose latency leaves its version-and-region peers in the last hour, with peer statistics over all 8 shards', async () => {
    const groupOf = (c: (typeof fleet.clusters)[number]) => `${c.versions.coredns}|${c.region}`;
    const sizes = new Map<string, number>();
    for (const c of fleet.clusters) sizes.set(groupOf(c), (sizes.get(groupOf(c)) ?? 0) + 1);
    const [group, size] = [...sizes].sort((a, b) => b[1] - a[1])[0];
    const members = fleet.clusters.filter((c) => groupOf(c) === group).map((c) => c.id);
    const target = members[0];
    // the group is spread over shards: no shard alone holds the five clusters a finding needs
    expect(size).toBeGreaterThanOrEqual(5);
    const shardSizes = new Map<number, number>();
    for (let i = 0; i < 8; i++) shardSizes.set(i, selectShard(fleet.clusters, i, 8).filter((c) => members.includes(c.id)).length);
    expect(Math.max(...shardSizes.values())).toBeLessThan(5);

    const sim = createSimulatedAdapters(fleet).metrics;
    const departing: MetricsSource = {
      query: async (req) => {
        const a = await sim.query(req);
        if (req.signal !== 'latency_p99' || req.component !== 'coredns') return a;
        return { ...a, series: a.series.map((x) => (x.cluster !== target ? x : { ...x, values: x.values.map((v, i) => (i >= x.values.length - 6 ? v * 4 : v)) })) };
      },
    };
    const whole = await open();
    const sharded = await open();
    await runShard(fleet, whole, 0, 1, departing);
    for (let i = 0; i < 8; i++) await runShard(fleet, sharded, i, 8, departing);
    await finalizeScan({ store: sharded, catalog, clusters: fleet.clusters }, scanContext(), finalizeOptions(fleet, { shardCount: 8 }));

    const peerRows = async (store: Store) => (await storedRows(store, fleet)).filter((r) => r.kind === 'peer-outlier');
    const found = await peerRows(whole);
    expect(found.filter((r) => r.cluster === target).map((r) => [r.signal, r.component])).toEqual([['latency_p99', 'coredns']]);
    expect(found.find((r) => r.cluster === target)?.details).toMatchObject({ peerGroup: group, outlierPoints: 6 });
    expect(await peerRows(sharded)).toEqual(found);
    // without the departure the same cluster is no outlier
    const plain = await open();
    await runShard(fleet, plain, 0, 1);
    expect((await peerRows(plain)).filter((r) => r.cluster === target)).toEqual([]);
  });

  it('fetches the full lookback only for clusters that joined the fleet, not for the batch they join (one query per signal per part)', async () => {
    const adapters = createSimulatedAdapters(fleet);
    const joined = new Set(fleet.clusters.filter((_, i) => i % 6 === 0).map((c) => c.id));
    let growing = false;
    const inventory = { ...adapters.inventory, listClusters: async () => fleet.clusters.filter((c) => growing || !joined.has(c.id)) };
    const requests: { clusters: string[]; startMs: number }[] = [];
    const metrics: MetricsSource = { query: async (req) => { requests.push({ clusters: req.clusters, startMs: req.startMs }); return adapters.metrics.query(req); } };
    const store = await open();
    const options = scanOptions(fleet, { batchClusters: 25 });
    await scanShard({ inventory, metrics, store, catalog }, scanContext(), options);

    growing = true;
    requests.length = 0;
    const later = await scanShard({ inventory, metrics, store, catalog }, scanContext(), options);

    const endMs = fleet.rangeMs.endMs;
    const fullStart = endMs - options.lookbackHours * 3_600_000;
    const golden = catalog.entries.filter((e) => e.kind === 'golden').length;
    // 3 batches, each with old and new clusters: 2 queries per signal per batch
    expect(requests).toHaveLength(3 * 2 * golden);
    for (const r of requests) {
      const isNew = r.clusters.every((id) => joined.has(id));
      expect(isNew || r.clusters.every((id) => !joined.has(id))).toBe(true);
      // known clusters (this is a rerun of their window): the context, and at least the peer window and its baseline
      expect(r.startMs).toBe(isNew ? fullStart : endMs - Math.max(fleet.stepSeconds * 1000 + options.contextHours * 3_600_000, (PEER_WINDOW_POINTS + PEER_BASELINE_POINTS) * fleet.stepSeconds * 1000));
    }
    expect(later.clusters).toBe(60);
    const saved = await store.baselines.getMany([...joined].map((id) => `scan:${id}`));
    expect(saved.size).toBe(joined.size);
  });

  it('carries a series the server left out to the window end, so a silent series does not drag its batch back; a failed query keeps its state', async () => {
    const adapters = createSimulatedAdapters(fleet);
    const quiet = fleet.clusters[3].id;
    let mode: 'all' | 'absent' | 'failed' = 'all';
    const requests: { clusters: string[]; startMs: number }[] = [];
    const metrics: MetricsSource = {
      query: async (req) => {
        requests.push({ clusters: req.clusters, startMs: req.startMs });
        const a = await adapters.metrics.query(req);
        if (mode === 'all' || req.signal !== 'latency_p99' || req.component !== 'coredns' || !req.clusters.includes(quiet)) return a;
        // Prometheus answers without a series that has no sample in the range
        const series = a.series.filter((x) => x.cluster !== quiet);
        return mode === 'absent' ? { ...a, series } : { ...a, series, failedClusters: [quiet], failureReasons: ['HTTP 503'] };
      },
    };
    const store = await open();
    const hour = 3_600_000;
    const end = fleet.rangeMs.endMs;
    const step = fleet.stepSeconds * 1000;
    const scanAt = (endMs: number, full = false) => scanShard({ inventory: adapters.inventory, metrics, store, catalog }, scanContext(), scanOptions(fleet, { endMs, fullRebuild: full }));
    const throughOf = async () => (await decodeClusterState((await store.baselines.get(`scan:${quiet}`))!.state)).get('latency_p99|coredns')!.throughMs;

    await scanAt(end - 4 * hour, true);
    mode = 'absent';
    await scanAt(end - 3 * hour);
    await scanAt(end - 2 * hour);
    expect(await throughOf()).toBe(end - 2 * hour - step);

    requests.length = 0;
    mode = 'failed';
    await scanAt(end - hour);
    // the batch's window is the usual one: from the last scanned point minus the 6 h context
    expect(new Set(requests.map((r) => r.startMs))).toEqual(new Set([end - 2 * hour - step - 6 * hour]));
    expect(await throughOf()).toBe(end - 2 * hour - step);

    requests.length = 0;
    mode = 'all';
    await scanAt(end);
    // after the failed hour the quiet cluster's batch starts an hour earlier, to fetch what was missed
    expect(Math.min(...requests.map((r) => r.startMs))).toBe(end - 2 * hour - step - 6 * hour);
    expect(await throughOf()).toBe(end - step);
  });

  it('never holds more answers awaiting detection than queries in flight, even from a source that answers at once', async () => {
    const adapters = createSimulatedAdapters(fleet);
    let answered = 0;
    let detected = 0;
    let mostWaiting = 0;
    const instant: MetricsSource = { ...adapters.metrics, query: async (q) => { const a = await adapters.metrics.query(q); answered++; mostWaiting = Math.max(mostWaiting, answered - detected); return a; } };
    const store = await open();

    await scanShard({ inventory: adapters.inventory, metrics: instant, store, catalog, progress: (done) => { detected = done; } }, scanContext(), scanOptions(fleet, { concurrency: 2 }));

    expect(detected).toBe(catalog.entries.filter((e) => e.kind === 'golden').length);
    expect(mostWaiting).toBeGreaterThan(1); // detection does run after the slot is freed
    expect(mostWaiting).toBeLessThanOrEqual(2 + 2 + 1); // in flight + backlog bound + the one just answered
  });

  it('stores the same rows, states and summary when the shard is scanned in batches of 7 clusters', async () => {
    const whole = await open();
    const batched = await open();
    const queries: unknown[] = [];
    const adapters = createSimulatedAdapters(fleet);
    const counting: MetricsSource = { ...adapters.metrics, query: (q) => { queries.push(q); return adapters.metrics.query(q); } };

    const one = await runShard(fleet, whole, 0, 1);
    const seven = await runShard(fleet, batched, 0, 1, counting, scanContext(), { batchClusters: 7 });

    const golden = catalog.entries.filter((e) => e.kind === 'golden').length;
    expect(queries).toHaveLength(golden * Math.ceil(60 / 7));
    expect(seven.missingClusters).toEqual(one.missingClusters);
    expect(seven.missingClusters.length).toBeGreaterThan(0);
    expect([seven.series, seven.inserted, seven.findings.length]).toEqual([one.series, one.inserted, one.findings.length]);
    expect(await storedRows(batched, fleet)).toEqual(await storedRows(whole, fleet));
    const key = `scan:${fleet.clusters[13].id}`;
    expect((await batched.baselines.get(key))?.state).toEqual((await whole.baselines.get(key))?.state);
  });

  it('reports a shard that did not finish', async () => {
    const store = await open();
    for (const i of [0, 1, 2, 4, 5, 6, 7]) await runShard(fleet, store, i, 8);
    const ctx = scanContext();

    const fin = await finalizeScan({ store, catalog, clusters: fleet.clusters }, ctx, finalizeOptions(fleet, { shardCount: 8 }));

    expect(fin.missingShards).toEqual(['3/8']);
    expect(ctx.failures.map((f) => f.part)).toEqual(['shard:3/8']);
  });

  it('stores nothing twice when the same window is scanned again', async () => {
    const store = await open();
    const first = await runShard(fleet, store, 0, 1);
    const before = await storedRows(store, fleet);

    const second = await runShard(fleet, store, 0, 1, undefined, scanContext('run-2'));

    expect(first.inserted).toBeGreaterThan(0);
    expect(second.inserted).toBe(0);
    expect(await storedRows(store, fleet)).toEqual(before);
  });

  it('rebuilds a cluster whose stored detector state an older version wrote, without storing anything twice', async () => {
    const store = await open();
    await runShard(fleet, store, 0, 1);
    const before = await storedRows(store, fleet);
    const key = `scan:${fleet.clusters[5].id}`;
    const states = decodeClusterState((await store.baselines.get(key))!.state);
    for (const s of states.values()) s.scorer![0] = 1; // a version-1 scorer layout
    await store.baselines.put(key, encodeClusterState(states), fleet.rangeMs.endMs, 0);

    const again = await runShard(fleet, store, 0, 1, undefined, scanContext('run-2'));

    expect(again.window.startMs).toBe(fleet.rangeMs.endMs - 48 * 3_600_000);
    expect(again.inserted).toBe(0);
    expect(await storedRows(store, fleet)).toEqual(before);
    const rebuilt = decodeClusterState((await store.baselines.get(key))!.state);
    expect([...rebuilt.values()].every((s) => CausalScorer.isCurrentState(s.scorer!))).toBe(true);
  });

  it('rebuilds clusters whose states were written for another step, or before the SLO burn-rate history was kept', async () => {
    const store = await open();
    await runShard(fleet, store, 0, 1);
    const before = await storedRows(store, fleet);
    const [otherDipStep, otherScorerStep, legacy] = [5, 6, 7].map((i) => `scan:${fleet.clusters[i].id}`);
    const edit = async (key: string, change: (states: Map<string, SeriesScanState>) => Uint8Array) => {
      await store.baselines.put(key, change(decodeClusterState((await store.baselines.get(key))!.state)), fleet.rangeMs.endMs, 0);
    };
    await edit(otherDipStep, (states) => {
      for (const s of states.values()) if (s.dip) s.dip[1] = 60;
      return encodeClusterState(states);
    });
    await edit(otherScorerStep, (states) => {
      for (const s of states.values()) s.scorer![1 + 13] = 60;
      return encodeClusterState(states);
    });
    await edit(legacy, (states) => legacyBlob(states));
    expect([...decodeClusterState((await store.baselines.get(legacy))!.state).values()].every((s) => s.beforeDipTracker && !s.dip)).toBe(true);

    const again = await runShard(fleet, store, 0, 1, undefined, scanContext('run-2'));

    expect(again.window.startMs).toBe(fleet.rangeMs.endMs - 48 * 3_600_000);
    expect(again.inserted).toBe(0);
    expect(await storedRows(store, fleet)).toEqual(before);
    // the burn-rate windows of a rebuilt cluster hold the whole lookback, as an untouched cluster's do
    // (a tracker started on this run's hourly window would hold ~6 h)
    const pointsSeen = async (cluster: string) => {
      const states = decodeClusterState((await store.baselines.get(`scan:${cluster}`))!.state);
      return [...states].filter(([k]) => k.startsWith('availability|')).map(([, s]) => DipTracker.adopt(s.dip!, { stepSeconds: fleet.stepSeconds, slo: 0.999 })?.pointsSeen);
    };
    const untouched = await pointsSeen(fleet.clusters[0].id);
    expect(untouched[0]).toBe(48 * 3_600 / fleet.stepSeconds);
    for (const key of [otherDipStep, otherScorerStep, legacy]) {
      const rebuilt = decodeClusterState((await store.baselines.get(key))!.state);
      const availability = [...rebuilt].filter(([k]) => k.startsWith('availability|')).map(([, s]) => s);
      expect(availability.length).toBeGreaterThan(0);
      expect(availability.every((s) => s.dip && DipTracker.stepSecondsOf(s.dip) === fleet.stepSeconds && !s.beforeDipTracker)).toBe(true);
      expect(await pointsSeen(key.slice('scan:'.length))).toEqual(untouched);
      expect([...rebuilt.values()].every((s) => CausalScorer.stepSecondsOf(s.scorer!) === fleet.stepSeconds)).toBe(true);
    }
  });

  it('rebuilds a cluster whose stored state is damaged (unreadable blob, scorer of the wrong length), logs it, and stores nothing twice', async () => {
    const store = await open();
    await runShard(fleet, store, 0, 1);
    const before = await storedRows(store, fleet);
    const [unreadable, truncated] = [fleet.clusters[5].id, fleet.clusters[6].id];
    await store.baselines.put(`scan:${unreadable}`, Uint8Array.from({ length: 300 }, (_, i) => (i * 97 + 13) & 255), fleet.rangeMs.endMs, 0);
    const states = decodeClusterState((await store.baselines.get(`scan:${truncated}`))!.state);
    const [key, first] = [...states][0];
    states.set(key, { ...first, scorer: first.scorer!.subarray(0, first.scorer!.length - 3) });
    await store.baselines.put(`scan:${truncated}`, encodeClusterState(states), fleet.rangeMs.endMs, 0);
    const lines: { msg: string; cluster?: string; clusters?: number }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => { lines.push(JSON.parse(line)); } });

    const again = await runShard(fleet, store, 0, 1, undefined, { ...scanContext('run-2'), logger });

    expect(again.window.startMs).toBe(fleet.rangeMs.endMs - 48 * 3_600_000);
    expect(again.inserted).toBe(0);
    expect(again.failedClusters).toEqual([]);
    expect(await storedRows(store, fleet)).toEqual(before);
    expect(lines).toContainEqual(expect.objectContaining({ cluster: unreadable, msg: expect.stringMatching(/cannot be read: rebuilding/) }));
    expect(lines).toContainEqual(expect.objectContaining({ clusters: 1, msg: expect.stringMatching(/older version \(or damaged\)/) }));
    for (const id of [unreadable, truncated]) {
      const rebuilt = decodeClusterState((await store.baselines.get(`scan:${id}`))!.state);
      expect(rebuilt.size).toBe(states.size);
      expect([...rebuilt.values()].every((s) => CausalScorer.isCurrentState(s.scorer!))).toBe(true);
    }
  });

  it('reports an expected cluster that sent no data as a critical missing-data finding', async () => {
    const store = await open();
    const silent = fleet.groundTruth.find((g) => g.kind === 'stopped-reporting')!;

    const result = await runShard(fleet, store, 0, 1);

    expect(result.missingClusters).toEqual(silent.clusters);
    const rows = (await storedRows(store, fleet)).filter((r) => r.kind === 'missing-data');
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ cluster: silent.clusters[0], severity: 'critical' });
    expect(Math.abs(rows[0].startMs - silent.startMs)).toBeLessThanOrEqual(5 * 60_000);
  });

  it('finishes the run, records the failing signal and exits 1 when the source throws for one signal', async () => {
    const store = await open();
    const sim = createSimulatedAdapters(fleet).metrics;
    const flaky: MetricsSource = { query: async (req) => { if (req.signal === 'latency_p99') throw new Error('HTTP 503 from upstream'); return sim.query(req); } };
    let series = 0;

    const result = await runJob({ job: 'fleet-scan', logger: silentLogger, clock: fixedClock(fleet.rangeMs.endMs), deadlineSeconds: 60, store }, async (ctx) => {
      // three batches: the failure is reported once per signal × component for the whole shard
      const r = await runShard(fleet, store, 0, 1, flaky, ctx as never, { batchClusters: 25 });
      series = r.series;
      return { series: r.series };
    });

    expect(result.exitCode).toBe(1);
    const components = catalog.entries.filter((e) => e.kind === 'golden' && e.id === 'latency_p99').map((e) => `signal:latency_p99:${e.component}`);
    expect(result.failures.map((f) => f.part).sort()).toEqual(components.sort());
    for (const f of result.failures) expect(f.message).toMatch(new RegExp(`^no answer for ${fleet.clusters.length} clusters \\(${fleet.clusters[0].id}, .*, … ${fleet.clusters.length - 5} more\\): HTTP 503 from upstream$`));
    expect(series).toBeGreaterThan(60 * 50);
    expect((await storedRows(store, fleet)).filter((r) => r.kind === 'missing-data')).toHaveLength(1);
  });
});
