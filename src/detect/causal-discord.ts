/**
 * Bounded causal left discord (after DAMP, Lu & Keogh 2022) for the causal score: the series is cut
 * into blocks of `block` rows, and at each block end the latest `length` block means, z-normalised,
 * are compared with earlier windows of the same length in a ring of the last `history` block means
 * (windows overlapping the latest are excluded; every `lagStep`-th lag). The distance to the nearest
 * one is a shape never seen lately, and is calibrated against its own history like the other
 * deviations (a one-feature copy of causal-calibration.ts). Scores only once the ring is full and
 * `warm` distances are recorded.
 *
 * Cost: the dot product of the latest window with the window `lag` blocks earlier is a sliding sum
 * kept per lag (STOMP's update: one product in, one out), recomputed exactly every `history` blocks
 * with the block means re-centred on the ring's mean, so rounding cannot build up and large values
 * (bytes/s near 1e9) do not cancel. No allocation, no view: the state is a stretch of the scorer's
 * storage, read at fixed offsets. The scorer feeds it from a pass of its own after the rows
 * (CausalScorer.discordPass): in the per-row path even a sum and a countdown cost ~5 %.
 */

/**
 * Scalars at the head of the discord's stretch: block sum and rows in it (the scorer's pending block),
 * blocks seen, ring position, distances recorded, the reference the ring's block means are
 * centred on, whether the per-lag sums are valid for the latest window, and io: [IN_MEAN] the block's
 * mean, [IN_RANGE] the range of values seen (the sd floor is `eps` of it: a flat window has no shape),
 * [OUT] the latest distance over its quantile at a scored block end, else 0.
 */
export const SUM = 0;
const COUNT = 1, BLOCKS = 2, POS = 3, SCORED = 4, REF = 5, SLIDING = 6;
export const IN_MEAN = 7, IN_RANGE = 8, OUT = 9;
const SCALARS = 10;
/** The distance is recorded x8 so its quantile falls where the calibration bins are fine (u = z / (z + 8)). */
const SCALE = 8;
const BINS = 64;
const C = 8;
/** Calibration scalars after the histogram: pointer bin, count below it, count, 1 / quantile (0: never read, -1: open top bin). */
const PTR = 0, BELOW = 1, TOTAL = 2, INV = 3;

/**
 * Per window start, the window's mean and the sum of its squared deviations from it, as the search
 * reads them from the ring: a window's blocks stay as they are from the block end that makes it the
 * latest until it leaves the searched lags, so they are worked out there once instead of at each of
 * its ~(history - 2 length) / lagStep searches (a re-centring changes every block: then all are
 * worked out again). Not state, and one copy for all discords (two typed arrays per scorer cost more
 * to allocate than a short series' searches): held by the discord that last searched (`owner`), and
 * rebuilt from the ring by another that searches next.
 */
const WINDOWS: { owner: LeftDiscord | null; mean: Float64Array; sq: Float64Array } = { owner: null, mean: new Float64Array(64), sq: new Float64Array(64) };

/** moments()'s answer: a window's mean and centred sum of squares (two doubles returned from a call would be boxed). */
const MOMENTS = new Float64Array(2);

/** The mean and centred sum of squares of st[from, from + m), into MOMENTS. */
function moments(st: Float64Array, from: number, m: number): void {
  let mean = 0;
  for (let i = 0; i < m; i++) mean += st[from + i];
  mean /= m;
  let v = 0;
  for (let i = 0; i < m; i++) { const e = st[from + i] - mean; v += e * e; }
  MOMENTS[0] = mean;
  MOMENTS[1] = v;
}

export class LeftDiscord {
  /** Offsets in st of: the ring (block means less REF, each written at pos and pos + history, so every window is contiguous), per window start 1 / sd (floored; the window's mean and spread are not stored: see WINDOWS), per lag the sliding sums, the histogram, its scalars. */
  private readonly ring: number;
  private readonly sd: number;
  private readonly dots: number;
  private readonly hist: number;
  private readonly meta: number;
  /** Whether WINDOWS holds this discord's windows as they are (see WINDOWS; false after a re-centring). */
  private windows = false;

  constructor(
    private readonly st: Float64Array, private readonly at: number,
    private readonly block: number, private readonly length: number, private readonly history: number,
    private readonly quantile: number, private readonly eps: number, private readonly warm: number,
    private readonly lagStep: number,
  ) {
    if (!(Number.isInteger(block) && block >= 1 && Number.isInteger(length) && length >= 2 && Number.isInteger(history) && history >= 2 * length)) {
      throw new Error(`CausalScorer discord needs whole block ≥ 1, length ≥ 2, history ≥ 2 length; got ${block}, ${length}, ${history}`);
    }
    if (!(Number.isInteger(lagStep) && lagStep >= 1)) throw new Error(`CausalScorer discordLagStep must be a whole number ≥ 1, got ${lagStep}`);
    if (!(quantile > 0 && quantile < 1)) throw new Error(`CausalScorer discord quantile must lie in (0, 1), got ${quantile}`);
    const H = history;
    this.ring = at + SCALARS;
    this.sd = this.ring + 2 * H;
    this.dots = this.sd + H;
    this.hist = this.dots + H;
    this.meta = this.hist + BINS;
  }

  static sizeFor(history: number): number {
    return SCALARS + 4 * history + BINS + 4;
  }

  /** Rows in the pending block (kept in st only when the state is exported; see the scorer). */
  get pendingRows(): number {
    return this.st[this.at + COUNT];
  }

  set pendingRows(n: number) {
    this.st[this.at + COUNT] = n;
  }

  /** A block's end: its mean at IN_MEAN, the range seen at IN_RANGE; OUT gets the score. */
  blockEnd(): void {
    const st = this.st, A = this.at;
    st[A + OUT] = 0;
    const H = this.history, m = this.length, ls = this.lagStep;
    const R = this.ring, D = this.dots;
    const blocks = st[A + BLOCKS] + 1;
    if (blocks === 1) st[A + REF] = st[A + IN_MEAN];
    const b = st[A + IN_MEAN] - st[A + REF];
    const at = st[A + POS] | 0; // an integer index: a double one slows every ring read below
    if (st[A + SLIDING] !== 0) {
      // slide each lag's sum by one block: the new mean times its partner in, the window's oldest times its partner out
      // (read before the new mean overwrites the oldest block, the partner of the largest lag)
      const base = R + at + H;
      const out = st[base - m];
      for (let lag = m; lag + m <= H; lag += ls) st[D + lag] += b * st[base - lag] - out * st[base - m - lag];
    }
    st[R + at] = b;
    st[R + at + H] = b;
    const pos = at + 1 === H ? 0 : at + 1;
    st[A + POS] = pos;
    st[A + BLOCKS] = blocks;
    if (blocks < m) return;
    if (pos === 0 && blocks >= H) this.recentre();
    // the latest window starts at cs and runs contiguously in ring (cs < H)
    const cs = pos - m < 0 ? pos - m + H : pos - m;
    moments(st, R + cs, m);
    const mean = MOMENTS[0];
    let v = MOMENTS[1];
    if (WINDOWS.owner === this) {
      WINDOWS.mean[cs] = mean;
      WINDOWS.sq[cs] = v;
    }
    v /= m;
    const ix = 1 / (Math.sqrt(v) + this.eps * st[A + IN_RANGE] + 1e-12);
    const qx = m * v * ix * ix;
    // kept per window with the floor of its time: no division per candidate
    const SD = this.sd;
    st[SD + cs] = ix;
    if (blocks < H) return;
    if (st[A + SLIDING] === 0 || pos === 0) {
      this.dotsAfresh(cs);
      st[A + SLIDING] = 1;
    }
    if (!this.windows || WINDOWS.owner !== this) this.windowsAfresh();
    let best = Infinity;
    // |a/sa - b/sb|² over the window, a and b centred: |a|²/sa² + |b|²/sb² - 2 a·b/(sa sb), a·b = Σ x y - m mean_x mean_y
    const twoIx = 2 * ix, mMean = m * mean;
    const WM = WINDOWS.mean, WQ = WINDOWS.sq;
    for (let lag = m; lag + m <= H; lag += ls) {
      const c = cs - lag < 0 ? cs - lag + H : cs - lag;
      // the candidate's mean and |b|² (see WINDOWS; not state: 2 x history entries that do not compress)
      const mc = WM[c];
      const vc = WQ[c];
      const sc = st[SD + c];
      const d = qx + vc * sc * sc - twoIx * (st[D + lag] - mMean * mc) * sc;
      if (d < best) best = d;
    }
    const z = SCALE * Math.sqrt((best > 0 ? best : 0) / m);
    const total = st[A + SCORED] + 1;
    st[A + SCORED] = total;
    // the one-feature calibration (causal-calibration.ts): ratio to the quantile once warm, then z joins the histogram
    const M = this.meta;
    if (total > this.warm) {
      if ((total & 15) === 0 || st[M + INV] === 0) this.refresh();
      const scale = st[M + INV];
      st[A + OUT] = scale > 0 ? z * scale : 0;
    }
    let bin = ((z * BINS) / (z + C)) | 0;
    if (bin >= BINS) bin = BINS - 1;
    st[this.hist + bin]++;
    if (bin < st[M + PTR]) st[M + BELOW]++;
    st[M + TOTAL]++;
  }

  /** Each searched lag's sum for the latest window (starting at cs) computed afresh. */
  private dotsAfresh(cs: number): void {
    const st = this.st, H = this.history, m = this.length, ls = this.lagStep;
    const w0 = this.ring + cs + H, D = this.dots;
    for (let lag = m; lag + m <= H; lag += ls) {
      const w1 = w0 - lag;
      let dot = 0;
      for (let i = 0; i < m; i++) dot += st[w0 + i] * st[w1 + i];
      st[D + lag] = dot;
    }
  }

  /** Every window's mean and sum of squared deviations (see WINDOWS), from the ring as it is; this discord holds them. */
  private windowsAfresh(): void {
    const st = this.st, H = this.history, m = this.length, R = this.ring;
    if (WINDOWS.mean.length < H) {
      WINDOWS.mean = new Float64Array(H);
      WINDOWS.sq = new Float64Array(H);
    }
    WINDOWS.owner = this;
    for (let w = 0; w < H; w++) {
      moments(st, R + w, m);
      WINDOWS.mean[w] = MOMENTS[0];
      WINDOWS.sq[w] = MOMENTS[1];
    }
    this.windows = true;
  }

  /** Every `history` blocks: centres the block means on the ring's mean. */
  private recentre(): void {
    const st = this.st, H = this.history, R = this.ring;
    let shift = 0;
    for (let j = 0; j < H; j++) shift += st[R + j];
    shift /= H;
    for (let j = 0; j < 2 * H; j++) st[R + j] -= shift;
    st[this.at + REF] += shift;
    st[this.at + SLIDING] = 0;
    this.windows = false;
  }

  /** Moves the pointer to the bin holding the quantile and caches 1 / that bin's upper edge. */
  private refresh(): void {
    const st = this.st, h = this.hist, M = this.meta;
    const target = this.quantile * st[M + TOTAL];
    let pos = st[M + PTR];
    let below = st[M + BELOW];
    while (pos < BINS - 1 && below + st[h + pos] < target) below += st[h + pos++];
    while (pos > 0 && below >= target) below -= st[h + --pos];
    st[M + PTR] = pos;
    st[M + BELOW] = below;
    const u = (pos + 1) / BINS;
    st[M + INV] = u < 1 ? (1 - u) / (u * C) : -1;
  }
}
