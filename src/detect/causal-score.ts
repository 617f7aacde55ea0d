/**
 * One causal anomaly score in [0,1] per point, shared by the fleet scan and the NAB bench.
 * score[i] depends only on values[0..i]. O(1) work per sample and no allocation after
 * construction: exponentially weighted location/scale trackers, a seasonal ring buffer,
 * running extremes, and a Fenwick-tree histogram that calibrates the raw surprise against
 * its own history (so one threshold suits series of very different noise).
 */

export interface CausalScoreParams {
  /** EW span (rows) of the long baseline of value, first difference and seasonal residual. */
  readonly longSpan: number;
  /** EW span (rows) of the short mean compared with the long baseline. */
  readonly shortSpan: number;
  /** Rows used only for learning: the score is 0 before this many rows. */
  readonly warmupRows: number;
  /** After a peak, later points within this many rows must beat the (decaying) peak. */
  readonly restRows: number;
  /** Quantile of the surprise's own history that the current surprise is measured against. */
  readonly calibQuantile: number;
  /** Seasonal period in seconds (one day) and the series' step; 0 step disables it. */
  readonly seasonSeconds: number;
  readonly stepSeconds: number;
  /** Upper bound of the ring buffer (rows) for the seasonal residual. */
  readonly maxSeasonRows: number;
}

export const DEFAULT_CAUSAL_PARAMS: CausalScoreParams = {
  longSpan: 250,
  shortSpan: 4,
  warmupRows: 150,
  restRows: 800,
  calibQuantile: 0.99,
  seasonSeconds: 86_400,
  stepSeconds: 0,
  maxSeasonRows: 2_016,
};

const STATE_VERSION = 1;
const BINS = 512; // histogram of log2(1 + surprise) in 1/32 steps
const SQRT_PI_2 = Math.sqrt(Math.PI / 2); // mean |N(0,1)| -> sigma

export class CausalScorer {
  readonly params: CausalScoreParams;
  private readonly season: Float64Array;
  private readonly period: number;
  private readonly fenwick = new Float64Array(BINS + 1);
  // state: counts, long mean/abs-dev of value, diff and seasonal residual, short mean, extremes
  private n = 0; private histN = 0;
  private mean = 0; private dev = 0; private dDev = 0; private sDev = 0;
  private short = 0; private prev = NaN; private lo = Infinity; private hi = -Infinity;
  private peak = 0; private sincePeak = 0; private calib = 1;

  constructor(params: Partial<CausalScoreParams> = {}) {
    this.params = { ...DEFAULT_CAUSAL_PARAMS, ...params };
    const { seasonSeconds, stepSeconds, maxSeasonRows } = this.params;
    const p = stepSeconds > 0 ? Math.round(seasonSeconds / stepSeconds) : 0;
    this.period = p >= 2 && p <= maxSeasonRows ? p : 0;
    this.season = new Float64Array(Math.max(1, this.period));
  }

  /** Current long-run level (EW mean) of the series: the reference a deviation is measured from. */
  get level(): number {
    return this.mean;
  }

  /**
   * The whole state as one array (params, scalars, seasonal ring, histogram), so an hourly scan can
   * store it and feed only the new points: fromState(toState()) continues exactly like an unbroken run.
   */
  toState(): Float64Array {
    const p = this.params;
    const scalars = [this.n, this.histN, this.mean, this.dev, this.dDev, this.sDev, this.short, this.prev, this.lo, this.hi, this.peak, this.sincePeak, this.calib];
    const head = [STATE_VERSION, p.longSpan, p.shortSpan, p.warmupRows, p.restRows, p.calibQuantile, p.seasonSeconds, p.stepSeconds, p.maxSeasonRows, ...scalars];
    const out = new Float64Array(head.length + this.season.length + this.fenwick.length);
    out.set(head, 0);
    out.set(this.season, head.length);
    out.set(this.fenwick, head.length + this.season.length);
    return out;
  }

  static fromState(state: Float64Array): CausalScorer {
    if (state[0] !== STATE_VERSION) throw new Error(`CausalScorer state version ${state[0]} is not ${STATE_VERSION}; rebuild baselines (--full)`);
    const [, longSpan, shortSpan, warmupRows, restRows, calibQuantile, seasonSeconds, stepSeconds, maxSeasonRows] = state;
    const s = new CausalScorer({ longSpan, shortSpan, warmupRows, restRows, calibQuantile, seasonSeconds, stepSeconds, maxSeasonRows });
    const o = 9;
    [s.n, s.histN, s.mean, s.dev, s.dDev, s.sDev, s.short, s.prev, s.lo, s.hi, s.peak, s.sincePeak, s.calib] = state.subarray(o, o + 13);
    s.season.set(state.subarray(o + 13, o + 13 + s.season.length));
    s.fenwick.set(state.subarray(o + 13 + s.season.length, o + 13 + s.season.length + s.fenwick.length));
    return s;
  }

  /** Scores values into out (same length); call repeatedly to stream consecutive chunks. */
  scoreInto(values: Float64Array, out: Float64Array | Float32Array): void {
    for (let i = 0; i < values.length; i++) out[i] = this.push(values[i]);
  }

  /** Feeds one value and returns its score. */
  push(x: number): number {
    if (Number.isNaN(x)) return 0;
    const surprise = this.surprise(x);
    this.learn(x);
    if (this.n <= this.params.warmupRows) { this.record(surprise); return 0; }
    // the calibration quantile drifts slowly: refreshing it every 32 points keeps O(1) cheap
    if ((this.n & 31) === 0 || this.n === this.params.warmupRows + 1) this.calib = Math.max(1, this.quantile(this.params.calibQuantile));
    const ratio = surprise / this.calib;
    this.record(surprise);
    return this.suppress(ratio / (ratio + 1));
  }

  /** Largest of the standardised deviations, in sigma units. */
  private surprise(x: number): number {
    if (this.n < 2) return 0;
    // floor every scale at 1% of the range seen: noise-free series would otherwise divide by ~0
    const eps = 0.01 * (this.hi - this.lo) + 1e-9 * (Math.abs(this.mean) + 1);
    const sigma = this.dev * SQRT_PI_2 + eps;
    const zValue = Math.abs(x - this.mean) / sigma;
    const zDiff = Math.abs(x - this.prev) / (this.dDev * SQRT_PI_2 + eps);
    const shortNext = this.short + (x - this.short) * (2 / (this.params.shortSpan + 1));
    const zShort = (Math.abs(shortNext - this.mean) / sigma) * 4;
    const range = this.hi - this.lo + eps;
    const novelty = (Math.max(0, x - this.hi, this.lo - x) / range) * 5;
    let zSeason = 0;
    if (this.period > 0 && this.n >= 2 * this.period) {
      zSeason = Math.abs(x - this.season[this.n % this.period]) / (this.sDev * SQRT_PI_2 + eps) / 4;
    }
    return Math.max(zValue, zDiff, zShort, novelty, zSeason);
  }

  /** Winsorised EW updates so one spike cannot blow up the scale. */
  private learn(x: number): void {
    const a = this.n < this.params.longSpan ? 1 / (this.n + 1) : 2 / (this.params.longSpan + 1);
    const first = this.n === 0;
    const clip = 4 * (this.dev * SQRT_PI_2) || Infinity;
    const r = Math.max(-clip, Math.min(clip, x - this.mean));
    this.mean = first ? x : this.mean + a * r;
    this.dev += a * (Math.abs(r) - this.dev);
    if (!first) {
      const dClip = 4 * (this.dDev * SQRT_PI_2) || Infinity;
      this.dDev += a * (Math.min(dClip, Math.abs(x - this.prev)) - this.dDev);
    }
    if (this.period > 0) {
      const slot = this.n % this.period;
      if (this.n >= this.period) {
        const sClip = 4 * (this.sDev * SQRT_PI_2) || Infinity;
        this.sDev += a * (Math.min(sClip, Math.abs(x - this.season[slot])) - this.sDev);
      }
      this.season[slot] = x;
    }
    this.short = first ? x : this.short + (x - this.short) * (2 / (this.params.shortSpan + 1));
    this.lo = Math.min(this.lo, x);
    this.hi = Math.max(this.hi, x);
    this.prev = x;
    this.n++;
  }

  private bin(s: number): number {
    return Math.min(BINS - 1, Math.floor(Math.log2(1 + s) * 32));
  }

  private record(s: number): void {
    for (let i = this.bin(s) + 1; i <= BINS; i += i & -i) this.fenwick[i]++;
    this.histN++;
  }

  /** Upper edge of the histogram bin holding the q-quantile of past surprises (Fenwick descent). */
  private quantile(q: number): number {
    let target = q * this.histN;
    let pos = 0;
    for (let step = BINS; step > 0; step >>= 1) {
      if (pos + step <= BINS && this.fenwick[pos + step] < target) { pos += step; target -= this.fenwick[pos]; }
    }
    return 2 ** ((pos + 1) / 32) - 1;
  }

  /** Within restRows of a peak, only a point beating the linearly decaying peak scores. */
  private suppress(raw: number): number {
    this.sincePeak++;
    const level = this.peak * Math.max(0, 1 - this.sincePeak / this.params.restRows);
    if (raw <= level) return raw * 0.5;
    this.peak = raw;
    this.sincePeak = 0;
    return raw;
  }
}

/** Scores a whole series with a fresh scorer. */
export function causalScore(values: Float64Array, params: Partial<CausalScoreParams> = {}): Float64Array {
  const out = new Float64Array(values.length);
  new CausalScorer(params).scoreInto(values, out);
  return out;
}
