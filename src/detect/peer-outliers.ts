/**
 * Fleet-peer outliers: at each timestamp, a row is compared with the median and MAD of its
 * group (e.g. component version + region) across the fleet.
 *
 * Mergeability choice: medians are not mergeable from summaries, and approximate sketches
 * blur small groups, so shards emit exact per-group samples (`collectPeerSamples`), the
 * finalize step concatenates them (`mergePeerSamples`) and computes exact statistics
 * (`finalizePeerStats`). Cost: the samples are as large as the matrix, which is fine for
 * golden signals (clusters x a few hundred timestamps).
 */

export interface PeerSamples {
  readonly timestamps: number;
  /** Per group: its rows' series, each of `timestamps` values. */
  readonly groups: Map<string, Float64Array[]>;
}

/**
 * Per timestamp: median, scaled MAD (1.4826 MAD) and count of finite values. ±Inf (a ratio over zero
 * requests) is no value, as in the other detectors: an infinite peer moved the median, and an
 * infinite row was an outlier of z = Infinity.
 */
export interface GroupStats {
  readonly median: Float64Array;
  readonly mad: Float64Array;
  readonly count: Uint32Array;
}

export interface PeerStats {
  readonly groups: Map<string, GroupStats>;
}

export interface PeerOutlier {
  readonly row: number;
  readonly index: number;
  readonly z: number;
}

export function collectPeerSamples(matrix: readonly Float64Array[], groups: readonly string[]): PeerSamples {
  const out = new Map<string, Float64Array[]>();
  matrix.forEach((row, r) => {
    const list = out.get(groups[r]) ?? [];
    list.push(row);
    out.set(groups[r], list);
  });
  return { timestamps: matrix[0]?.length ?? 0, groups: out };
}

export function mergePeerSamples(a: PeerSamples, b: PeerSamples): PeerSamples {
  if (a.timestamps !== b.timestamps && a.groups.size && b.groups.size) throw new Error('peer samples cover different timestamps');
  const groups = new Map(a.groups);
  for (const [g, rows] of b.groups) groups.set(g, [...(groups.get(g) ?? []), ...rows]);
  return { timestamps: Math.max(a.timestamps, b.timestamps), groups };
}

function median(s: Float64Array, n: number): number {
  const v = s.subarray(0, n).sort();
  return n % 2 ? v[(n - 1) >> 1] : (v[n / 2 - 1] + v[n / 2]) / 2;
}

export function finalizePeerStats(samples: PeerSamples): PeerStats {
  const out = new Map<string, GroupStats>();
  for (const [g, rows] of samples.groups) {
    const T = samples.timestamps;
    const med = new Float64Array(T).fill(NaN), mad = new Float64Array(T).fill(NaN), count = new Uint32Array(T);
    const scratch = new Float64Array(rows.length);
    for (let t = 0; t < T; t++) {
      let n = 0;
      for (const row of rows) if (row[t] - row[t] === 0) scratch[n++] = row[t];
      count[t] = n;
      if (n === 0) continue;
      med[t] = median(scratch, n);
      for (let i = 0; i < n; i++) scratch[i] = Math.abs(scratch[i] - med[t]);
      mad[t] = 1.4826 * median(scratch, n);
    }
    out.set(g, { median: med, mad, count });
  }
  return { groups: out };
}

export function computePeerStats(matrix: readonly Float64Array[], groups: readonly string[]): PeerStats {
  return finalizePeerStats(collectPeerSamples(matrix, groups));
}

/**
 * Robust z of one row against its group's statistics. NaN where the row has no finite value or
 * the group has fewer than minPeers. The MAD is floored (minScale, plus 1e-9 of the median) so that a group
 * of identical peers does not turn tiny deviations into infinite z.
 */
export function scorePeerOutliers(
  rowSeries: Float64Array, stats: GroupStats,
  options: { minPeers?: number; minScale?: number } = {},
): Float64Array {
  const { minPeers = 3, minScale = 0 } = options;
  const z = new Float64Array(rowSeries.length);
  for (let t = 0; t < rowSeries.length; t++) {
    if (stats.count[t] < minPeers || rowSeries[t] - rowSeries[t] !== 0) { z[t] = NaN; continue; }
    const scale = Math.max(stats.mad[t], minScale, 1e-9 * (Math.abs(stats.median[t]) + 1));
    z[t] = (rowSeries[t] - stats.median[t]) / scale;
  }
  return z;
}

/** Every (row, timestamp) whose robust peer z exceeds the threshold in absolute value. */
export function findPeerOutliers(
  matrix: readonly Float64Array[], groups: readonly string[], threshold = 5, stats = computePeerStats(matrix, groups),
): PeerOutlier[] {
  const out: PeerOutlier[] = [];
  matrix.forEach((row, r) => {
    const z = scorePeerOutliers(row, stats.groups.get(groups[r])!);
    for (let t = 0; t < z.length; t++) if (Math.abs(z[t]) > threshold) out.push({ row: r, index: t, z: z[t] });
  });
  return out;
}
