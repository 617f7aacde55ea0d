/**
 * Level-shift detection: two-sided CUSUM on residuals standardised by a robust reference
 * (median and MAD of the first `referenceRows` points, re-anchored at every confirmed
 * change on the median of the next referenceRows points, so each shift is reported once). A
 * CUSUM run whose new level is within 2k sigmas of the old one (a spike) is not a change.
 */

export interface ChangePoint {
  /** First index of the new level (where the triggering CUSUM last left zero). */
  readonly index: number;
  /** Index at which the change was confirmed (causal detection time). */
  readonly confirmedAt: number;
  readonly direction: 'up' | 'down';
  /** New level minus old level, in the series' units. */
  readonly magnitude: number;
}

export interface ChangePointOptions {
  /** Points used to estimate the reference level and scale. */
  readonly referenceRows: number;
  /** CUSUM slack, in robust sigmas: shifts below ~2k are ignored. */
  readonly k: number;
  /** CUSUM decision threshold, in robust sigmas. */
  readonly h: number;
}

export const DEFAULT_CHANGE_POINT_OPTIONS: ChangePointOptions = { referenceRows: 24, k: 0.5, h: 8 };

/** Median of the first n entries of scratch (sorted in place). */
function medianOf(scratch: Float64Array, n: number): number {
  const s = scratch.subarray(0, n).sort();
  return n % 2 ? s[(n - 1) >> 1] : (s[n / 2 - 1] + s[n / 2]) / 2;
}

/** Robust level and scale (1.4826 MAD, floored) of values[from, from+n) ignoring NaN and ±Infinity. */
export function robustLevel(values: Float64Array, from: number, n: number, scratch: Float64Array): [number, number] {
  let m = 0;
  for (let i = from; i < Math.min(values.length, from + n); i++) if (values[i] - values[i] === 0) scratch[m++] = values[i];
  if (m === 0) return [NaN, NaN];
  const med = medianOf(scratch, m);
  for (let i = 0; i < m; i++) scratch[i] = Math.abs(scratch[i] - med);
  const mad = 1.4826 * medianOf(scratch, m);
  return [med, Math.max(mad, 1e-9 * (Math.abs(med) + 1))];
}

export function detectChangePoints(values: Float64Array, options: Partial<ChangePointOptions> = {}): ChangePoint[] {
  const { referenceRows, k, h } = { ...DEFAULT_CHANGE_POINT_OPTIONS, ...options };
  // a confirmed change may be measured over more than referenceRows points (a slow CUSUM climb)
  const scratch = new Float64Array(Math.max(referenceRows, values.length));
  const out: ChangePoint[] = [];
  let [level, sigma] = robustLevel(values, 0, referenceRows, scratch);
  let up = 0, down = 0, upStart = 0, downStart = 0;
  let pending: { start: number; at: number; direction: 'up' | 'down' } | undefined;
  for (let i = 0; i < values.length; i++) {
    const x = values[i];
    if (pending) {
      // the new level is measured over referenceRows points from the change, not the few that triggered it
      if (i < pending.start + referenceRows - 1 && i < values.length - 1) continue;
      const [newLevel, newSigma] = robustLevel(values, pending.start, i - pending.start + 1, scratch);
      // a spike (or a few) drives the CUSUM past h as well, but the level after it is the old one: a
      // change below 2k sigmas (what the slack ignores; also the error of the last level measured) is
      // no shift, and the reference stays
      if (Math.abs(newLevel - level) >= 2 * k * sigma) {
        out.push({ index: pending.start, confirmedAt: pending.at, direction: pending.direction, magnitude: newLevel - level });
        [level, sigma] = [newLevel, Math.max(newSigma, sigma / 4)];
      }
      pending = undefined;
      continue;
    }
    // NaN and ±Infinity are missing points
    if (x - x !== 0) continue;
    // a series that starts with a gap takes its reference from its first points
    if (Number.isNaN(level)) [level, sigma] = robustLevel(values, i, referenceRows, scratch);
    const z = (x - level) / sigma;
    if (up === 0) upStart = i;
    if (down === 0) downStart = i;
    up = Math.max(0, up + z - k);
    down = Math.max(0, down - z - k);
    if (up <= h && down <= h) continue;
    pending = up > h ? { start: upStart, at: i, direction: 'up' } : { start: downStart, at: i, direction: 'down' };
    up = 0;
    down = 0;
  }
  return out;
}
