/**
 * Seasonal robust baseline: for every slot of the season (same time of day and of week at
 * the series' step) a ring buffer of the last K cycles' values; the expected value is the
 * slot median plus a level offset, the scale the slot MAD, floored by a scale pooled over all
 * slots (the MAD of 2 to 4 values is often near zero, which made ordinary noise a z of millions).
 * A CUSUM on the standardised residual, winsorised so that one spike cannot confirm a shift,
 * re-anchors the offset, so the baseline follows a new level at once instead of after K cycles.
 * The whole state is one Float64Array, so it serialises to bytes and an hourly run can feed only
 * the new hour (points at or before the last one fed are skipped, so re-fed context changes nothing).
 */

export interface SeasonalBaselineOptions {
  readonly stepSeconds: number;
  /** Season length; a week captures both time of day and day of week. */
  readonly seasonSeconds?: number;
  /** Cycles kept per slot (K). */
  readonly cycles?: number;
  /** CUSUM slack and threshold (robust sigmas) confirming a level shift. */
  readonly cusumK?: number;
  readonly cusumH?: number;
}

const enum H {
  Step, Season, K, Slots, Offset, Up, Down, UpSum, DownSum, UpN, DownN,
  /** Pooled scale: EW mean |residual| over all slots, and how many residuals it has seen. */
  PoolAbs, PoolN,
  /** Time (ms) of the last point fed (NaN before the first). */
  LastMs, Version,
  Length,
}
const HEADER = H.Length;
const VERSION = 2;
const SCALE_FLOOR = 1e-9;
const SQRT_PI_2 = Math.sqrt(Math.PI / 2); // mean |N(0,1)| -> sigma
/** Residuals that set the pooled scale before any z is given; its EW rate after that (about a day at 5 min). */
const POOL_MIN = 16;
const POOL_RATE = 1 / 256;
/** The CUSUM sees z winsorised at this many sigmas: a shift needs several points past it. */
const Z_CLIP = 4;

export class SeasonalBaseline {
  private readonly s: Float64Array;
  private readonly slots: number;
  private readonly k: number;
  private readonly scratch: Float64Array;
  /** observe()'s and slotStats()'s answers, handed back in fields (a returned tuple is a heap object per sample). */
  private e = NaN; private z = NaN; private med = NaN; private mad = NaN;

  constructor(options: SeasonalBaselineOptions, state?: Float64Array) {
    const season = options.seasonSeconds ?? 7 * 86_400;
    if (!(options.stepSeconds > 0)) throw new RangeError(`stepSeconds must be positive, got ${options.stepSeconds}`);
    this.k = options.cycles ?? 4;
    this.slots = Math.max(1, Math.round(season / options.stepSeconds));
    // layout: header | cusum params | per slot: count, head, K values
    const length = HEADER + 2 + this.slots * (2 + this.k);
    if (state && state.length !== length) throw new RangeError(`SeasonalBaseline state has length ${state.length}, expected ${length}; rebuild it`);
    this.s = state ?? new Float64Array(length);
    if (!state) {
      this.s.set([options.stepSeconds, season, this.k, this.slots], 0);
      this.s[H.LastMs] = NaN;
      this.s[H.Version] = VERSION;
    }
    this.s[HEADER] = options.cusumK ?? 0.5;
    this.s[HEADER + 1] = options.cusumH ?? 10;
    this.scratch = new Float64Array(this.k);
  }

  /**
   * Feeds values (first at startMs, one per step) and writes the expected value and the robust z of
   * each point (NaN until a slot has 2 cycles; z also NaN for a missing point, NaN or ±Infinity, which
   * teaches nothing). Points at or before the last one fed were fed already: they are skipped and
   * get NaN. State is updated after scoring.
   */
  update(values: Float64Array, startMs: number, expected?: Float64Array, z?: Float64Array): void {
    const step = this.s[H.Step], season = this.s[H.Season];
    for (let i = 0; i < values.length; i++) {
      const ms = startMs + i * step * 1000;
      if (ms <= this.s[H.LastMs]) {
        if (expected) expected[i] = NaN;
        if (z) z[i] = NaN;
        continue;
      }
      this.s[H.LastMs] = ms;
      const t = ms / 1000;
      const slot = Math.floor((((t % season) + season) % season) / step) % this.slots;
      this.observe(slot, values[i]);
      if (expected) expected[i] = this.e;
      if (z) z[i] = this.z;
    }
  }

  private observe(slot: number, x: number): void {
    const s = this.s;
    const base = HEADER + 2 + slot * (2 + this.k);
    const n = s[base];
    let e = NaN, z = NaN;
    if (n >= 2) {
      this.slotStats(base, n);
      e = this.med + s[H.Offset];
      const pooled = s[H.PoolAbs] * SQRT_PI_2;
      if (x - x === 0 && s[H.PoolN] >= POOL_MIN) z = (x - e) / Math.max(this.mad, pooled, SCALE_FLOOR * (Math.abs(e) + 1));
    }
    this.e = e;
    this.z = z;
    if (x - x !== 0) return;
    if (!Number.isNaN(e)) this.pool(Math.abs(x - e));
    if (!Number.isNaN(z)) this.cusum(z, x - e);
    const head = s[base + 1];
    s[base + 2 + head] = x - s[H.Offset];
    s[base + 1] = (head + 1) % this.k;
    s[base] = Math.min(this.k, n + 1);
  }

  /** The pooled mean |residual|: a plain mean of the first POOL_MIN, then EW, winsorised at Z_CLIP sigmas. */
  private pool(absResid: number): void {
    const s = this.s;
    const n = s[H.PoolN];
    const limit = n >= POOL_MIN ? (Z_CLIP * s[H.PoolAbs] * SQRT_PI_2) : Infinity;
    const r = absResid < limit ? absResid : limit;
    s[H.PoolAbs] += (r - s[H.PoolAbs]) / (n < POOL_MIN ? n + 1 : 1 / POOL_RATE);
    s[H.PoolN] = n + 1;
  }

  private slotStats(base: number, n: number): void {
    const v = this.scratch.subarray(0, n);
    v.set(this.s.subarray(base + 2, base + 2 + n));
    v.sort();
    const med = n % 2 ? v[(n - 1) >> 1] : (v[n / 2 - 1] + v[n / 2]) / 2;
    for (let i = 0; i < n; i++) v[i] = Math.abs(v[i] - med);
    v.sort();
    const mad = n % 2 ? v[(n - 1) >> 1] : (v[n / 2 - 1] + v[n / 2]) / 2;
    this.med = med;
    this.mad = 1.4826 * mad;
  }

  /** Two-sided CUSUM on the winsorised z; a confirmed shift moves the offset by the mean residual of the run. */
  private cusum(z: number, resid: number): void {
    const s = this.s, k = s[HEADER], h = s[HEADER + 1];
    const zc = z > Z_CLIP ? Z_CLIP : z < -Z_CLIP ? -Z_CLIP : z;
    const up = Math.max(0, s[H.Up] + zc - k), down = Math.max(0, s[H.Down] - zc - k);
    s[H.UpSum] = up > 0 ? s[H.UpSum] + resid : 0; s[H.UpN] = up > 0 ? s[H.UpN] + 1 : 0;
    s[H.DownSum] = down > 0 ? s[H.DownSum] + resid : 0; s[H.DownN] = down > 0 ? s[H.DownN] + 1 : 0;
    s[H.Up] = up; s[H.Down] = down;
    if (up <= h && down <= h) return;
    s[H.Offset] += up > h ? s[H.UpSum] / s[H.UpN] : s[H.DownSum] / s[H.DownN];
    s.fill(0, H.Up, H.DownN + 1);
  }

  /** Level offset currently applied (moves at each confirmed shift). */
  get offset(): number {
    return this.s[H.Offset];
  }

  serialize(): Uint8Array {
    return new Uint8Array(this.s.slice().buffer);
  }

  /** A baseline continuing from serialize()'s bytes; throws a RangeError for a state of another layout or version. */
  static deserialize(bytes: Uint8Array): SeasonalBaseline {
    if (bytes.byteLength % 8 !== 0 || bytes.byteLength < (HEADER + 2) * 8) throw new RangeError(`SeasonalBaseline state of ${bytes.byteLength} bytes is not a state; rebuild it`);
    const state = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(state.buffer).set(bytes);
    if (state[H.Version] !== VERSION) throw new RangeError(`SeasonalBaseline state version ${state[H.Version]} is not ${VERSION}; rebuild it`);
    const [stepSeconds, seasonSeconds, cycles] = state;
    return new SeasonalBaseline({ stepSeconds, seasonSeconds, cycles, cusumK: state[HEADER], cusumH: state[HEADER + 1] }, state);
  }
}
