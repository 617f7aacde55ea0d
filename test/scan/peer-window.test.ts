import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { PEER_BASELINE_POINTS, PEER_WINDOW_POINTS, collectShardPeers, decodeShardPeers, encodeShardPeers, mergeShardPeers } from '../../src/scan/peer-window.js';
import type { Series } from '../../src/fleet/types.js';

const STEP = 300_000;
const END = Date.UTC(2026, 10, 30, 12);
const POINTS = PEER_BASELINE_POINTS + PEER_WINDOW_POINTS;
// the scan grid ends one step before END (exclusive), as every scan's does
const START = END - POINTS * STEP;

function series(cluster: string, f: (i: number) => number, points = POINTS, startMs = START): Series {
  return { cluster, component: 'coredns', signal: 'request_rate', startMs, stepMs: STEP, values: Float64Array.from({ length: points }, (_, i) => f(i)) };
}

describe('shard peer windows', () => {
  it('keeps the last window as departures from the median of the points before it', () => {
    const peers = collectShardPeers.empty([], END, STEP);
    // baseline: 0..71 shuffled around 100 (median 100 whatever the order), then the window
    collectShardPeers.add(peers, 'request_rate|coredns', series('a', (i) => (i < PEER_BASELINE_POINTS ? 100 + ((i * 37) % 9) - 4 : i === POINTS - 1 ? 150 : 110)));
    // too few points before the window: no level, so no departures
    collectShardPeers.add(peers, 'request_rate|coredns', series('b', (i) => (i < PEER_BASELINE_POINTS - 10 ? NaN : 5)));
    // starts inside the window: the points before it are missing
    collectShardPeers.add(peers, 'request_rate|coredns', series('c', () => 1, 4, END - 4 * STEP));

    const entry = peers.series.get('request_rate|coredns')!;
    expect(entry.clusters).toEqual(['a', 'b', 'c']);
    const [a, b, c] = entry.rows;
    expect(a).toHaveLength(PEER_WINDOW_POINTS);
    expect(Array.from(a.subarray(0, -1))).toEqual(Array(PEER_WINDOW_POINTS - 1).fill(0.1));
    expect(a[PEER_WINDOW_POINTS - 1]).toBeCloseTo(0.5, 12);
    expect(Array.from(b).every(Number.isNaN)).toBe(true);
    expect(Array.from(c).every(Number.isNaN)).toBe(true);
  });

  it('rows are independent although they share storage', () => {
    const peers = collectShardPeers.empty([], END, STEP);
    for (let k = 0; k < 1500; k++) collectShardPeers.add(peers, `s${k % 3}`, series(`c${k}`, () => 10 + k));
    const rows = [...peers.series.values()].flatMap((e) => e.rows);
    expect(rows).toHaveLength(1500);
    rows[0].fill(7);
    expect(rows.slice(1).every((r) => r.every((x) => x === 0))).toBe(true);
    expect(rows[0].every((x) => x === 7)).toBe(true);
  });

  it('round-trips through its blob exactly, and merges shards', () => {
    const one = collectShardPeers.empty([], END, STEP);
    const two = collectShardPeers.empty([], END, STEP);
    collectShardPeers.add(one, 'latency|coredns', series('a', (i) => 1 + i / 1000));
    collectShardPeers.add(one, 'errors|coredns', series('a', (i) => (i % 5 ? 0.01 : NaN)));
    collectShardPeers.add(two, 'latency|coredns', series('b', (i) => 2 - i / 999));
    const decoded = [one, two].map((p) => decodeShardPeers(encodeShardPeers(p)));
    expect(decoded[0]).toEqual(one);
    const merged = mergeShardPeers(decoded);
    expect(merged.series.get('latency|coredns')!.clusters).toEqual(['a', 'b']);
    expect(merged.series.get('latency|coredns')!.rows).toEqual([one.series.get('latency|coredns')!.rows[0], two.series.get('latency|coredns')!.rows[0]]);
  });

  it('refuses a blob whose header names more rows than it holds', () => {
    const peers = collectShardPeers.empty([], END, STEP);
    collectShardPeers.add(peers, 'latency|coredns', series('a', () => 1));
    const buf = inflateRawSync(encodeShardPeers(peers));
    const cut = deflateRawSync(buf.subarray(0, buf.length - 8 * PEER_WINDOW_POINTS));
    expect(() => decodeShardPeers(cut)).toThrow(/shard peer window blob is corrupt/);
  });
});
