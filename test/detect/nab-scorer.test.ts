import { describe, expect, it } from 'vitest';
import {
  hasNab, loadDetectorScores, loadFinalResults, loadNabSeries, loadProfiles, loadPublishedScores, loadThresholds,
  nabRoot, PROFILES,
} from '../../src/detect/nab/nab-corpus.js';
import { calcSweepScore, scaledSigmoid, scoreAtThreshold } from '../../src/detect/nab/nab-sweeper.js';
import { normaliseScore, nullScore, optimizeThreshold, thresholdCurve, type ScoredFile } from '../../src/detect/nab/nab-optimizer.js';

const root = nabRoot();
const present = hasNab(root);
if (!present) console.warn(`NAB scorer test skipped: no benchmark data at ${root} (set FLEETOPS_BENCHMARKS)`);

describe('scaledSigmoid', () => {
  it.each([
    [-1, 0.9866142981514305],
    [0, 0],
    [1, -0.9866142981514303],
    [3.5, -1],
  ])('scaledSigmoid(%d) = %d', (x, y) => {
    expect(scaledSigmoid(x)).toBeCloseTo(y, 12);
  });
});

describe('calcSweepScore on a tiny file', () => {
  it('credits an early TP fully and charges FPs after the window by distance', () => {
    // Arrange: 20 rows, probation = 3, window rows 8..11
    const times = Float64Array.from({ length: 20 }, (_, i) => i * 60_000);
    const rows = calcSweepScore(times, [[8 * 60_000, 11 * 60_000]], { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 });
    const anomaly = new Float64Array(20);
    anomaly[8] = 1; // earliest row of the window
    anomaly[14] = 1; // FP one window-width after its end
    // Act
    const s = scoreAtThreshold(anomaly, rows, { tpWeight: 1, fpWeight: 0.11, fnWeight: 1 }, 0.5);
    // Assert: TP = sigma(-(11-8+1)/4)/sigma(-1) = 1; FP = 0.11 * sigma(3/3)
    expect(s.score).toBeCloseTo(1 + 0.11 * scaledSigmoid(1), 12);
    expect([s.tp, s.fp, s.fn, s.tn]).toEqual([1, 1, 3, 12]);
  });
});

describe.skipIf(!present)('NAB scorer reproduces published scores', () => {
  const series = present ? loadNabSeries(root) : [];
  const profiles = present ? loadProfiles(root) : undefined;
  const thresholds = present ? loadThresholds(root) : {};
  const finals = present ? loadFinalResults(root) : {};
  const cases = ['numenta', 'windowedGaussian'].flatMap((d) => PROFILES.map((p) => [d, p] as const));

  it.each(cases)('%s / %s: every per-file score, count and the normalised total', (detector, profile) => {
    // Arrange
    const cost = profiles![profile];
    const threshold = thresholds[detector][profile].threshold;
    const published = loadPublishedScores(root, detector, profile);
    const files: ScoredFile[] = series.map((s) => ({
      anomaly: loadDetectorScores(root, detector, s.path),
      rows: calcSweepScore(s.timesMs, s.windows, cost),
    }));
    // Act
    const scores = files.map((f) => scoreAtThreshold(f.anomaly, f.rows, cost, threshold));
    const raw = scores.reduce((a, s) => a + s.score, 0);
    const normalised = normaliseScore(raw, nullScore(files, cost), 116, cost);
    // Assert
    expect(published.size).toBe(58);
    series.forEach((s, i) => {
      const want = published.get(s.path)!;
      expect(scores[i].score, s.path).toBeCloseTo(want.score, 6);
      expect([scores[i].tp, scores[i].tn, scores[i].fp, scores[i].fn, scores[i].total], s.path)
        .toEqual([want.tp, want.tn, want.fp, want.fn, want.total]);
    });
    expect(normalised).toBeCloseTo(finals[detector][profile], 9);
  });

  it.each(PROFILES)('numenta / %s: the pooled sweep reaches the published score at its threshold, and the exhaustive optimum is no worse', (profile) => {
    // Arrange
    const cost = profiles![profile];
    const files = series.map((s) => ({
      anomaly: loadDetectorScores(root, 'numenta', s.path),
      rows: calcSweepScore(s.timesMs, s.windows, cost),
    }));
    // Act
    const curve = thresholdCurve(files, cost);
    const best = optimizeThreshold(files, cost);
    // Assert
    const published = thresholds.numenta[profile];
    // NAB found these thresholds by hill climbing (twiddle), so they need not be data
    // values: the matching curve row is the last one at or above the threshold.
    let at = 0;
    while (at + 1 < curve.thresholds.length && curve.thresholds[at + 1] >= published.threshold) at++;
    expect(curve.scores[at]).toBeCloseTo(published.score, 9);
    expect(best.score).toBeGreaterThanOrEqual(published.score - 1e-9);
    console.info(`numenta ${profile}: sweep optimum ${best.score} at ${best.threshold}; published ${published.score}`);
  });

  it('the null detector scores -116 fn weights', () => {
    const cost = profiles!.reward_low_FN_rate;
    const files = series.map((s) => ({ anomaly: new Float64Array(s.values.length), rows: calcSweepScore(s.timesMs, s.windows, cost) }));
    expect(nullScore(files, cost)).toBe(-232);
  });
});
