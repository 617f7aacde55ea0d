/**
 * Streaming availability dips against an SLO, alerted like the Google SRE workbook (ch. 5):
 * multi-window, multi-burn-rate rules evaluated at every point below the SLO over trailing
 * (causal) windows.
 *
 * The whole state is one Float64Array, so an hourly run that fetches a few hours continues exactly
 * like one unbroken run: the 3-day ticket rule is judged over three days of stored error sums, not
 * over the hours the run happened to fetch (which made an hourly run raise tickets a full scan of
 * the same data did not).
 *
 * Windows up to FINE_SECONDS are summed point by point from a ring of the last points; longer windows
 * from a ring of per-hour error sums plus the current hour's, so their far edge is rounded to the
 * nearest hour boundary (within ±30 min of 3 days). A gap (NaN) counts as no data: burn rates are
 * computed over the points seen, and a window reaching back before the first point covers what
 * there is.
 */

export interface BurnRule {
  readonly longSeconds: number;
  readonly shortSeconds: number;
  readonly burnRate: number;
  readonly severity: 'page' | 'ticket';
}

/** SRE workbook defaults for a 30-day budget: 2% in 1h, 5% in 6h (page), 10% in 3d (ticket). */
export const DEFAULT_BURN_RULES: readonly BurnRule[] = [
  { longSeconds: 3_600, shortSeconds: 300, burnRate: 14.4, severity: 'page' },
  { longSeconds: 21_600, shortSeconds: 1_800, burnRate: 6, severity: 'page' },
  { longSeconds: 259_200, shortSeconds: 21_600, burnRate: 1, severity: 'ticket' },
];

export interface DipTrackerOptions {
  readonly stepSeconds: number;
  /** SLO target, e.g. 0.999. */
  readonly slo: number;
  readonly budgetPeriodSeconds?: number;
  readonly rules?: readonly BurnRule[];
}

export interface TrackedDip {
  /** Time of the first point below the SLO. */
  readonly startMs: number;
  /** Time of the last point below the SLO so far. */
  readonly endMs: number;
  readonly minAvailability: number;
  /** Share of the whole period's error budget the dip consumed. */
  readonly budgetBurnedFraction: number;
  /** Highest long-window burn rate of a rule that fired during the dip. */
  readonly peakBurnRate: number;
  readonly severity: 'page' | 'ticket';
}

/** Windows up to this long are summed exactly, point by point. */
const FINE_SECONDS = 6 * 3_600;
const BUCKET_SECONDS = 3_600;
const VERSION = 1;
const enum S {
  Version, Step, Slo, Period, Fine, Buckets, BucketRows,
  LastMs, Row, BucketErr, BucketCount,
  OpenStart, OpenEnd, OpenMin, OpenLost, OpenSeverity, OpenPeak,
  Length,
}
const SEVERITIES = ['page', 'ticket'] as const;

interface Window { rows: number; coarse: boolean }

/** Rows of a window of `seconds` at the step (at least one). */
const rowsOf = (seconds: number, stepSeconds: number) => Math.max(1, Math.round(seconds / stepSeconds));

export class DipTracker {
  private readonly store: Float64Array;
  /** Availability of the last `fine` points (NaN = gap), at row % fine. */
  private readonly points: Float64Array;
  /** Error sum and count of the last `buckets` complete buckets, at (bucket % buckets) * 2. */
  private readonly sums: Float64Array;
  private readonly rules: readonly { long: Window; short: Window; burnRate: number; severity: number }[];
  private readonly stepMs: number;
  private readonly budget: number;
  private readonly fine: number;
  private readonly buckets: number;
  private readonly bucketRows: number;
  /** The time and value being fed, handed to step() and advance() without boxing (not stored). */
  private readonly io = new Float64Array(2);

  constructor(options: DipTrackerOptions, store?: Float64Array) {
    const { stepSeconds, slo, rules = DEFAULT_BURN_RULES } = options;
    if (!(stepSeconds > 0)) throw new RangeError(`stepSeconds must be positive, got ${stepSeconds}`);
    if (!(slo > 0 && slo < 1)) throw new RangeError(`slo must be in (0, 1), got ${slo}`);
    this.stepMs = stepSeconds * 1000;
    this.budget = 1 - slo;
    this.bucketRows = rowsOf(BUCKET_SECONDS, stepSeconds);
    const windows = rules.flatMap((r) => [r.longSeconds, r.shortSeconds]);
    const fineRows = rowsOf(FINE_SECONDS, stepSeconds);
    const longest = Math.max(...windows.map((s) => rowsOf(s, stepSeconds)));
    this.fine = Math.max(this.bucketRows, Math.min(fineRows, longest));
    this.buckets = longest > this.fine ? Math.ceil(longest / this.bucketRows) + 1 : 0;
    const window = (seconds: number): Window => {
      const rows = rowsOf(seconds, stepSeconds);
      return { rows, coarse: rows > this.fine };
    };
    this.rules = rules.map((r) => ({ long: window(r.longSeconds), short: window(r.shortSeconds), burnRate: r.burnRate, severity: SEVERITIES.indexOf(r.severity) + 1 }));
    const length = S.Length + this.fine + 2 * this.buckets;
    if (store && store.length !== length) throw new RangeError(`DipTracker state has length ${store.length}, expected ${length}`);
    this.store = store ?? new Float64Array(length);
    this.points = this.store.subarray(S.Length, S.Length + this.fine);
    this.sums = this.store.subarray(S.Length + this.fine);
    if (!store) this.reset(NaN);
    const s = this.store;
    s[S.Version] = VERSION; s[S.Step] = stepSeconds; s[S.Slo] = slo; s[S.Period] = options.budgetPeriodSeconds ?? 30 * 86_400;
    s[S.Fine] = this.fine; s[S.Buckets] = this.buckets; s[S.BucketRows] = this.bucketRows;
  }

  /** Points (gaps included) the windows have seen since the first point or the last reset. */
  get pointsSeen(): number {
    return this.store[S.Row] + 1;
  }

  /** Time of the last point fed (NaN before the first). */
  get lastMs(): number {
    return this.store[S.LastMs];
  }

  /**
   * Feeds the point at time t (later than the last one; earlier or equal times are ignored, so a
   * rerun over points already fed changes nothing). Returns the dip this point ended, when a rule
   * had fired during it. Missing steps count as gaps, and so does a value that is not finite.
   */
  push(t: number, value: number): TrackedDip | undefined {
    this.io[0] = t;
    this.io[1] = value;
    return this.step();
  }

  /**
   * Feeds a whole series (point i at startMs + i · step), as push() would one by one, and hands each
   * dip a point ended to onDip. No heap allocation per point: the loop does not pass doubles to a
   * call V8 may not inline (each such argument is boxed).
   */
  pushSeries(values: Float64Array, startMs: number, onDip: (dip: TrackedDip) => void): void {
    const io = this.io;
    for (let i = 0; i < values.length; i++) {
      io[0] = startMs + i * this.stepMs;
      io[1] = values[i];
      const ended = this.step();
      if (ended) onDip(ended);
    }
  }

  /** push() of the time and value in io[0] and io[1]. */
  private step(): TrackedDip | undefined {
    const t = this.io[0];
    const value = this.io[1];
    // ±Inf (a ratio over zero requests) says nothing about availability: a gap, as in the scorer
    const x = Number.isFinite(value) ? value : NaN;
    const s = this.store;
    let ended: TrackedDip | undefined;
    if (Number.isNaN(s[S.LastMs])) {
      s[S.LastMs] = t - this.stepMs;
    } else if (t <= s[S.LastMs]) {
      return undefined;
    }
    const steps = Math.round((t - s[S.LastMs]) / this.stepMs);
    if (steps > this.fine + this.buckets * this.bucketRows) {
      // longer than every window: nothing before it counts, and the dip (if any) ended at the gap
      ended = this.close();
      this.reset(t - this.stepMs);
    } else {
      this.io[1] = NaN;
      for (let k = 1; k < steps; k++) this.advance();
    }
    this.io[1] = x;
    this.advance();
    s[S.LastMs] = t;
    const slo = s[S.Slo];
    if (!Number.isNaN(x) && x < slo) {
      if (Number.isNaN(s[S.OpenStart])) {
        s[S.OpenStart] = t; s[S.OpenMin] = x; s[S.OpenLost] = 0; s[S.OpenSeverity] = 0; s[S.OpenPeak] = 0;
      }
      s[S.OpenEnd] = t;
      if (x < s[S.OpenMin]) s[S.OpenMin] = x;
      s[S.OpenLost] += 1 - x;
      this.judge();
    } else if (x >= slo) {
      ended = this.close() ?? ended;
    }
    return ended;
  }

  /** The dip still open at the last point, when a rule has fired during it. */
  open(): TrackedDip | undefined {
    return this.dip();
  }

  /** The whole state without a copy: this tracker's storage (further pushes change it). */
  exportState(): Float64Array {
    return this.store;
  }

  /** The step a stored state was written for. */
  static stepSecondsOf(state: Float64Array): number {
    return state[S.Step];
  }

  static isCurrentState(state: Float64Array): boolean {
    return state[S.Version] === VERSION && state.length > S.Length && state.length === S.Length + state[S.Fine] + 2 * state[S.Buckets];
  }

  /**
   * A tracker continuing from a stored state, which becomes its storage. A state for another step,
   * SLO or rule set gives undefined: the caller starts afresh.
   */
  static adopt(state: Float64Array, options: DipTrackerOptions): DipTracker | undefined {
    // the sums do not depend on the SLO or the budget period: a changed SLO judges the same history
    if (!DipTracker.isCurrentState(state) || state[S.Step] !== options.stepSeconds) return undefined;
    try {
      const t = new DipTracker(options, state);
      return t.fine === state[S.Fine] && t.buckets === state[S.Buckets] ? t : undefined;
    } catch {
      return undefined;
    }
  }

  private reset(lastMs: number): void {
    const s = this.store;
    s[S.LastMs] = lastMs; s[S.Row] = -1; s[S.BucketErr] = 0; s[S.BucketCount] = 0;
    s[S.OpenStart] = NaN; s[S.OpenEnd] = NaN; s[S.OpenMin] = NaN; s[S.OpenLost] = 0; s[S.OpenSeverity] = 0; s[S.OpenPeak] = 0;
    this.points.fill(NaN);
    this.sums.fill(0);
  }

  /** Appends the point in io[1] (NaN = gap) to the rings, closing the bucket it leaves. */
  private advance(): void {
    const x = this.io[1];
    const s = this.store;
    const row = s[S.Row] + 1;
    s[S.Row] = row;
    if (row > 0 && row % this.bucketRows === 0) {
      if (this.buckets > 0) {
        const slot = ((row / this.bucketRows - 1) % this.buckets) * 2;
        this.sums[slot] = s[S.BucketErr];
        this.sums[slot + 1] = s[S.BucketCount];
      }
      s[S.BucketErr] = 0; s[S.BucketCount] = 0;
    }
    this.points[row % this.fine] = x;
    if (!Number.isNaN(x)) { s[S.BucketErr] += 1 - x; s[S.BucketCount]++; }
  }

  /** Burn rate over the window of the last `w.rows` points (0 when it holds no data). */
  private burn(w: Window): number {
    const row = this.store[S.Row];
    let err = 0;
    let count = 0;
    if (!w.coarse) {
      for (let r = Math.max(0, row - w.rows + 1); r <= row; r++) {
        const x = this.points[r % this.fine];
        if (!Number.isNaN(x)) { err += 1 - x; count++; }
      }
    } else {
      // the current bucket, then whole buckets back to the boundary nearest the window's far edge
      err = this.store[S.BucketErr]; count = this.store[S.BucketCount];
      const current = Math.floor(row / this.bucketRows);
      const first = Math.max(0, Math.round((row - w.rows + 1) / this.bucketRows), current - this.buckets);
      for (let b = first; b < current; b++) {
        const slot = (b % this.buckets) * 2;
        err += this.sums[slot]; count += this.sums[slot + 1];
      }
    }
    return count > 0 ? err / count / this.budget : 0;
  }

  private judge(): void {
    const s = this.store;
    for (const r of this.rules) {
      const long = this.burn(r.long);
      if (long < r.burnRate || this.burn(r.short) < r.burnRate) continue;
      if (long > s[S.OpenPeak]) s[S.OpenPeak] = long;
      if (s[S.OpenSeverity] === 0 || r.severity < s[S.OpenSeverity]) s[S.OpenSeverity] = r.severity;
    }
  }

  private dip(): TrackedDip | undefined {
    const s = this.store;
    if (Number.isNaN(s[S.OpenStart]) || s[S.OpenSeverity] === 0) return undefined;
    return {
      startMs: s[S.OpenStart], endMs: s[S.OpenEnd], minAvailability: s[S.OpenMin],
      budgetBurnedFraction: (s[S.OpenLost] * (this.stepMs / 1000)) / (s[S.Period] * this.budget),
      peakBurnRate: s[S.OpenPeak], severity: SEVERITIES[s[S.OpenSeverity] - 1],
    };
  }

  private close(): TrackedDip | undefined {
    const ended = this.dip();
    const s = this.store;
    s[S.OpenStart] = NaN; s[S.OpenEnd] = NaN; s[S.OpenMin] = NaN; s[S.OpenLost] = 0; s[S.OpenSeverity] = 0; s[S.OpenPeak] = 0;
    return ended;
  }
}
