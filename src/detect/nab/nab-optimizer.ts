/**
 * Corpus-level threshold sweep and normalisation, as NAB's `optimizer.py` (all files'
 * sweep rows pooled, every distinct anomaly score tried as threshold) and
 * `runner.normalize` (100 (S - S_null) / (S_perfect - S_null)).
 */
import { PROBATION, type CostMatrix, type SweepRows } from './nab-sweeper.js';

export interface ScoredFile {
  readonly anomaly: Float64Array;
  readonly rows: SweepRows;
}

export interface ThresholdCurve {
  /** Descending thresholds; the first (1.1) detects nothing. */
  readonly thresholds: Float64Array;
  /** Summed raw score over all files when rows with score >= threshold are detections. */
  readonly scores: Float64Array;
}

interface Pooled {
  anomaly: Float64Array;
  sweep: Float64Array;
  window: Int32Array;
  windowCount: number;
}

/** Pool scorable rows of all files, with window ids made unique across files. */
function pool(files: readonly ScoredFile[]): Pooled {
  let n = 0;
  for (const f of files) for (const w of f.rows.window) if (w !== PROBATION) n++;
  const out: Pooled = { anomaly: new Float64Array(n), sweep: new Float64Array(n), window: new Int32Array(n), windowCount: 0 };
  let k = 0;
  for (const f of files) {
    for (let i = 0; i < f.anomaly.length; i++) {
      const w = f.rows.window[i];
      if (w === PROBATION) continue;
      out.anomaly[k] = f.anomaly[i];
      out.sweep[k] = f.rows.sweepScore[i];
      out.window[k++] = w >= 0 ? w + out.windowCount : -1;
    }
    out.windowCount += f.rows.windowCount;
  }
  return out;
}

/** `Sweeper.calcScoreByThreshold` over the pooled rows (NaN scores never detect). */
export function thresholdCurve(files: readonly ScoredFile[], cost: CostMatrix): ThresholdCurve {
  const p = pool(files);
  const order = Uint32Array.from({ length: p.anomaly.length }, (_, i) => i)
    .filter((i) => !Number.isNaN(p.anomaly[i]))
    .sort((a, b) => p.anomaly[b] - p.anomaly[a]);
  const best = new Float64Array(p.windowCount).fill(-Infinity);
  let total = 0;
  for (let i = 0; i < p.window.length; i++) {
    const w = p.window[i];
    if (w >= 0 && best[w] === -Infinity) { best[w] = -cost.fnWeight; total -= cost.fnWeight; }
  }
  const thresholds: number[] = [];
  const scores: number[] = [];
  let cur = 1.1;
  for (const i of order) {
    if (p.anomaly[i] !== cur) {
      thresholds.push(cur);
      scores.push(total);
      cur = p.anomaly[i];
    }
    const w = p.window[i];
    if (w < 0) total += p.sweep[i];
    else if (p.sweep[i] > best[w]) { total += p.sweep[i] - best[w]; best[w] = p.sweep[i]; }
  }
  thresholds.push(cur);
  scores.push(total);
  return { thresholds: Float64Array.from(thresholds), scores: Float64Array.from(scores) };
}

/** Best threshold over the corpus; ties go to the highest threshold, as NAB's stable sort. */
export function optimizeThreshold(files: readonly ScoredFile[], cost: CostMatrix): { threshold: number; score: number } {
  const curve = thresholdCurve(files, cost);
  let bestIdx = 0;
  for (let i = 1; i < curve.scores.length; i++) if (curve.scores[i] > curve.scores[bestIdx]) bestIdx = i;
  return { threshold: curve.thresholds[bestIdx], score: curve.scores[bestIdx] };
}

/** Raw score of the null detector (no detections): -fn for every window with scorable rows. */
export function nullScore(files: readonly ScoredFile[], cost: CostMatrix): number {
  let s = 0;
  for (const f of files) {
    const seen = new Set<number>();
    for (const w of f.rows.window) if (w >= 0) seen.add(w);
    s -= seen.size * cost.fnWeight;
  }
  return s;
}

/** NAB's normalised score; S_perfect counts every labelled window (as NAB does). */
export function normaliseScore(raw: number, nullRaw: number, windowTotal: number, cost: CostMatrix): number {
  const perfect = windowTotal * cost.tpWeight;
  return (100 * (raw - nullRaw)) / (perfect - nullRaw);
}
