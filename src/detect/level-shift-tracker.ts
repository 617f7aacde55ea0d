/**
 * Streaming level-shift detection for the fleet scan. Each hourly mean is compared with a weekly
 * profile (the expected mean of that hour of the week, learned slowly: load differs between weekdays
 * and weekends, and a daily profile takes every Monday morning for a shift), and a two-sided CUSUM on
 * the standardised residuals confirms a shift; the new level is measured over the REF hours from the
 * shift's start and the whole profile moves by it, so the shift is reported once and the week after
 * it is not mistaken for a shift back (as week-over-week differencing would). The first week only
 * learns the profile: no shift is reported before an hour of the week has been seen. The whole state is one
 * Float64Array, so an hourly run that fetches only its new hour continues exactly like one unbroken
 * run and still sees a shift that began days before its fetch window.
 */
import { robustLevel } from './change-point.js';

export interface LevelShift {
  /** Start of the first hour at the new level. */
  readonly startMs: number;
  /** End of the last hour the new level was measured over (when the shift is reported). */
  readonly confirmedMs: number;
  readonly direction: 'up' | 'down';
  /** New level minus expected level, in the series' units. */
  readonly magnitude: number;
  /** Hourly mean of the hour before the shift (NaN when unknown). */
  readonly levelBefore: number;
}

export interface LevelShiftOptions {
  /** Hours for the first scale estimate and for measuring each new level. */
  readonly referenceHours: number;
  /** CUSUM slack and decision threshold, in robust sigmas. */
  readonly k: number;
  readonly h: number;
}

export const DEFAULT_LEVEL_SHIFT_OPTIONS: LevelShiftOptions = { referenceHours: 6, k: 0.5, h: 8 };

const HOUR_MS = 3_600_000;
const PROFILE_HOURS = 168;
/** A gap longer than this forgets the profile too (the week's shape may have changed meanwhile). */
const FORGET_HOURS = 4 * PROFILE_HOURS;
/** Hours of means and residuals kept: the longest CUSUM run that can still be measured. */
const RING = 48;
const VERSION = 3;
const SCALARS = 17;
const STATE_LENGTH = SCALARS + 2 * RING + PROFILE_HOURS;
/** Mean |N(0,1)| → sigma; hours over which the scale follows the residuals; profile learning rate (per week). */
const ABS_TO_SIGMA = Math.sqrt(Math.PI / 2);
const SCALE_HOURS = 24;
const PROFILE_RATE = 0.25;
const enum Phase { Reference = 0, Cusum = 1, Pending = 2 }
const gather = new Float64Array(RING);
const scratch = new Float64Array(RING);

export class LevelShiftTracker {
  private readonly options: LevelShiftOptions;
  /**
   * The state layout (scalars, means, residuals, profile) is also the storage: the rings and the
   * profile are views of it, so a tracker built on a stored state copies nothing (each typed array
   * with its own buffer cost ~2.7 µs to allocate, 116,200 series in an hourly 1,400-cluster run).
   */
  private readonly store: Float64Array;
  private readonly means: Float64Array;
  private readonly resid: Float64Array;
  private readonly profile: Float64Array;
  private hour = NaN; private sum = 0; private count = 0;
  private phase = Phase.Reference; private refFrom = NaN; private sigma = NaN;
  private up = 0; private down = 0; private upStart = 0; private downStart = 0;
  private pendingStart = 0; private pendingUp = 0;

  /** `store`: a state to continue from, used as this tracker's storage (see adopt). */
  constructor(private readonly stepMs: number, options: Partial<LevelShiftOptions> = {}, store?: Float64Array) {
    this.options = { ...DEFAULT_LEVEL_SHIFT_OPTIONS, ...options };
    if (this.options.referenceHours < 2 || this.options.referenceHours > RING / 4) throw new RangeError(`referenceHours must be in [2, ${RING / 4}]`);
    this.store = store ?? new Float64Array(STATE_LENGTH);
    this.means = this.store.subarray(SCALARS, SCALARS + RING);
    this.resid = this.store.subarray(SCALARS + RING, SCALARS + 2 * RING);
    this.profile = this.store.subarray(SCALARS + 2 * RING, STATE_LENGTH);
    if (!store) this.store.fill(NaN, SCALARS);
  }

  /**
   * Feeds the point at time t (consecutive steps; NaN and ±Infinity are missing); returns a shift when
   * one is confirmed by this point.
   */
  push(t: number, x: number): LevelShift | undefined {
    const h = Math.floor(t / HOUR_MS);
    if (Number.isNaN(this.hour) || h - this.hour > RING) this.restart(h, !(h - this.hour <= FORGET_HOURS));
    let found: LevelShift | undefined;
    while (this.hour < h) found = this.closeHour() ?? found;
    // ±Inf (a ratio over zero requests) is a missing point, as in the scorer: summed, it made the
    // hour's mean infinite, reported shifts of -Infinity and left the scale infinite for good
    if (x - x === 0) { this.sum += x; this.count++; }
    if (t + this.stepMs >= (h + 1) * HOUR_MS) found = this.closeHour() ?? found;
    return found;
  }

  /** After a gap longer than the ring, the CUSUM starts over at hour h (and, after weeks, the profile too). */
  private restart(h: number, forgetProfile: boolean): void {
    this.means.fill(NaN);
    this.resid.fill(NaN);
    if (forgetProfile) this.profile.fill(NaN);
    this.hour = h; this.sum = 0; this.count = 0;
    this.phase = Phase.Reference; this.refFrom = NaN; this.sigma = NaN;
  }

  private closeHour(): LevelShift | undefined {
    const h = this.hour;
    const mean = this.count ? this.sum / this.count : NaN;
    this.hour = h + 1; this.sum = 0; this.count = 0;
    this.means[h % RING] = mean;
    const slot = h % PROFILE_HOURS;
    // an hour of the week seen for the first time only teaches the profile
    const r = Number.isNaN(this.profile[slot]) ? NaN : mean - this.profile[slot];
    if (Number.isNaN(this.profile[slot])) this.profile[slot] = mean;
    this.resid[h % RING] = r;
    return Number.isNaN(r) ? undefined : this.feed(h, r);
  }

  private feed(h: number, r: number): LevelShift | undefined {
    if (this.phase !== Phase.Reference) return this.step(h, r);
    const ref = this.options.referenceHours;
    if (Number.isNaN(this.refFrom)) this.refFrom = h;
    if (h - this.refFrom + 1 < ref) return undefined;
    this.sigma = this.robust(this.refFrom, this.refFrom + ref - 1)[1];
    this.phase = Phase.Cusum; this.up = 0; this.down = 0;
    // the reference hours are themselves scanned for a shift
    let found: LevelShift | undefined;
    for (let i = this.refFrom; i <= h; i++) if (!Number.isNaN(this.resid[i % RING])) found = this.step(i, this.resid[i % RING]) ?? found;
    return found;
  }

  private step(h: number, r: number): LevelShift | undefined {
    if (this.phase === Phase.Pending) return h < this.pendingStart + this.options.referenceHours - 1 ? undefined : this.confirm(h);
    const { k, h: limit } = this.options;
    const z = r / this.sigma;
    if (this.up === 0) this.upStart = h;
    if (this.down === 0) this.downStart = h;
    this.up = Math.max(0, this.up + z - k);
    this.down = Math.max(0, this.down - z - k);
    if (this.up <= limit && this.down <= limit) {
      this.learn(h, r);
      return undefined;
    }
    this.pendingUp = this.up > limit ? 1 : 0;
    const start = this.shiftStart(this.pendingUp ? this.upStart : this.downStart, h);
    this.upStart = start; this.downStart = start;
    this.phase = Phase.Pending; this.up = 0; this.down = 0;
    // a slow climb (start long before h) is measured on its last REF hours, a step from its start
    this.pendingStart = Math.max(start, h - this.options.referenceHours + 1);
    return start < this.pendingStart ? this.confirm(h) : undefined;
  }

  /**
   * A CUSUM run often begins on noise before the step that triggers it: the shift starts at the first
   * hour of the run that reaches half of the run's largest residual (and no earlier than the ring).
   */
  private shiftStart(runStart: number, h: number): number {
    const dir = this.pendingUp ? 1 : -1;
    let start = Math.max(runStart, h - RING + this.options.referenceHours + 1);
    let peak = 0;
    for (let i = start; i <= h; i++) peak = Math.max(peak, dir * this.resid[i % RING]);
    while (start < h && !(dir * this.resid[start % RING] >= peak / 2)) start++;
    return start;
  }

  /**
   * Quiet hours teach the scale (a first estimate from REF hours is often too small, and a CUSUM on
   * an underestimated scale drifts into false shifts) and, while no CUSUM is building, the profile.
   */
  private learn(h: number, r: number): void {
    const clipped = Math.max(-4 * this.sigma, Math.min(4 * this.sigma, r));
    this.sigma += (Math.abs(clipped) * ABS_TO_SIGMA - this.sigma) / SCALE_HOURS;
    if (this.up < this.options.h / 2 && this.down < this.options.h / 2) this.profile[h % PROFILE_HOURS] += PROFILE_RATE * clipped;
  }

  private confirm(h: number): LevelShift {
    const [magnitude, newSigma] = this.robust(this.pendingStart, h);
    // the CUSUM run may begin on noise before the step: the shift starts at its first hour past half of it
    let start = this.pendingUp ? this.upStart : this.downStart;
    while (start < h && !(this.resid[start % RING] * Math.sign(magnitude) >= Math.abs(magnitude) / 2)) start++;
    for (let i = 0; i < PROFILE_HOURS; i++) this.profile[i] += magnitude;
    this.sigma = Math.max(this.sigma, newSigma);
    this.phase = Phase.Cusum;
    return {
      startMs: start * HOUR_MS, confirmedMs: (h + 1) * HOUR_MS - this.stepMs,
      direction: this.pendingUp ? 'up' : 'down', magnitude,
      levelBefore: start > h - RING + 1 ? this.means[(start - 1) % RING] : NaN,
    };
  }

  /** Robust level and scale of the residuals of hours [from, to] (NaN hours skipped). */
  private robust(from: number, to: number): [number, number] {
    let n = 0;
    for (let i = from; i <= to; i++) gather[n++] = this.resid[i % RING];
    return robustLevel(gather, 0, n, scratch);
  }

  /** A copy of the whole state: fromState(toState()) continues exactly like an unbroken run. */
  toState(): Float64Array {
    return this.exportState().slice();
  }

  /**
   * The whole state without a copy: this tracker's own storage, brought up to date. For a caller done
   * with the tracker (further pushes change the array returned).
   */
  exportState(): Float64Array {
    const o = this.store;
    o[0] = VERSION; o[1] = this.stepMs; o[2] = this.options.referenceHours; o[3] = this.options.k; o[4] = this.options.h;
    o[5] = this.hour; o[6] = this.sum; o[7] = this.count; o[8] = this.phase; o[9] = this.refFrom; o[10] = this.sigma;
    o[11] = this.up; o[12] = this.down; o[13] = this.upStart; o[14] = this.downStart; o[15] = this.pendingStart; o[16] = this.pendingUp;
    return o;
  }

  /** The step (ms) a stored state was written for. */
  static stepMsOf(state: Float64Array): number {
    return state[1];
  }

  /** Whether a stored state was written by this version of the tracker (an older one needs a rebuild). */
  static isCurrentState(state: Float64Array): boolean {
    return state[0] === VERSION && state.length === STATE_LENGTH;
  }

  /** A tracker continuing from a stored state (which is left unchanged). */
  static fromState(state: Float64Array): LevelShiftTracker {
    return LevelShiftTracker.adopt(state.slice());
  }

  /** Like fromState, but the tracker keeps `state` as its storage and changes it as it runs (no copy). */
  static adopt(state: Float64Array): LevelShiftTracker {
    if (!LevelShiftTracker.isCurrentState(state)) throw new Error(`LevelShiftTracker state version ${state[0]} (length ${state.length}) is not ${VERSION}; rebuild baselines (--full)`);
    const t = new LevelShiftTracker(state[1], { referenceHours: state[2], k: state[3], h: state[4] }, state);
    t.hour = state[5]; t.sum = state[6]; t.count = state[7]; t.phase = state[8]; t.refFrom = state[9]; t.sigma = state[10];
    t.up = state[11]; t.down = state[12]; t.upStart = state[13]; t.downStart = state[14]; t.pendingStart = state[15]; t.pendingUp = state[16];
    return t;
  }
}
