import { promisify } from 'node:util';
import { deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SeriesScanState } from './series-scan.js';

/**
 * One cluster's scan state (every series' scorer and open event) as one compressed blob:
 * a JSON header (keys, times, array lengths) followed by the scorers' float64 bytes.
 */
export function encodeClusterState(states: Map<string, SeriesScanState>): Uint8Array {
  return deflateRawSync(packClusterState(states), { level: 3 });
}

const deflateRawAsync = promisify(deflateRaw);

/**
 * Same bytes as encodeClusterState, compressed on libuv's thread pool: deflate was the largest
 * single cost of a full scan on the main thread, and the pool overlaps it with detection.
 */
export async function encodeClusterStateAsync(states: Map<string, SeriesScanState>): Promise<Uint8Array> {
  return deflateRawAsync(packClusterState(states), { level: 3 });
}

function packClusterState(states: Map<string, SeriesScanState>): Buffer {
  const entries = [...states.entries()];
  const header = entries.map(([key, s]) => [key, s.throughMs, s.openEventStartMs ?? null, s.scorer?.length ?? 0, s.lastSeenMs ?? null, s.openEvent ? [s.openEvent.peak, s.openEvent.worst, s.openEvent.level].map(finiteOrNull) : null, s.shift?.length ?? 0]);
  const json = Buffer.from(JSON.stringify(header));
  const floats = entries.reduce((n, [, s]) => n + (s.scorer?.length ?? 0) + (s.shift?.length ?? 0), 0);
  const buf = Buffer.alloc(4 + json.length + floats * 8);
  buf.writeUInt32LE(json.length, 0);
  json.copy(buf, 4);
  let off = 4 + json.length;
  for (const [, s] of entries) {
    for (const a of [s.scorer, s.shift]) {
      if (!a) continue;
      Buffer.from(a.buffer, a.byteOffset, a.byteLength).copy(buf, off);
      off += a.byteLength;
    }
  }
  return buf;
}

export function decodeClusterState(blob: Uint8Array): Map<string, SeriesScanState> {
  const buf = inflateRawSync(blob);
  const jsonLength = buf.readUInt32LE(0);
  // entries written before level shifts were tracked have no 7th field: their tracker starts afresh
  const header = JSON.parse(buf.subarray(4, 4 + jsonLength).toString()) as [string, number, number | null, number, number | null, (number | null)[] | null | undefined, number | undefined][];
  const out = new Map<string, SeriesScanState>();
  let off = 4 + jsonLength;
  const take = (length: number) => {
    const a = length ? new Float64Array(buf.buffer.slice(buf.byteOffset + off, buf.byteOffset + off + length * 8)) : undefined;
    off += length * 8;
    return a;
  };
  for (const [key, throughMs, open, length, lastSeen, ev, shiftLength] of header) {
    const scorer = take(length);
    const shift = take(shiftLength ?? 0);
    const openEvent = ev ? { peak: ev[0] ?? NaN, worst: ev[1] ?? NaN, level: ev[2] ?? NaN } : undefined;
    out.set(key, { throughMs, openEventStartMs: open ?? undefined, openEvent, scorer, lastSeenMs: lastSeen ?? undefined, ...(shift ? { shift } : {}) });
  }
  return out;
}

/** JSON has no NaN: a not-yet-known worst value or level travels as null. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
