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
 * (plain deflate of the unshuffled bytes) is still read. 0xFE can never start a raw deflate stream
 * (block type 3 is reserved), so the two layouts cannot be confused.
 */
const LAYOUT_2 = 0xfe;
/**
 * Output chunks big enough for a whole cluster (~190 KB compressed, ~590 KB raw at 5-minute steps):
 * with zlib's 16 KB default an hourly 1,400-cluster run made ~100,000 chunk callbacks and copies on
 * the main thread (3.8 s of CPU).
 */
const DEFLATE = { level: 1, strategy: constants.Z_RLE, chunkSize: 256 * 1024 };
const INFLATE = { chunkSize: 1024 * 1024 };

export function encodeClusterState(states: Map<string, SeriesScanState>): Uint8Array {
  return withMarker(deflateRawSync(packClusterState(states), DEFLATE));
}

const deflateRawAsync = promisify(deflateRaw);

/**
 * Packed states at least this large are compressed on libuv's thread pool, smaller ones at once.
 * A pool job costs ~0.4 ms besides the work (a zlib stream object, the hand-over and the callback).
 * Measured on 100 clusters' states, sync against the pool 4 at a time (tsx, kept outside the repo):
 * - 50 KB each (one component's signals, 5 MB in all): 25-30 ms against 35-95 ms of wall time,
 *   and in the scan's tail (bench:scan's 100 clusters) a median 42 ms against 80 ms;
 * - 220 KB compressed, ~590 KB raw each (the simulated fleet's clusters): 270 ms against 190 ms of
 *   wall time, for the same CPU: there the pool's two cores win.
 */
const POOL_MIN_BYTES = 256 * 1024;

/**
 * Same bytes as encodeClusterState; a large state is compressed on libuv's thread pool, so two
 * cores share the compression of a batch.
 */
export async function encodeClusterStateAsync(states: Map<string, SeriesScanState>): Promise<Uint8Array> {
  const packed = packClusterState(states);
  return withMarker(packed.length < POOL_MIN_BYTES ? deflateRawSync(packed, DEFLATE) : await deflateRawAsync(packed, DEFLATE));
}

/**
 * Decompression runs on the calling thread: on the pool it took as long (130 against 120 ms for 100
 * simulated-fleet clusters, 22 MB compressed) and ~60 % more CPU, and 1.5x as long for small states.
 */
export function decodeClusterState(blob: Uint8Array): Map<string, SeriesScanState> {
  return unpackClusterState(inflateRawSync(deflatedPart(blob), INFLATE), blob[0] === LAYOUT_2);
}

/** The raw deflate stream: after the marker in layout 2, the whole blob in layout 1. */
function deflatedPart(blob: Uint8Array): Uint8Array {
  return blob[0] === LAYOUT_2 ? blob.subarray(1) : blob;
}

function withMarker(deflated: Buffer): Uint8Array {
  const out = new Uint8Array(deflated.length + 1);
  out[0] = LAYOUT_2;
  out.set(deflated, 1);
  return out;
}

// 8th field: the open dip's start, written between open-dip starts and the dip tracker (now null and
// not read); 9th: the length of the dip tracker's floats (absent in states written before it)
type HeaderRow = [string, number, number | null, number, number | null, (number | null)[] | null | undefined, number | undefined, (number | null)?, number?, 1?];

/**
 * Header, then the floats of every scorer and tracker byte-shuffled straight from their arrays:
 * plane k holds byte k of every float. Each float is read as two 32-bit words and written to eight
 * plane views (a byte loop over one Buffer took 1.8 s of an hourly 1,400-cluster run).
 */
function packClusterState(states: Map<string, SeriesScanState>): Buffer {
  // a series that never had a point (throughMs -Infinity) has nothing to keep; JSON would write its
  // time as null, and the next run would fill the "gap" since then point by point
  const entries = [...states.entries()].filter(([, s]) => Number.isFinite(s.throughMs));
  const header: HeaderRow[] = entries.map(([key, s]) => {
    const row: HeaderRow = [key, s.throughMs, s.openEventStartMs ?? null, s.scorer?.length ?? 0, s.lastSeenMs ?? null, s.openEvent ? [s.openEvent.peak, s.openEvent.worst, s.openEvent.level].map(finiteOrNull) : null, s.shift?.length ?? 0, null, s.dip?.length ?? 0];
    // (a tenth field only on a placeholder: every other row is written as before)
    if (s.unbuilt) row.push(1);
    return row;
  });
  const json = Buffer.from(JSON.stringify(header));
  const n = entries.reduce((sum, [, s]) => sum + (s.scorer?.length ?? 0) + (s.shift?.length ?? 0) + (s.dip?.length ?? 0), 0);
  const out = Buffer.allocUnsafe(4 + json.length + n * 8);
  out.writeUInt32LE(json.length, 0);
  json.copy(out, 4);
  const [b0, b1, b2, b3, b4, b5, b6, b7] = planes(out, 4 + json.length, n);
  let i = 0;
  for (const [, s] of entries) {
    for (const a of [s.scorer, s.shift, s.dip]) {
      if (!a) continue;
      const w = new Uint32Array(a.buffer, a.byteOffset, a.length * 2);
      for (let k = 0; k < a.length; k++, i++) {
        const lo = w[2 * k], hi = w[2 * k + 1];
        b0[i] = lo; b1[i] = lo >>> 8; b2[i] = lo >>> 16; b3[i] = lo >>> 24;
        b4[i] = hi; b5[i] = hi >>> 8; b6[i] = hi >>> 16; b7[i] = hi >>> 24;
      }
    }
  }
  return out;
}

/** The eight byte planes of n floats from offset p, as plain Uint8Arrays (indexing these is 2× faster than one Buffer). */
function planes(buf: Buffer, p: number, n: number): Uint8Array[] {
  return Array.from({ length: 8 }, (_, b) => new Uint8Array(buf.buffer, buf.byteOffset + p + b * n, n));
}

/** The floats go into one aligned array; every series gets a view of its part (no copy per series). */
function unpackClusterState(inflated: Buffer, shuffled: boolean): Map<string, SeriesScanState> {
  const jsonLength = inflated.readUInt32LE(0);
  // entries written before level shifts were tracked have no 7th field: their tracker starts afresh
  const header = JSON.parse(inflated.subarray(4, 4 + jsonLength).toString()) as HeaderRow[];
  const p = 4 + jsonLength;
  if ((inflated.length - p) % 8 !== 0 || inflated.length < p) throw new Error(`scan state blob is corrupt: ${inflated.length - p} bytes after the header is not a whole number of floats`);
  const n = (inflated.length - p) >>> 3;
  const floats = new Float64Array(n);
  if (shuffled) {
    const [b0, b1, b2, b3, b4, b5, b6, b7] = planes(inflated, p, n);
    const w = new Uint32Array(floats.buffer);
    for (let k = 0; k < n; k++) {
      w[2 * k] = b0[k] | (b1[k] << 8) | (b2[k] << 16) | (b3[k] << 24);
      w[2 * k + 1] = b4[k] | (b5[k] << 8) | (b6[k] << 16) | (b7[k] << 24);
    }
  } else {
    new Uint8Array(floats.buffer).set(inflated.subarray(p));
  }
  let at = 0;
  const take = (length: number) => (length ? floats.subarray(at, (at += length)) : undefined);
  const out = new Map<string, SeriesScanState>();
  for (const [key, throughMs, open, length, lastSeen, ev, shiftLength, , dipLength, unbuilt] of header) {
    if (typeof key !== 'string' || !Number.isFinite(throughMs)) throw new Error(`scan state blob is corrupt: entry ${JSON.stringify(key)} has no time it was scanned through (${JSON.stringify(throughMs)})`);
    const scorer = take(length);
    const shift = take(shiftLength ?? 0);
    const dip = take(dipLength ?? 0);
    const openEvent = ev ? { peak: ev[0] ?? NaN, worst: ev[1] ?? NaN, level: ev[2] ?? NaN } : undefined;
    out.set(key, { throughMs, openEventStartMs: open ?? undefined, openEvent, scorer, lastSeenMs: lastSeen ?? undefined, ...(shift ? { shift } : {}), ...(dip ? { dip } : {}), ...(dipLength === undefined ? { beforeDipTracker: true } : {}), ...(unbuilt === 1 ? { unbuilt: true } : {}) });
  }
  return out;
}

/** JSON has no NaN: a not-yet-known worst value or level travels as null. */
function finiteOrNull(x: number): number | null {
  return Number.isFinite(x) ? x : null;
}
