/**
 * What an hourly run spends rebuilding detectors from stored states and saving them again, per
 * 116,200 series (1,400 clusters × 83), processed a cluster at a time as the scan does:
 * `tsx bench/scan-state.ts`. Copying (fromState + toState) against adopting the stored array as the
 * detector's storage (adopt + exportState, what the scan uses); CPU ms, best of 3.
 */
import { CausalScorer } from '../src/detect/causal-score.js';
import { LevelShiftTracker } from '../src/detect/level-shift-tracker.js';

const SERIES = 116_200;
const PER_CLUSTER = 83;
const STEP_MS = 300_000;

const scorer = new CausalScorer({ stepSeconds: STEP_MS / 1000 });
const tracker = new LevelShiftTracker(STEP_MS);
for (let i = 0; i < 2_016; i++) {
  const x = 100 + 10 * Math.sin((2 * Math.PI * i) / 288) + ((i * 7919) % 13) / 13;
  scorer.push(x);
  tracker.push(Date.UTC(2026, 10, 23) + i * STEP_MS, x);
}
const scorerState = scorer.toState();
const trackerState = tracker.toState();

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

let sink = 0;
function best(name: string, cluster: () => void): number {
  let min = Infinity;
  for (let rep = 0; rep < 4; rep++) {
    const t0 = cpuMs();
    for (let c = 0; c < SERIES / PER_CLUSTER; c++) cluster();
    if (rep > 0) min = Math.min(min, cpuMs() - t0); // the first pass warms up
  }
  console.log(`${name.padEnd(42)} ${min.toFixed(0).padStart(6)} ms`);
  return min;
}

// each cluster's stored arrays are views of one decoded array, as the state codec hands them out
function cluster(state: Float64Array): () => Float64Array[] {
  const template = new Float64Array(state.length * PER_CLUSTER);
  for (let k = 0; k < PER_CLUSTER; k++) template.set(state, k * state.length);
  return () => {
    const all = template.slice();
    return Array.from({ length: PER_CLUSTER }, (_, k) => all.subarray(k * state.length, (k + 1) * state.length));
  };
}
const scorers = cluster(scorerState);
const trackers = cluster(trackerState);

const base = best('(decoding alone: arrays and views)', () => { sink += scorers().length + trackers().length; });
const copyS = best('CausalScorer fromState + toState', () => { for (const s of scorers()) sink += CausalScorer.fromState(s).toState().length; });
const adoptS = best('CausalScorer adopt + exportState', () => { for (const s of scorers()) sink += CausalScorer.adopt(s).exportState().length; });
const copyT = best('LevelShiftTracker fromState + toState', () => { for (const s of trackers()) sink += LevelShiftTracker.fromState(s).toState().length; });
const adoptT = best('LevelShiftTracker adopt + exportState', () => { for (const s of trackers()) sink += LevelShiftTracker.adopt(s).exportState().length; });
console.log(`per ${SERIES.toLocaleString()} series, net of decoding: copying ${(copyS + copyT - base).toFixed(0)} ms, adopting ${(adoptS + adoptT - base).toFixed(0)} ms${sink > 0 ? '' : ' (no work?)'}`);
