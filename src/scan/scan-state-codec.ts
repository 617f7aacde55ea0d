import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SeriesScanState } from './series-scan.js';

/**
 * One cluster's scan state (every series' scorer and open event) as one compressed blob:
 * a JSON header (keys, times, array lengths) followed by the scorers' float64 bytes.
 */
export function encodeClusterState(states: Map<string, SeriesScanState>): Uint8Array {
  const entries = [...states.entries()];
  const header = entries.map(([key, s]) => [key, s.throughMs, s.openEventStartMs ?? null, s.scorer?.length ?? 0, s.lastSeenMs ?? null]);
  const json = Buffer.from(JSON.stringify(header));
  const floats = entries.reduce((n, [, s]) => n + (s.scorer?.length ?? 0), 0);
  const buf = Buffer.alloc(4 + json.length + floats * 8);
  buf.writeUInt32LE(json.length, 0);
  json.copy(buf, 4);
  let off = 4 + json.length;
  for (const [, s] of entries) {
    if (!s.scorer) continue;
    Buffer.from(s.scorer.buffer, s.scorer.byteOffset, s.scorer.byteLength).copy(buf, off);
    off += s.scorer.byteLength;
  }
  return deflateRawSync(buf, { level: 3 });
}

export function decodeClusterState(blob: Uint8Array): Map<string, SeriesScanState> {
  const buf = inflateRawSync(blob);
  const jsonLength = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + jsonLength).toString()) as [string, number, number | null, number, number | null][];
  const out = new Map<string, SeriesScanState>();
  let off = 4 + jsonLength;
  for (const [key, throughMs, open, length, lastSeen] of header) {
    const scorer = length ? new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + length * 8)) : undefined;
    off += length * 8;
    out.set(key, { throughMs, openEventStartMs: open ?? undefined, scorer, lastSeenMs: lastSeen ?? undefined });
  }
  return out;
}
