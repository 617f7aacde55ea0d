/**
 * Faults a review found in the scan path, each run through scanShard with a synthetic source:
 * partial answers, partly failed queries, long dips, never-seen clusters, entries removed from config.
 */
import { describe, expect, it } from 'vitest';
import type { MetricsRequest, MetricsSource } from '../../src/adapters/metrics/types.js';
import type { Store } from '../../src/adapters/store/types.js';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { scanShard, type FleetScanOptions } from '../../src/scan/fleet-scan.js';
import { finalizeScan } from '../../src/scan/finalize-scan.js';
import { decodeClusterState } from '../../src/scan/scan-state-codec.js';
import { catalogOf, memoryStore, plainClusters, scanContext, valueSource } from './fleet-fixtures.js';

const STEP = 300;
const H = 3_600_000;
const E0 = Date.UTC(2025, 0, 10);
const clusters = plainClusters(6);
const source = valueSource;

const opts = (endMs: number, extra: Partial<FleetScanOptions> = {}): FleetScanOptions => ({
  shard: { index: 0, count: 1 }, endMs, stepSeconds: STEP, lookbackHours: 48, contextHours: 6, fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2, ...extra,
});
const scan = (store: Store, metrics: MetricsSource, catalog: ReturnType<typeof catalogOf>, endMs: number, ctx = scanContext(), extra: Partial<FleetScanOptions> = {}) =>
  scanShard({ inventory: { listClusters: async () => clusters }, metrics, store, catalog }, ctx, opts(endMs, extra));
const throughOf = async (store: Store, cluster: string) => [...decodeClusterState((await store.baselines.get(`scan:${cluster}`))!.state).values()].map((s) => s.throughMs);

const latency = catalogOf((e) => e.id === 'latency_p99' && e.component === 'coredns');
const availability = catalogOf((e) => e.id === 'availability' && e.component === 'coredns');
const steady = (_c: string, t: number) => 0.05 + 0.001 * Math.sin(t / 7e5);

describe('fleet scan under faults', () => {
  it('takes clusters a partial answer (Thanos warnings) left out as failed, not silent: state kept, no missing-data row', async () => {
    const store = await memoryStore();
    const good = source(steady);
    await scan(store, good, latency, E0);
    const before = await throughOf(store, 'c2');
    const partial: MetricsSource = { async query(req) {
      const a = await good.query(req);
      return { ...a, series: a.series.filter((s) => s.cluster !== 'c2'), warnings: ['receive-ha-2: store unavailable (partial response)'] };
    } };
    const ctx = scanContext('run-2');

    const result = await scan(store, partial, latency, E0 + H, ctx);

    expect(result.failedClusters).toEqual(['c2']);
    expect(result.missingClusters).toEqual([]);
    expect(ctx.failures.map((f) => f.message).join()).toMatch(/c2.*partial answer: receive-ha-2: store unavailable/);
    expect(await throughOf(store, 'c2')).toEqual(before);
    expect(await store.anomalies.list({ startMs: 0, endMs: E0 + 9 * H, kinds: ['missing-data'] })).toEqual([]);
  });

  it('does not take PromQL info annotations for a partial answer', async () => {
    const store = await memoryStore();
    const good = source((c, t) => (c === 'c2' ? NaN : steady(c, t)));
    const annotated: MetricsSource = { async query(req) { return { ...(await good.query(req)), warnings: ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "x"'] }; } };

    const result = await scan(store, annotated, latency, E0);

    expect(result.failedClusters).toEqual([]);
    expect(result.missingClusters).toEqual(['c2']);
  });

  it('does not scan a cluster whose query failed in part: the failed hour is fetched again and its spike found', async () => {
    const store = await memoryStore();
    const spiky = (c: string, t: number) => steady(c, t) + (c === 'c1' && t >= E0 + 15 * 60_000 && t < E0 + 50 * 60_000 ? 0.5 : 0);
    const good = source(spiky);
    await scan(store, good, latency, E0);
    const before = await throughOf(store, 'c1');
    const pieceFailed: MetricsSource = { async query(req) {
      const a = await good.query(req);
      // the split piece holding the new hour failed for c1: assembleSeries answers it with NaN there
      const series = a.series.map((s) => (s.cluster !== 'c1' ? s : { ...s, values: s.values.map((v, i) => (s.startMs + i * s.stepMs > E0 ? NaN : v)) }));
      return { ...a, series, failedClusters: ['c1'], failureReasons: ['HTTP 503'] };
    } };

    await scan(store, pieceFailed, latency, E0 + H);
    expect(await throughOf(store, 'c1')).toEqual(before);
    await scan(store, good, latency, E0 + 2 * H);

    const found = (await store.anomalies.list({ startMs: E0, endMs: E0 + 3 * H, kinds: ['anomaly'] })).filter((r) => r.cluster === 'c1' && r.startMs >= E0);
    expect(found.length).toBeGreaterThan(0);
  });

  it('stores a dip longer than the hourly context once, with one id, over twelve hourly runs', async () => {
    const store = await memoryStore();
    const dipFrom = E0 - 2 * H;
    const dipTo = E0 + 12 * H;
    const src = source((c, t) => (c === 'c1' && t >= dipFrom && t < dipTo ? 0.95 : 0.99995 + 0.00001 * Math.sin(t / 1e6)));

    for (let k = 0; k <= 12; k++) await scan(store, src, availability, E0 + k * H, scanContext(`run-${k}`));

    const rows = (await store.anomalies.list({ startMs: 0, endMs: E0 + 100 * H, kinds: ['dip'] })).filter((r) => r.cluster === 'c1');
    expect(rows.map((r) => r.startMs)).toEqual([dipFrom]);
    expect(rows[0].endMs).toBe(E0 + 12 * H);
  });

  it('keeps one missing-data row for a cluster that never sent data, run after run', async () => {
    const store = await memoryStore();
    const src = source((c) => (c === 'c5' ? NaN : 0.9999));
    const inserted: number[] = [];

    for (let k = 0; k <= 3; k++) {
      const r = await scan(store, src, availability, E0 + k * H, scanContext(`run-${k}`));
      expect(r.missingClusters).toEqual(['c5']);
      inserted.push(r.inserted);
    }

    const rows = await store.anomalies.list({ startMs: 0, endMs: E0 + 100 * H, kinds: ['missing-data'] });
    expect(rows).toHaveLength(1);
    expect(rows[0]).toMatchObject({ cluster: 'c5', startMs: E0 - 48 * H, endMs: E0 + 3 * H });
    expect(inserted).toEqual([1, 0, 0, 0]);
  });

  it('a rerun of an earlier window (--end in the past) calls no healthy cluster silent', async () => {
    const store = await memoryStore();
    const src = source((c) => (c === 'c5' ? NaN : 0.9999));
    for (let k = 0; k <= 3; k++) await scan(store, src, availability, E0 + k * H, scanContext(`run-${k}`));
    const before = await store.anomalies.list({ startMs: 0, endMs: E0 + 100 * H });

    const past = await scan(store, src, availability, E0 - 12 * H, scanContext('run-past'));

    // c5 never sent data: still silent; the five healthy clusters are not
    expect(past.missingClusters).toEqual(['c5']);
    expect(past.window.startMs).toBeLessThanOrEqual(past.window.endMs);
    const after = await store.anomalies.list({ startMs: 0, endMs: E0 + 100 * H });
    expect(after.filter((r) => r.cluster !== 'c5')).toEqual(before.filter((r) => r.cluster !== 'c5'));
    expect(after.every((r) => r.startMs <= r.endMs)).toBe(true);
  });

  it('hands finalize a peer window of the 12 points the run fetched last, the newest included', async () => {
    const store = await memoryStore();
    const r = await scan(store, source(steady), latency, E0);

    const { rows } = r.peers.series.get('latency_p99|coredns')!;
    expect(rows).toHaveLength(clusters.length);
    // departures from each cluster's own level: finite at every point, the last (endMs - step) too
    expect(rows.every((row) => row.length === 12 && Array.from(row).every(Number.isFinite))).toBe(true);
    expect(r.peers.endMs - r.peers.stepMs).toBe(E0 - STEP * 1000);
  });

  it('posts one fleet-wide alert per episode: its earliest cluster recovering does not page again; a later episode does', async () => {
    const store = await memoryStore();
    const chat = createOutboxChat({ dir: join(mkdtempSync(join(tmpdir(), 'fleet-alert-')), 'slack'), clock: fixedClock(E0) });
    const M = 60_000;
    // c0 dips from -70 min and recovers at -30 min; c1..c4 from -55..-35 min until +2 h 30; c5 stays healthy.
    // A second episode on every cluster but c5 from +5 h.
    const starts = [-70, -55, -50, -45, -40].map((m) => E0 - 2 * H + m * M);
    const ends = [E0 - 2 * H - 30 * M, ...Array<number>(4).fill(E0 + 2 * H + 30 * M)];
    const src = source((c, t) => {
      const i = Number(c.slice(1));
      const down = i < 5 && ((t >= starts[i] && t < ends[i]) || t >= E0 + 5 * H);
      return down ? 0.9 : 0.9999;
    });
    const posted: number[] = [];
    for (let k = -2; k <= 7; k++) {
      const endMs = E0 + k * H;
      const ctx = scanContext(`run-${k}`);
      const r = await scan(store, src, availability, endMs, ctx);
      const fin = await finalizeScan({ store, catalog: availability, clusters, chat }, ctx, { endMs, shardCount: 1, peers: [r.peers], peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 4, alertChannel: '#fleet', lookbackHours: 24 });
      posted.push(fin.fleetAlerts);
    }

    const alerts = chat.readAll('#fleet');
    // the first run (-2 h) sees the first episode; c0's recovery drops it from the recent rows from -1 h,
    // which moved the episode's start (and its key) an hour; the second episode's dips page at +6 h
    expect(posted).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    expect(alerts).toHaveLength(2);
    expect(alerts.map((a) => a.text)).toEqual([expect.stringMatching(/^Fleet-wide: 4 clusters coredns availability below SLO since /), expect.stringMatching(/^Fleet-wide: 5 clusters coredns availability below SLO since /)]);
  });

  it('keeps a fleet-wide episode open through runs that could not read its clusters (Prometheus down), so it does not page again when the data returns', async () => {
    const store = await memoryStore();
    const chat = createOutboxChat({ dir: join(mkdtempSync(join(tmpdir(), 'fleet-alert-')), 'slack'), clock: fixedClock(E0) });
    // c0 below SLO from -3 h 10 until +30 min, c1..c4 from -2 h 30 on; the server answers nothing at 0 h
    // and +1 h, so the episode's earliest cluster recovers unseen and its start moves
    const src = source((c, t) => {
      const i = Number(c.slice(1));
      if (i === 0) return t >= E0 - 3 * H - 10 * 60_000 && t < E0 + 30 * 60_000 ? 0.9 : 0.9999;
      return i < 5 && t >= E0 - 2 * H - 30 * 60_000 ? 0.9 : 0.9999;
    });
    let down = false;
    const flaky: MetricsSource = { query: async (req) => { if (down) throw new Error('connect ECONNREFUSED 127.0.0.1:9090'); return src.query(req); } };
    const posted: number[] = [];
    for (let k = -2; k <= 3; k++) {
      down = k === 0 || k === 1;
      const endMs = E0 + k * H;
      const ctx = scanContext(`run-${k}`);
      const r = await scan(store, flaky, availability, endMs, ctx);
      const fin = await finalizeScan({ store, catalog: availability, clusters, chat }, ctx, {
        endMs, shardCount: 1, peers: [r.peers], unscannedClusters: [...r.failedClusters], peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 4, alertChannel: '#fleet', lookbackHours: 24,
      });
      posted.push(fin.fleetAlerts);
    }

    expect(posted).toEqual([1, 0, 0, 0, 0, 0]);
    expect(chat.readAll('#fleet')).toHaveLength(1);
  });

  it('closes a fleet-wide episode held open by a cluster whose queries keep failing once the blind hold has passed, so a new episode pages instead of editing the old alert', async () => {
    const store = await memoryStore();
    const chat = createOutboxChat({ dir: join(mkdtempSync(join(tmpdir(), 'fleet-alert-')), 'slack'), clock: fixedClock(E0) });
    // c0..c4 below SLO from -3 h (c1..c4 until +30 min); c0's queries fail from +1 h on, for good.
    // A second episode on c1..c4 from +6 h; c5 stays healthy.
    const src = source((c, t) => {
      const i = Number(c.slice(1));
      const down = i < 5 && t >= E0 - 3 * H && (i === 0 || t < E0 + 30 * 60_000 || t >= E0 + 6 * H);
      return down ? 0.9 : 0.9999;
    });
    let failing = false;
    const c0Fails: MetricsSource = { async query(req) {
      const a = await src.query(req);
      return failing ? { ...a, series: a.series.filter((s) => s.cluster !== 'c0'), failedClusters: req.clusters.filter((c) => c === 'c0') } : a;
    } };
    const posted: number[] = [];
    const episode: (string | undefined)[] = [];
    for (let k = -2; k <= 8; k++) {
      failing = k >= 1;
      const endMs = E0 + k * H;
      const ctx = scanContext(`run-${k}`);
      const r = await scan(store, c0Fails, availability, endMs, ctx);
      const fin = await finalizeScan({ store, catalog: availability, clusters, chat }, ctx, {
        endMs, shardCount: 1, peers: [r.peers], unscannedClusters: [...r.failedClusters], peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 4, alertChannel: '#fleet', lookbackHours: 24,
      });
      posted.push(fin.fleetAlerts);
      episode.push((await store.publications.get('scan-alert-open:dip:coredns:availability'))?.externalId);
    }

    // the second episode's dips page at +7 h with an alert of their own
    expect(posted).toEqual([1, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0]);
    const alerts = chat.readAll('#fleet');
    expect(alerts.map((a) => a.text)).toEqual([expect.stringMatching(/^Fleet-wide: 5 clusters coredns availability below SLO since /), expect.stringMatching(/^Fleet-wide: 4 clusters coredns availability below SLO since /)]);
    // c0 was last seen in the episode at 0 h: blind runs hold it open through +3 h (BLIND_HOLD_MINUTES), then it closes
    const first = episode[0];
    expect(first).toMatch(/^scan-alert:dip:coredns:availability:/);
    expect(episode.slice(0, 6)).toEqual(Array<string | undefined>(6).fill(first));
    expect(episode.slice(6, 8)).toEqual(['closed', 'closed']);
  });

  it('forgets the state of a signal removed from the catalog, so the hourly fetch window does not grow', async () => {
    const store = await memoryStore();
    const calls: MetricsRequest[] = [];
    const src = source(steady, calls);
    const both = catalogOf((e) => e.component === 'coredns' && (e.id === 'latency_p99' || e.id === 'request_rate'));
    await scan(store, src, both, E0, scanContext(), { lookbackHours: 168 });
    await scan(store, src, both, E0 + H, scanContext(), { lookbackHours: 168 });

    const hours: number[] = [];
    for (let k = 2; k <= 4; k++) {
      calls.length = 0;
      await scan(store, src, latency, E0 + k * H, scanContext(), { lookbackHours: 168 });
      hours.push(...calls.map((c) => (c.endMs - c.startMs) / H));
    }

    // the new hour and 6 h of context (and the step before it), every run: it does not grow by an hour each time
    expect(hours.map((h) => Math.round(h * 12))).toEqual([85, 85, 85]);
    const keys = [...decodeClusterState((await store.baselines.get('scan:c0'))!.state).keys()];
    expect(keys).toEqual(['latency_p99|coredns']);
  });
});
