import { deflateRawSync, inflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeClusterState, encodeClusterState, encodeClusterStateAsync } from '../../src/scan/scan-state-codec.js';
import { scanSeries, type SeriesScanState } from '../../src/scan/series-scan.js';
import { at, DAY, noise, opts, series } from './series-fixtures.js';

/** The layout-1 bytes of a layout-2 blob's content: the floats back in their natural byte order. */
function unshuffle(buf: Buffer): Buffer {
  const off = 4 + buf.readUInt32LE(0);
  const n = (buf.length - off) / 8;
  const out = Buffer.from(buf);
  for (let i = 0; i < n; i++) for (let b = 0; b < 8; b++) out[off + i * 8 + b] = buf[off + b * n + i];
  return out;
}

describe('scan state codec', () => {
  it('round-trips scorer state, open event, times and missing scorers', () => {
    const latency = series(DAY, (i) => (i >= DAY - 5 ? 0.7 : 0.1 + 0.005 * noise(i)));
    const scanned = scanSeries({ cluster: 'c1', component: 'coredns', signal: 'latency_p99', badDirection: 'up' }, latency, at(0), undefined, opts()).state;
    const states = new Map<string, SeriesScanState>([
      ['latency_p99|coredns', scanned],
      ['availability|etcd', { throughMs: at(10) }],
      ['error_ratio|etcd', { throughMs: at(12), lastSeenMs: at(11), openEventStartMs: at(9), openEvent: { peak: 0.95, worst: NaN, level: 0.2 } }],
    ]);

    const decoded = decodeClusterState(encodeClusterState(states));

    expect(scanned.openEventStartMs).toBeDefined();
    expect(scanned.shift?.length).toBeGreaterThan(0);
    expect(decoded.get('latency_p99|coredns')).toEqual(scanned);
    expect(decoded.get('availability|etcd')).toEqual({ throughMs: at(10) });
    expect(decoded.get('error_ratio|etcd')).toEqual(states.get('error_ratio|etcd'));
    expect([...decoded.keys()]).toEqual([...states.keys()]);
  });

  it('round-trips a placeholder (a series never built) and writes every other entry as before (nine header fields)', () => {
    const states = new Map<string, SeriesScanState>([
      ['availability|coredns', { throughMs: at(10), unbuilt: true }],
      ['latency_p99|coredns', { throughMs: at(10), lastSeenMs: at(9) }],
    ]);

    const blob = encodeClusterState(states);

    const decoded = decodeClusterState(blob);
    expect(decoded.get('availability|coredns')).toEqual({ throughMs: at(10), unbuilt: true });
    expect(decoded.get('latency_p99|coredns')?.unbuilt).toBeUndefined();
    const inflated = inflateRawSync(blob.subarray(1));
    const header = JSON.parse(inflated.subarray(4, 4 + inflated.readUInt32LE(0)).toString()) as unknown[][];
    expect(header.map((row) => row.length)).toEqual([10, 9]);
  });

  it('drops a series that never had a point (throughMs -Infinity) instead of writing its time as null, and refuses a blob with a null time', () => {
    const empty = scanSeries({ cluster: 'c1', component: 'coredns', signal: 'latency_p99', badDirection: 'up' }, new Float64Array(0), at(0), undefined, opts()).state;
    expect(empty.throughMs).toBe(-Infinity);
    const decoded = decodeClusterState(encodeClusterState(new Map([['latency_p99|coredns', empty], ['availability|etcd', { throughMs: at(10) }]])));
    expect([...decoded.keys()]).toEqual(['availability|etcd']);
    // a blob written before this check: the header holds null for the time
    const json = Buffer.from(JSON.stringify([['latency_p99|coredns', null, null, 0, null, null, 0, null, 0]]));
    const raw = Buffer.concat([Buffer.alloc(4), json]);
    raw.writeUInt32LE(json.length, 0);
    expect(() => decodeClusterState(Buffer.concat([Buffer.from([0xfe]), deflateRawSync(raw)]))).toThrow(/latency_p99\|coredns.*no time it was scanned through \(null\)/);
  });

  it('reads a state written before level shifts were tracked (no tracker: it starts afresh), marked as older than the dip tracker', () => {
    const scorer = Float64Array.from([1, 2, 3]);
    const header = Buffer.from(JSON.stringify([['latency_p99|coredns', at(5), null, 3, at(4), null]]));
    const raw = Buffer.alloc(4 + header.length + 24);
    raw.writeUInt32LE(header.length, 0);
    header.copy(raw, 4);
    Buffer.from(scorer.buffer).copy(raw, 4 + header.length);

    const decoded = decodeClusterState(deflateRawSync(raw));

    expect(decoded.get('latency_p99|coredns')).toEqual({ throughMs: at(5), lastSeenMs: at(4), scorer, beforeDipTracker: true });
  });

  it('writes layout 2 (marker 0xFE, shuffled floats) no more than 25 % larger than plain deflate level 3, and reads it back exactly', async () => {
    const states = new Map<string, SeriesScanState>();
    for (const [k, signal] of ['latency_p99', 'error_ratio', 'cpu_saturation'].entries()) {
      const values = series(DAY, (i) => 0.1 * (k + 1) + 0.01 * noise(i + k * 7));
      states.set(`${signal}|coredns`, scanSeries({ cluster: 'c1', component: 'coredns', signal, badDirection: 'up' }, values, at(0), undefined, opts()).state);
    }

    const blob = encodeClusterState(states);
    const layout1 = deflateRawSync(unshuffle(inflateRawSync(blob.subarray(1))), { level: 3 });

    expect(blob[0]).toBe(0xfe);
    // run-length deflate trades a little size (3 % on the 1,400-cluster week) for a third less CPU
    expect(blob.length).toBeLessThan(layout1.length * 1.25);
    expect(Buffer.from(await encodeClusterStateAsync(states))).toEqual(Buffer.from(blob));
    expect(decodeClusterState(blob)).toEqual(states);
  });

  it('compresses a state of 256 KB and more on the thread pool into the same bytes as inline', async () => {
    const states = new Map<string, SeriesScanState>();
    for (let k = 0; k < 48; k++) {
      const values = series(DAY, (i) => 0.1 + 0.01 * noise(i + k * 13));
      states.set(`latency_p99|c${k}`, scanSeries({ cluster: 'c1', component: `c${k}`, signal: 'latency_p99', badDirection: 'up' }, values, at(0), undefined, opts()).state);
    }
    const blob = encodeClusterState(states);
    const raw = inflateRawSync(blob.subarray(1));

    expect(raw.length).toBeGreaterThan(256 * 1024);
    expect(Buffer.from(await encodeClusterStateAsync(states))).toEqual(Buffer.from(blob));
    expect(decodeClusterState(blob)).toEqual(states);
  });

  it.each([
    ['bytes that are not deflate', Uint8Array.from([1, 2, 3])],
    ['a layout-2 marker before garbage', Uint8Array.from([0xfe, 1, 2, 3])],
    ['a layout-2 blob cut short', (() => { const b = encodeClusterState(new Map([['a|b', { throughMs: 1, scorer: Float64Array.from([1, 2, 3]) }]])); return b.subarray(0, b.length - 4); })()],
  ])('rejects %s', (_, blob) => {
    expect(() => decodeClusterState(blob)).toThrow();
  });
});
