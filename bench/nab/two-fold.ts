/**
 * Honest held-out figure: files sorted by path and split alternately into two halves;
 * parameters (from a small grid) and threshold are chosen on one half and scored on the
 * other, both ways; the two held-out raw scores are summed and normalised over the corpus.
 */
import type { CausalScoreParams } from '../../src/detect/causal-score.js';
import { PROFILES, type NabSeries, type ProfileName } from '../../src/detect/nab/nab-corpus.js';
import { normaliseScore, nullScore } from '../../src/detect/nab/nab-optimizer.js';
import { optimiseProfiles, rawAt, runDetector, type Profiles, type SweepByProfile } from './evaluate.js';

/**
 * The parameters tuned on the full corpus that moved the score most (context bands, the value's
 * quantile, the tolerance beyond the range seen): 12 points. noveltyQuietRows (0 or 100) stays at
 * 100 to keep the grid small (in the grid instead of spatialTolerance it gave 66.9 / 57.4 / 72.5).
 * shortSpan (4 or 8), calibQuantile, seasonGate, seasonWeight, refractoryRows and holdFrac (0.4-0.6) were
 * tuned too but moved it about a point or less around their defaults, so they stay fixed here.
 */
export const PARAM_GRID: readonly Partial<CausalScoreParams>[] = [3, 4, 5].flatMap((contextLevels) =>
  [0.998, 0.999].flatMap((valueQuantile) => [0.03, 0.05].map((spatialTolerance) => ({ contextLevels, valueQuantile, spatialTolerance }))),
);

export interface FoldChoice {
  readonly params: Partial<CausalScoreParams>;
  readonly threshold: number;
}

export type TwoFoldResult = Record<ProfileName, { normalised: number; folds: FoldChoice[] }>;

export function twoFold(series: readonly NabSeries[], sweep: SweepByProfile, profiles: Profiles): TwoFoldResult {
  const all = series.map((_, i) => i);
  const halves = [all.filter((i) => i % 2 === 0), all.filter((i) => i % 2 === 1)];
  const runs = PARAM_GRID.map((params) => ({ params, anomalies: runDetector(series, params) }));
  const heldOut = { standard: 0, reward_low_FP_rate: 0, reward_low_FN_rate: 0 };
  const folds = { standard: [], reward_low_FP_rate: [], reward_low_FN_rate: [] } as Record<ProfileName, FoldChoice[]>;
  for (const [train, test] of [[halves[0], halves[1]], [halves[1], halves[0]]]) {
    const scored = runs.map((r) => ({ r, res: optimiseProfiles(r.anomalies, sweep, profiles, series, train) }));
    for (const p of PROFILES) {
      const best = scored.reduce((a, b) => (b.res[p].raw > a.res[p].raw ? b : a));
      folds[p].push({ params: best.r.params, threshold: best.res[p].threshold });
      heldOut[p] += rawAt(best.r.anomalies, sweep[p], profiles[p], test, best.res[p].threshold);
    }
  }
  const windows = series.reduce((a, s) => a + s.windows.length, 0);
  const out = {} as TwoFoldResult;
  for (const p of PROFILES) {
    const nullRaw = nullScore(all.map((i) => ({ anomaly: new Float64Array(0), rows: sweep[p][i] })), profiles[p]);
    out[p] = { normalised: normaliseScore(heldOut[p], nullRaw, windows, profiles[p]), folds: folds[p] };
  }
  return out;
}
