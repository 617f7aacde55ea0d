/**
 * Per-feature calibration for the causal score: each feature's history is a small histogram, and a
 * feature counts as surprising relative to its own q-quantile, so one heavy-tailed feature (say the
 * first difference of a square wave) cannot drown the others, and one threshold suits every series.
 * Bins are uniform in u = z / (z + C): fine where thresholds live, coarse in the far tail; no log
 * or pow per sample. The quantile is a pointer per feature that moves a bin at a time as counts
 * grow, so a refresh is O(1) amortised.
 */

/** Bins per histogram. Used here through this private const: V8 folds it, but loads and hole-checks an exported one on every use. */
const BINS = 64;
export const CALIB_BINS = BINS;
const C = 8;
export const CALIB_C = C;
/** Scalars kept per feature besides its histogram: pointer bin, count below it, total count, 1 / quantile. */
const PER_FEATURE = 4;

export class FeatureCalibration {
  /** Counts per feature and bin (whole numbers), then the per-feature scalars: views of one storage (the scorer's loop records its rows here itself, see prepare). */
  readonly hist: Float64Array;
  /** Per feature: pointer bin, count below the pointer, count, 1 / quantile (0: never read, -1: open top bin). */
  readonly meta: Float64Array;
  /** The quantile each feature is measured against. */
  private readonly quantiles: Float64Array;
  /** Bit f: feature f's 1 / quantile is known (d[m + 3] !== 0; a refresh never sets it back to 0). */
  private refreshed = 0;

  /**
   * `storage` (sizeFor(quantiles.length) entries, zeros for a fresh start) holds the histograms and
   * the per-feature scalars and is changed in place: it is the calibration part of a scorer's state.
   */
  constructor(quantiles: readonly number[], storage: Float64Array) {
    for (const q of quantiles) if (!(q > 0 && q < 1)) throw new Error(`CausalScorer calibration quantiles must lie in (0, 1), got ${q}`);
    if (storage.length !== FeatureCalibration.sizeFor(quantiles.length)) throw new Error(`FeatureCalibration storage has ${storage.length} entries, expected ${FeatureCalibration.sizeFor(quantiles.length)}`);
    this.quantiles = Float64Array.from(quantiles);
    this.hist = storage.subarray(0, quantiles.length * BINS);
    this.meta = storage.subarray(quantiles.length * BINS);
  }

  /** Entries of the storage for `features` features. */
  static sizeFor(features: number): number {
    return features * (BINS + PER_FEATURE);
  }

  /**
   * For each of the first `count` features: ratio[f] = z[f] over f's quantile when bit f of
   * `scoring` is set (else 0), then z[f] joins f's history. The quantile is re-read when `refresh`
   * (it drifts slowly, so every 16 rows is enough) or on a feature's first scored row.
   */
  observe(z: Float64Array, count: number, scoring: number, refresh: boolean, ratio: Float64Array): void {
    const h = this.hist;
    const d = this.meta;
    // refreshes first (a feature's refresh reads only its own storage): no call in the loop below,
    // which V8 would otherwise make reload every typed array and field after; and no loop at all
    // on the 15 rows in 16 without a refresh once every scored feature has had its first
    if (refresh || (scoring & ~this.refreshed) !== 0) {
      for (let f = 0; f < count; f++) {
        if (!((scoring >> f) & 1)) continue;
        if (refresh || d[f * PER_FEATURE + 3] === 0) this.refresh(f);
        this.refreshed |= 1 << f; // (1 / quantile is never 0 once refreshed)
      }
    }
    for (let f = 0; f < count; f++) {
      const m = f * PER_FEATURE;
      const zf = z[f];
      const scale = d[m + 3];
      ratio[f] = (scoring >> f) & 1 && scale > 0 ? zf * scale : 0;
      let b = ((zf * BINS) / (zf + C)) | 0;
      if (b >= BINS) b = BINS - 1;
      h[f * BINS + b]++;
      if (b < d[m]) d[m + 1]++;
      d[m + 2]++;
    }
  }

  /**
   * observe()'s refreshes alone, for a caller that records its rows itself (CausalScorer.scoreRows,
   * straight into `hist` and `meta` as observe() does, in its loop's own code: no call per row, and
   * each array checked once per row): the quantiles of the first `count` features whose bits are set in
   * `scoring` are re-read, all of them when `refresh`, else only on a feature's first scored row.
   */
  prepare(count: number, scoring: number, refresh: boolean): void {
    if (!refresh && (scoring & ~this.refreshed) === 0) return;
    const d = this.meta;
    for (let f = 0; f < count; f++) {
      if (!((scoring >> f) & 1)) continue;
      if (refresh || d[f * PER_FEATURE + 3] === 0) this.refresh(f);
      this.refreshed |= 1 << f; // (1 / quantile is never 0 once refreshed)
    }
  }

  /** Whether prepare() has work for this row (a call is not made on the 15 rows in 16 without). */
  needsPrepare(scoring: number, refresh: boolean): boolean {
    return refresh || (scoring & ~this.refreshed) !== 0;
  }

  /** Moves feature f's pointer to the bin holding its quantile and caches 1 / that bin's upper edge. */
  private refresh(f: number): void {
    const h = this.hist;
    const d = this.meta;
    const m = f * PER_FEATURE;
    const base = f * BINS;
    const target = this.quantiles[f] * d[m + 2];
    let pos = d[m];
    let below = d[m + 1];
    while (pos < BINS - 1 && below + h[base + pos] < target) below += h[base + pos++];
    while (pos > 0 && below >= target) below -= h[base + --pos];
    d[m] = pos;
    d[m + 1] = below;
    const u = (pos + 1) / BINS;
    // -1 marks a quantile in the open top bin: nothing is beyond it (and 0 means never refreshed)
    d[m + 3] = u < 1 ? (1 - u) / (u * C) : -1;
  }
}
