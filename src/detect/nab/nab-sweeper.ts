/**
 * Faithful port of NAB's scorer (numenta/NAB `nab/sweeper.py`, the code behind the
 * published `*_scores.csv` and `final_results.json`). Pure: typed arrays in and out.
 */

export interface CostMatrix {
  readonly tpWeight: number;
  readonly fpWeight: number;
  readonly fnWeight: number;
}

/** Row classification: a window index (>= 0), outside every window, or in probation. */
export const OUTSIDE = -1;
export const PROBATION = -2;

export interface SweepRows {
  /** NAB's weighted score of a detection at this row (TP credit or FP cost). */
  readonly sweepScore: Float64Array;
  /** Window index of the row, OUTSIDE or PROBATION. */
  readonly window: Int32Array;
  /** Number of windows NAB entered in this file (some may lie wholly in probation). */
  readonly windowCount: number;
}

export interface FileScore {
  readonly score: number;
  readonly tp: number;
  readonly tn: number;
  readonly fp: number;
  readonly fn: number;
  readonly total: number;
}

/** NAB: min(floor(0.15 N), 0.15 * 5000). */
export function probationLength(rows: number, percent = 0.15): number {
  return Math.min(Math.floor(percent * rows), percent * 5000);
}

/** 2 sigmoid(-5x) - 1, and -1 beyond 3 (a false positive far after a window). */
export function scaledSigmoid(position: number): number {
  if (position > 3) return -1;
  return 2 / (1 + Math.exp(5 * position)) - 1;
}

const MAX_TP = scaledSigmoid(-1);

/**
 * Per-row sweep scores, as `Sweeper.calcSweepScore`. Windows are [startMs, endMs] pairs
 * in file order; like NAB, a window is entered only when a row's time equals the next
 * window's start, and its right edge is the first row whose time equals its end.
 */
export function calcSweepScore(
  timesMs: Float64Array,
  windows: readonly (readonly [number, number])[],
  cost: CostMatrix,
): SweepRows {
  const n = timesMs.length;
  const sweepScore = new Float64Array(n);
  const window = new Int32Array(n);
  const probation = probationLength(n);
  let next = 0;
  let cur = -1;
  let curRight = 0;
  let curWidth = 0;
  let prevRight = -1;
  let prevWidth = 0;
  for (let i = 0; i < n; i++) {
    const t = timesMs[i];
    if (next < windows.length && t === windows[next][0]) {
      cur = next++;
      curRight = timesMs.indexOf(windows[cur][1]);
      curWidth = curRight - timesMs.indexOf(windows[cur][0]) + 1;
    }
    if (cur >= 0) {
      sweepScore[i] = (scaledSigmoid(-(curRight - i + 1) / curWidth) * cost.tpWeight) / MAX_TP;
    } else {
      const unweighted = prevRight < 0 ? -1 : scaledSigmoid(Math.abs(prevRight - i) / (prevWidth - 1));
      sweepScore[i] = unweighted * cost.fpWeight;
    }
    window[i] = i >= probation ? cur : PROBATION;
    if (cur >= 0 && t === windows[cur][1]) {
      prevRight = i;
      prevWidth = curWidth;
      cur = -1;
    }
  }
  return { sweepScore, window, windowCount: next };
}

/** Windows with at least one scorable row: NAB charges -fn for each one left undetected. */
function scorableWindows(rows: SweepRows): Uint8Array {
  const seen = new Uint8Array(rows.windowCount);
  for (let i = 0; i < rows.window.length; i++) if (rows.window[i] >= 0) seen[rows.window[i]] = 1;
  return seen;
}

/** A file's score when rows with anomalyScore >= threshold are detections (`scoreDataSet`). */
export function scoreAtThreshold(
  anomaly: Float64Array,
  rows: SweepRows,
  cost: CostMatrix,
  threshold: number,
): FileScore {
  const best = new Float64Array(rows.windowCount).fill(-cost.fnWeight);
  let fpScore = 0;
  let tp = 0, tn = 0, fp = 0, fn = 0;
  for (let i = 0; i < anomaly.length; i++) {
    const w = rows.window[i];
    if (w === PROBATION) continue;
    const hit = anomaly[i] >= threshold;
    if (w >= 0) {
      if (hit) { tp++; if (rows.sweepScore[i] > best[w]) best[w] = rows.sweepScore[i]; } else fn++;
    } else if (hit) { fp++; fpScore += rows.sweepScore[i]; } else tn++;
  }
  const counted = scorableWindows(rows);
  let score = fpScore;
  for (let w = 0; w < rows.windowCount; w++) if (counted[w]) score += best[w];
  return { score, tp, tn, fp, fn, total: anomaly.length };
}
