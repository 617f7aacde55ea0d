/**
 * Availability dips against an SLO, alerted like the Google SRE workbook (ch. 5):
 * multi-window, multi-burn-rate rules, window lengths converted to rows of the series'
 * step and capped at the available range.
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

export interface DipOptions {
  readonly stepSeconds: number;
  /** SLO target, e.g. 0.999. */
  readonly slo: number;
  readonly budgetPeriodSeconds?: number;
  /** Time of values[0], to fill startMs/endMs. */
  readonly startMs?: number;
  readonly rules?: readonly BurnRule[];
}

export interface Dip {
  readonly startIndex: number;
  readonly endIndex: number;
  readonly startMs?: number;
  readonly endMs?: number;
  readonly minAvailability: number;
  /** Share of the whole period's error budget the dip consumed. */
  readonly budgetBurnedFraction: number;
  /** Highest long-window burn rate of a rule that fired during the dip. */
  readonly peakBurnRate: number;
  readonly severity: 'page' | 'ticket';
}

/** Prefix sums of error fraction and of observed points (NaN = gap, not counted). */
function prefixSums(avail: Float64Array): [Float64Array, Float64Array] {
  const err = new Float64Array(avail.length + 1);
  const cnt = new Float64Array(avail.length + 1);
  for (let i = 0; i < avail.length; i++) {
    const ok = !Number.isNaN(avail[i]);
    err[i + 1] = err[i] + (ok ? 1 - avail[i] : 0);
    cnt[i + 1] = cnt[i] + (ok ? 1 : 0);
  }
  return [err, cnt];
}

/** Burn rate of the window of `rows` rows ending at i (trailing, so causal). */
function burn(err: Float64Array, cnt: Float64Array, i: number, rows: number, budget: number): number {
  const from = Math.max(0, i + 1 - rows);
  const n = cnt[i + 1] - cnt[from];
  return n > 0 ? (err[i + 1] - err[from]) / n / budget : 0;
}

export function detectDips(avail: Float64Array, opts: DipOptions): Dip[] {
  const { stepSeconds, slo, budgetPeriodSeconds = 30 * 86_400, startMs, rules = DEFAULT_BURN_RULES } = opts;
  const budget = 1 - slo;
  const [err, cnt] = prefixSums(avail);
  const rows = (s: number) => Math.min(avail.length, Math.max(1, Math.round(s / stepSeconds)));
  const dips: Dip[] = [];
  let i = 0;
  while (i < avail.length) {
    if (!(avail[i] < slo)) { i++; continue; }
    // a dip is a run of points below the SLO (gaps inside do not end it)
    let end = i;
    while (end + 1 < avail.length && !(avail[end + 1] >= slo)) end++;
    while (Number.isNaN(avail[end])) end--;
    const dip = scoreDip(avail, i, end, { err, cnt, rules, rows, budget, stepSeconds, budgetPeriodSeconds });
    if (dip) dips.push(startMs === undefined ? dip : { ...dip, startMs: startMs + i * stepSeconds * 1000, endMs: startMs + end * stepSeconds * 1000 });
    i = end + 1;
  }
  return dips;
}

interface DipContext {
  err: Float64Array; cnt: Float64Array; rules: readonly BurnRule[]; rows: (s: number) => number;
  budget: number; stepSeconds: number; budgetPeriodSeconds: number;
}

/** Evaluates the rules at every point of the dip; undefined when no rule fired. */
function scoreDip(avail: Float64Array, start: number, end: number, c: DipContext): Dip | undefined {
  let severity: 'page' | 'ticket' | undefined;
  let peak = 0;
  let minAvailability = Infinity;
  for (let i = start; i <= end; i++) {
    if (avail[i] < minAvailability) minAvailability = avail[i];
    for (const r of c.rules) {
      const long = burn(c.err, c.cnt, i, c.rows(r.longSeconds), c.budget);
      if (long < r.burnRate || burn(c.err, c.cnt, i, c.rows(r.shortSeconds), c.budget) < r.burnRate) continue;
      peak = Math.max(peak, long);
      if (severity !== 'page') severity = r.severity;
    }
  }
  if (!severity) return undefined;
  const lost = (c.err[end + 1] - c.err[start]) * c.stepSeconds;
  const budgetBurnedFraction = lost / (c.budgetPeriodSeconds * c.budget);
  return { startIndex: start, endIndex: end, minAvailability, budgetBurnedFraction, peakBurnRate: peak, severity };
}
