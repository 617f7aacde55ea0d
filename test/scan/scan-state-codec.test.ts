import { deflateRawSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { decodeClusterState, encodeClusterState } from '../../src/scan/scan-state-codec.js';
import { scanSeries, type SeriesScanState } from '../../src/scan/series-scan.js';
import { at, DAY, noise, opts, series } from './series-fixtures.js';

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

  it('reads a state written before level shifts were tracked (no tracker: it starts afresh)', () => {
    const scorer = Float64Array.from([1, 2, 3]);
    const header = Buffer.from(JSON.stringify([['latency_p99|coredns', at(5), null, 3, at(4), null]]));
    const raw = Buffer.alloc(4 + header.length + 24);
    raw.writeUInt32LE(header.length, 0);
    header.copy(raw, 4);
    Buffer.from(scorer.buffer).copy(raw, 4 + header.length);

    const decoded = decodeClusterState(deflateRawSync(raw));

    expect(decoded.get('latency_p99|coredns')).toEqual({ throughMs: at(5), lastSeenMs: at(4), scorer });
  });

  it('rejects a blob that is not a state', () => {
    expect(() => decodeClusterState(Uint8Array.from([1, 2, 3]))).toThrow();
  });
});
