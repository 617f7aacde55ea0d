/** Small NaN-tolerant statistics on typed arrays, shared by the root-cause ranking. */

/** Median of the finite values, NaN when there are none. */
export function median(values: ArrayLike<number>): number {
  const finite = Float64Array.from(Array.prototype.filter.call(values, Number.isFinite) as number[]).sort();
  const n = finite.length;
  if (n === 0) return NaN;
  const mid = n >> 1;
  return n % 2 === 1 ? finite[mid] : (finite[mid - 1] + finite[mid]) / 2;
}

export interface RobustBaseline {
  readonly center: number;
  /** Spread in the units of the series; always > 0 when `count` > 0. */
  readonly scale: number;
  /** Finite points the baseline was learned from. */
  readonly count: number;
}

export interface BaselineOptions {
  /**
   * Least spread, as a fraction of |median|: a flat baseline (MAD 0, e.g. availability pinned at
   * 100%) would otherwise make any wiggle infinitely anomalous.
   */
  readonly relativeFloor: number;
}

/**
 * Median and MAD (unscaled, as the PetShop baseline's MedianDeviationScorer: threshold 5 there is
 * about 3.4 standard deviations of normal noise). When more than half the points sit on the
 * median (MAD 0, e.g. availability pinned at 100%) the relative floor is the spread.
 */
export function robustBaseline(values: ArrayLike<number>, options: BaselineOptions): RobustBaseline {
  const center = median(values);
  const deviations: number[] = [];
  for (let i = 0; i < values.length; i += 1) {
    if (Number.isFinite(values[i])) deviations.push(Math.abs(values[i] - center));
  }
  if (deviations.length === 0) return { center: NaN, scale: NaN, count: 0 };
  const floor = Math.max(options.relativeFloor * Math.abs(center), Number.EPSILON);
  return { center, scale: Math.max(median(deviations), floor), count: deviations.length };
}

/**
 * Robust z of one value against a baseline; NaN when either is missing. The spread is at least
 * `relativeFloor` of the larger of |center| and |value|, so a series that was flat at 0 and
 * moves cannot produce an unbounded score.
 */
export function robustZ(value: number, baseline: RobustBaseline, relativeFloor = 0): number {
  if (!Number.isFinite(value) || baseline.count === 0) return NaN;
  const floor = relativeFloor * Math.max(Math.abs(baseline.center), Math.abs(value));
  return (value - baseline.center) / Math.max(baseline.scale, floor);
}

/** Pearson correlation over the indices where both series are finite; 0 when undefined. */
export function pearson(a: ArrayLike<number>, b: ArrayLike<number>): number {
  const n = Math.min(a.length, b.length);
  let count = 0, sa = 0, sb = 0;
  for (let i = 0; i < n; i += 1) {
    if (Number.isFinite(a[i]) && Number.isFinite(b[i])) { count += 1; sa += a[i]; sb += b[i]; }
  }
  if (count < 3) return 0;
  const ma = sa / count, mb = sb / count;
  let cov = 0, va = 0, vb = 0;
  for (let i = 0; i < n; i += 1) {
    if (!Number.isFinite(a[i]) || !Number.isFinite(b[i])) continue;
    cov += (a[i] - ma) * (b[i] - mb);
    va += (a[i] - ma) ** 2;
    vb += (b[i] - mb) ** 2;
  }
  return va > 0 && vb > 0 ? cov / Math.sqrt(va * vb) : 0;
}
