/** Runs the causal detector over NAB series and scores it the way NAB's runner does. */
import { causalScore, type CausalScoreParams } from '../../src/detect/causal-score.js';
import { PROFILES, type NabSeries, type ProfileName } from '../../src/detect/nab/nab-corpus.js';
import { normaliseScore, nullScore, optimizeThreshold, type ScoredFile } from '../../src/detect/nab/nab-optimizer.js';
import { calcSweepScore, scoreAtThreshold, type CostMatrix, type SweepRows } from '../../src/detect/nab/nab-sweeper.js';

export type Profiles = Record<ProfileName, CostMatrix>;
export type SweepByProfile = Record<ProfileName, SweepRows[]>;

export interface ProfileResult {
  readonly threshold: number;
  readonly raw: number;
  readonly normalised: number;
}

/** Step of the series from its first two rows only (causal: known after row 1). */
export function stepSecondsOf(timesMs: Float64Array): number {
  return timesMs.length > 1 ? (timesMs[1] - timesMs[0]) / 1000 : 0;
}

export function runDetector(series: readonly NabSeries[], params: Partial<CausalScoreParams>): Float64Array[] {
  return series.map((s) => causalScore(s.values, { ...params, stepSeconds: stepSecondsOf(s.timesMs) }));
}

export function sweepRowsFor(series: readonly NabSeries[], profiles: Profiles): SweepByProfile {
  const out = {} as SweepByProfile;
  for (const p of PROFILES) out[p] = series.map((s) => calcSweepScore(s.timesMs, s.windows, profiles[p]));
  return out;
}

function files(anomalies: readonly Float64Array[], rows: readonly SweepRows[], idx: readonly number[]): ScoredFile[] {
  return idx.map((i) => ({ anomaly: anomalies[i], rows: rows[i] }));
}

/** Optimises one threshold per profile over the files idx, and normalises over them. */
export function optimiseProfiles(
  anomalies: readonly Float64Array[], sweep: SweepByProfile, profiles: Profiles,
  series: readonly NabSeries[], idx: readonly number[],
): Record<ProfileName, ProfileResult> {
  const out = {} as Record<ProfileName, ProfileResult>;
  const windows = idx.reduce((a, i) => a + series[i].windows.length, 0);
  for (const p of PROFILES) {
    const f = files(anomalies, sweep[p], idx);
    const best = optimizeThreshold(f, profiles[p]);
    out[p] = { ...best, raw: best.score, normalised: normaliseScore(best.score, nullScore(f, profiles[p]), windows, profiles[p]) };
  }
  return out;
}

/** Raw summed score of files idx at a fixed threshold. */
export function rawAt(
  anomalies: readonly Float64Array[], rows: readonly SweepRows[], cost: CostMatrix, idx: readonly number[], threshold: number,
): number {
  return idx.reduce((a, i) => a + scoreAtThreshold(anomalies[i], rows[i], cost, threshold).score, 0);
}
