/**
 * Availability dips of a whole series at once: the streaming DipTracker fed every point. Window
 * lengths are converted to rows of the series' step; a window reaching back before the first point
 * covers what there is.
 */
import { DEFAULT_BURN_RULES, DipTracker, type BurnRule, type TrackedDip } from './dip-tracker.js';

export { DEFAULT_BURN_RULES, type BurnRule };

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

export function detectDips(avail: Float64Array, opts: DipOptions): Dip[] {
  const tracker = new DipTracker(opts);
  const stepMs = opts.stepSeconds * 1000;
  const dips: Dip[] = [];
  const add = (d: TrackedDip | undefined) => {
    if (!d) return;
    const { startMs, endMs, ...rest } = d;
    const dip = { startIndex: Math.round(startMs / stepMs), endIndex: Math.round(endMs / stepMs), ...rest };
    dips.push(opts.startMs === undefined ? dip : { ...dip, startMs: opts.startMs + startMs, endMs: opts.startMs + endMs });
  };
  for (let i = 0; i < avail.length; i++) add(tracker.push(i * stepMs, avail[i]));
  add(tracker.open());
  return dips;
}
