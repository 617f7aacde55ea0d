/**
 * Seasonal robust baseline: for every slot of the season (same time of day and of week at
 * the series' step) a ring buffer of the last K cycles' values; the expected value is the
 * slot median plus a level offset, the scale the slot MAD. A CUSUM on the standardised
 * residual confirms level shifts and re-anchors the offset, so the baseline follows a new
 * level at once instead of after K cycles. The whole state is one Float64Array, so it
 * serialises to bytes and an hourly run can feed only the new hour.
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

const HEADER = 12; // step, season, K, slots, offset, up, down, upSum, downSum, upN, downN, reserved
const SCALE_FLOOR = 1e-9;

export class SeasonalBaseline {
  private readonly s: Float64Array;
  private readonly slots: number;
  private readonly k: number;
  private readonly scratch: Float64Array;

  constructor(options: SeasonalBaselineOptions, state?: Float64Array) {
    const season = options.seasonSeconds ?? 7 * 86_400;
    this.k = options.cycles ?? 4;
    this.slots = Math.max(1, Math.round(season / options.stepSeconds));
    // layout: header | cusum params | per slot: count, head, K values
    this.s = state ?? new Float64Array(HEADER + 2 + this.slots * (2 + this.k));
    if (!state) this.s.set([options.stepSeconds, season, this.k, this.slots], 0);
    this.s[HEADER] = options.cusumK ?? 0.5;
    this.s[HEADER + 1] = options.cusumH ?? 10;
    this.scratch = new Float64Array(this.k);
  }

  /**
   * Feeds values (first at startMs, one per step) and writes the expected value and the
   * robust z of each point (NaN until a slot has 2 cycles). State is updated after scoring.
   */
  update(values: Float64Array, startMs: number, expected?: Float64Array, z?: Float64Array): void {
    const step = this.s[0], season = this.s[1];
    for (let i = 0; i < values.length; i++) {
      const t = startMs / 1000 + i * step;
      const slot = Math.floor((((t % season) + season) % season) / step) % this.slots;
      const [e, zz] = this.observe(slot, values[i]);
      if (expected) expected[i] = e;
      if (z) z[i] = zz;
    }
  }

  private observe(slot: number, x: number): [number, number] {
    const base = HEADER + 2 + slot * (2 + this.k);
    const n = this.s[base];
    let e = NaN, z = NaN;
    if (n >= 2) {
      const [med, mad] = this.slotStats(base, n);
      e = med + this.s[4];
      z = (x - e) / Math.max(mad, SCALE_FLOOR * (Math.abs(e) + 1));
    }
    if (Number.isNaN(x)) return [e, NaN];
    if (!Number.isNaN(z)) this.cusum(z, x - e);
    const head = this.s[base + 1];
    this.s[base + 2 + head] = x - this.s[4];
    this.s[base + 1] = (head + 1) % this.k;
    this.s[base] = Math.min(this.k, n + 1);
    return [e, z];
  }

  private slotStats(base: number, n: number): [number, number] {
    const v = this.scratch.subarray(0, n);
    v.set(this.s.subarray(base + 2, base + 2 + n));
    v.sort();
    const med = n % 2 ? v[(n - 1) >> 1] : (v[n / 2 - 1] + v[n / 2]) / 2;
    for (let i = 0; i < n; i++) v[i] = Math.abs(v[i] - med);
    v.sort();
    const mad = n % 2 ? v[(n - 1) >> 1] : (v[n / 2 - 1] + v[n / 2]) / 2;
    return [med, 1.4826 * mad];
  }

  /** Two-sided CUSUM; a confirmed shift moves the offset by the mean residual of the run. */
  private cusum(z: number, resid: number): void {
    const s = this.s, k = s[HEADER], h = s[HEADER + 1];
    const up = Math.max(0, s[5] + z - k), down = Math.max(0, s[6] - z - k);
    s[7] = up > 0 ? s[7] + resid : 0; s[9] = up > 0 ? s[9] + 1 : 0;
    s[8] = down > 0 ? s[8] + resid : 0; s[10] = down > 0 ? s[10] + 1 : 0;
    s[5] = up; s[6] = down;
    if (up <= h && down <= h) return;
    s[4] += up > h ? s[7] / s[9] : s[8] / s[10];
    s.fill(0, 5, 11);
  }

  /** Level offset currently applied (moves at each confirmed shift). */
  get offset(): number {
    return this.s[4];
  }

  serialize(): Uint8Array {
    return new Uint8Array(this.s.slice().buffer);
  }

  static deserialize(bytes: Uint8Array): SeasonalBaseline {
    const state = new Float64Array(bytes.byteLength / 8);
    new Uint8Array(state.buffer).set(bytes);
    const [stepSeconds, seasonSeconds, cycles] = state;
    return new SeasonalBaseline({ stepSeconds, seasonSeconds, cycles, cusumK: state[HEADER], cusumH: state[HEADER + 1] }, state);
  }
}
