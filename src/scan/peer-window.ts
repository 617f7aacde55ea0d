import { deflateRawSync, inflateRawSync } from 'node:zlib';
import type { Cluster, Series } from '../fleet/types.js';

/** Points of the latest window every shard hands to the finalize step for fleet-wide peer statistics. */
export const PEER_WINDOW_POINTS = 12;
/** Points before the window whose median is the series' own level (6 h at 5 min: inside every scan's context). */
export const PEER_BASELINE_POINTS = 72;

/** One shard's latest-window values per `signal|component`, one row per cluster. */
export interface ShardPeers {
  /** The scan's end, exclusive like every scan grid: the window's last point is at endMs - stepMs. */
  endMs: number;
  stepMs: number;
  series: Map<string, { clusters: string[]; rows: Float64Array[] }>;
}

function empty(_clusters: Cluster[], endMs: number, stepMs: number): ShardPeers {
  return { endMs, stepMs, series: new Map() };
}

/** Time of the window's last point: the scan grid's last sample, one step before its (exclusive) end. */
export const peerWindowLastMs = (peers: Pick<ShardPeers, 'endMs' | 'stepMs'>) => peers.endMs - peers.stepMs;

/**
 * The last PEER_WINDOW_POINTS points of the scan grid (ending one step before `endMs`) as relative departures from the series' own
 * median over the PEER_BASELINE_POINTS before them, or `floor` when that is larger (NaN where there is no point or no level).
 * Clusters differ in size and load, so raw values of peers are not comparable; a departure is: a
 * cluster that moved while its peers did not is an outlier, a cluster that is merely bigger is not.
 */
function add(peers: ShardPeers, key: string, s: Series, floor = 0): void {
  const row = newRow();
  const firstMs = peerWindowLastMs(peers) - (PEER_WINDOW_POINTS - 1) * peers.stepMs;
  const first = Math.round((firstMs - s.startMs) / s.stepMs);
  const level = ownLevel(s.values, first);
  // `floor` as in the series' own detectors: against a level of 0 (an error ratio with no errors),
  // 0.00002 was a departure of 2e7 and a peer outlier of its zero peers
  const scale = Math.max(Math.abs(level), floor, 1e-12);
  for (let j = 0; j < PEER_WINDOW_POINTS; j++) {
    const i = first + j;
    if (i >= 0 && i < s.values.length) row[j] = (s.values[i] - level) / scale;
  }
  const entry = peers.series.get(key) ?? { clusters: [], rows: [] };
  entry.clusters.push(s.cluster);
  entry.rows.push(row);
  peers.series.set(key, entry);
}

/**
 * Rows are carved from shared chunks: a typed array with its own buffer costs ~2.7 µs to allocate,
 * and an hourly 1,400-cluster run adds 116,200 rows.
 */
const ROWS_PER_CHUNK = 1024;
let chunk = new Float64Array(0);
let chunkAt = 0;
function newRow(): Float64Array {
  if (chunkAt === chunk.length) {
    chunk = new Float64Array(ROWS_PER_CHUNK * PEER_WINDOW_POINTS).fill(NaN);
    chunkAt = 0;
  }
  return chunk.subarray(chunkAt, (chunkAt += PEER_WINDOW_POINTS));
}

const levelScratch = new Float64Array(PEER_BASELINE_POINTS);

/** Median of the finite points among the PEER_BASELINE_POINTS before `before` (NaN with fewer than a quarter of them). */
function ownLevel(values: Float64Array, before: number): number {
  const from = Math.max(0, before - PEER_BASELINE_POINTS);
  let n = 0;
  for (let i = from; i < Math.min(before, values.length); i++) if (Number.isFinite(values[i])) levelScratch[n++] = values[i];
  if (n < PEER_BASELINE_POINTS / 4) return NaN;
  const xs = levelScratch.subarray(0, n).sort();
  return xs[n >> 1];
}

export const collectShardPeers = { empty, add };

export function encodeShardPeers(p: ShardPeers): Uint8Array {
  const keys = [...p.series.keys()].sort();
  const header = { endMs: p.endMs, stepMs: p.stepMs, keys: keys.map((k) => [k, p.series.get(k)!.clusters]) };
  const json = Buffer.from(JSON.stringify(header));
  const rows = keys.flatMap((k) => p.series.get(k)!.rows);
  const buf = Buffer.alloc(4 + json.length + rows.length * PEER_WINDOW_POINTS * 8);
  buf.writeUInt32LE(json.length, 0);
  json.copy(buf, 4);
  rows.forEach((r, i) => Buffer.from(r.buffer, r.byteOffset, r.byteLength).copy(buf, 4 + json.length + i * PEER_WINDOW_POINTS * 8));
  return deflateRawSync(buf, { level: 3 });
}

export function decodeShardPeers(blob: Uint8Array): ShardPeers {
  const buf = inflateRawSync(blob);
  const n = buf.readUInt32LE(0);
  const header = JSON.parse(buf.subarray(4, 4 + n).toString()) as { endMs: number; stepMs: number; keys: [string, string[]][] };
  // one aligned copy of every row; each row is a view of it
  const all = new Float64Array((buf.length - 4 - n) >>> 3);
  new Uint8Array(all.buffer).set(buf.subarray(4 + n, 4 + n + all.length * 8));
  let at = 0;
  const series = new Map<string, { clusters: string[]; rows: Float64Array[] }>();
  for (const [key, clusters] of header.keys) {
    const rows = clusters.map(() => all.subarray(at, (at += PEER_WINDOW_POINTS)));
    series.set(key, { clusters, rows });
  }
  if (at !== all.length) throw new Error(`shard peer window blob is corrupt: ${all.length} values for ${at} in its header`);
  return { endMs: header.endMs, stepMs: header.stepMs, series };
}

/** Merge shards' windows (finalize). */
export function mergeShardPeers(parts: ShardPeers[]): ShardPeers {
  const out: ShardPeers = { endMs: parts[0]?.endMs ?? 0, stepMs: parts[0]?.stepMs ?? 0, series: new Map() };
  for (const p of parts) {
    for (const [key, e] of p.series) {
      const acc = out.series.get(key) ?? { clusters: [], rows: [] };
      acc.clusters.push(...e.clusters);
      acc.rows.push(...e.rows);
      out.series.set(key, acc);
    }
  }
  return out;
}
