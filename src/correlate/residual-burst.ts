import type { Episode } from './episodes.js';
import { compareText } from '../core/compare-text.js';

/** Shortest window a burst is measured over: onsets a few minutes apart are one moment at scan resolution. */
export const MIN_BURST_WINDOW_MS = 10 * 60_000;

/** The input is a digest day's findings: the background rate is measured over at least a day. */
export const MIN_BACKGROUND_SPAN_MS = 24 * 60 * 60_000;

export interface BurstTest {
  /**
   * The day's residual seed episodes (those no attribute keys; a straggler a keyed group absorbs later
   * included) per ms, filed under a residual key (a component or a shared dependency).
   */
  rateOf: (key: string) => number;
  /** A set is a burst when P(X ≥ its clusters | Poisson(rate × window)) is below this. */
  residualBurstP: number;
  minClusters: number;
}

/**
 * The episodes of one residual key that are a burst over the key's background rate: the whole set
 * when it is one, otherwise the run of consecutive onsets with the most distinct clusters that is one
 * (the tightest on ties, then the earliest). Undefined when no run of `minClusters` clusters is.
 */
export function largestBurst(episodes: Episode[], key: string, t: BurstTest): Episode[] | undefined {
  // a tail probability is never below 0: nothing is a burst (the first, keying-only pass of a day)
  if (!(t.residualBurstP > 0)) return undefined;
  const sorted = [...episodes].sort((a, b) => a.startMs - b.startMs || compareText(a.cluster, b.cluster));
  const isBurst = (n: number, spanMs: number) => n >= t.minClusters && poissonTail(n, t.rateOf(key) * Math.max(spanMs, MIN_BURST_WINDOW_MS)) < t.residualBurstP;
  const spanOf = (from: number, to: number) => sorted[to].startMs - sorted[from].startMs;
  const ids = new Map<string, number>();
  const cluster = Int32Array.from(sorted, (e) => ids.get(e.cluster) ?? ids.set(e.cluster, ids.size).size - 1);
  if (sorted.length > 0 && isBurst(ids.size, spanOf(0, sorted.length - 1))) return sorted;
  const tightest = tightestRuns(sorted.map((e) => e.startMs), cluster, ids.size);
  for (let n = tightest.length - 1; n >= Math.max(1, t.minClusters); n--) {
    const run = tightest[n];
    if (isBurst(n, spanOf(run.from, run.to))) return sorted.slice(run.from, run.to + 1);
  }
  return undefined;
}

/**
 * For each count n of distinct clusters, the run [from, to] of consecutive onsets that first reaches
 * n clusters with the smallest span (the earliest such run on ties). For a given count the tail only
 * grows with the window, so each count's tightest run decides. O(episodes × clusters) in typed arrays:
 * a Set per start made a residual of a few thousand episodes cost seconds.
 */
function tightestRuns(startMs: number[], cluster: Int32Array, clusters: number): { from: number; to: number }[] {
  const seenAt = new Int32Array(clusters).fill(-1);
  const found = new Uint8Array(clusters + 1);
  const bestFrom = new Int32Array(clusters + 1);
  const bestTo = new Int32Array(clusters + 1);
  for (let from = 0; from < startMs.length; from++) {
    let seen = 0;
    for (let to = from; to < startMs.length && seen < clusters; to++) {
      if (seenAt[cluster[to]] === from) continue;
      seenAt[cluster[to]] = from;
      seen += 1;
      if (!found[seen] || startMs[to] - startMs[from] < startMs[bestTo[seen]] - startMs[bestFrom[seen]]) {
        found[seen] = 1;
        bestFrom[seen] = from;
        bestTo[seen] = to;
      }
    }
  }
  const out: { from: number; to: number }[] = [];
  for (let n = 1; n <= clusters && found[n]; n++) out[n] = { from: bestFrom[n], to: bestTo[n] };
  return out;
}

/** P(X ≥ n) for X ~ Poisson(lambda), summed upward from P(X = n) in log space (no underflow of e^-λ). */
export function poissonTail(n: number, lambda: number): number {
  if (n <= 0) return 1;
  if (lambda <= 0) return 0;
  let logTerm = -lambda;
  for (let k = 1; k <= n; k++) logTerm += Math.log(lambda / k);
  let sum = 0;
  for (let k = n; ; k++) {
    const term = Math.exp(logTerm);
    sum += term;
    if (k > lambda && term <= sum * 1e-15) break;
    logTerm += Math.log(lambda / (k + 1));
  }
  return Math.min(1, sum);
}
