import { promisify } from 'node:util';
import { constants, deflateRaw, deflateRawSync, inflateRawSync } from 'node:zlib';
import type { SeriesScanState } from './series-scan.js';

/**
 * One cluster's scan state (every series' scorer and open event) as one compressed blob:
 * a JSON header (keys, times, array lengths) followed by the scorers' float64 bytes.
 *
 * Layout 2 (written now): the marker byte 0xFE, then raw deflate (run-length strategy) of the
 * header and the floats byte-shuffled (every float's byte 0, then every byte 1, …): the exponent
 * and high mantissa bytes of histogram counts and levels repeat, so the shuffled bytes compress in
 * runs. On 400 clusters' states from the simulated 1,400-cluster week (235 MB raw) that takes 2.4 s
 * of CPU instead of 3.7 s for plain deflate level 3, for 3 % more bytes (130 vs 126 MB). Layout 1
 * (plain deflate of the unshuffled bytes) is still read. 0xFE can never start a raw deflate stream (block type 3 is
 * reserved), so the two layouts cannot be confused.
 */
const LAYOUT_2 = 0xfe;
const DEFLATE = { level: 1, strategy: constants.Z_RLE };

export function encodeClusterState(states: Map<string, SeriesScanState>): Uint8Array {
  return withMarker(deflateRawSync(shuffleFloats(packClusterState(states)), DEFLATE));
}

const deflateRawAsync = promisify(deflateRaw);

/**
 * Same bytes as encodeClusterState, compressed on libuv's thread pool: deflate was the largest
 * single cost of a full scan on the main thread, and the pool overlaps it with detection.
 */
export async function encodeClusterStateAsync(states: Map<string, SeriesScanState>): Promise<Uint8Array> {
  return withMarker(await deflateRawAsync(shuffleFloats(packClusterState(states)), DEFLATE));
}

function withMarker(deflated: Buffer): Uint8Array {
  const out = new Uint8Array(deflated.length + 1);
  out[0] = LAYOUT_2;
  out.set(deflated, 1);
  return out;
}

/** Byte-transpose the float region (after the header) into a new buffer; unshuffleFloats undoes it. */
function shuffleFloats(buf: Buffer): Buffer {
  const off = 4 + buf.readUInt32LE(0);
  const n = (buf.length - off) / 8;
  const out = Buffer.allocUnsafe(buf.length);
  buf.copy(out, 0, 0, off);
  for (let b = 0; b < 8; b++) {
    const base = off + b * n;
    for (let i = 0, j = off + b; i < n; i++, j += 8) out[base + i] = buf[j];
  }
  return out;
}

function unshuffleFloats(buf: Buffer): Buffer {
  const off = 4 + buf.readUInt32LE(0);
  const n = (buf.length - off) / 8;
  if (!Number.isInteger(n) || n < 0) throw new Error(`scan state blob is corrupt: ${buf.length - off} bytes after the header is not a whole number of floats`);
  const out = Buffer.allocUnsafe(buf.length);
  buf.copy(out, 0, 0, off);
  for (let b = 0; b < 8; b++) {
    const base = off + b * n;
    for (let i = 0, j = off + b; i < n; i++, j += 8) out[j] = buf[base + i];
  }
  return out;
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
  const buf = blob[0] === LAYOUT_2 ? unshuffleFloats(inflateRawSync(blob.subarray(1))) : inflateRawSync(blob);
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
