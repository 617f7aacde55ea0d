/**
 * Throughput of the causal score on the fleet path: `tsx bench/detect-core.ts [samples]`.
 * 20 M synthetic samples (daily seasonality at 300 s, noise, a few spikes) in series of 2016 points
 * (a week), each with a fresh scorer, scored into a preallocated Float32Array. 256 different series
 * take turns: scoring one series over and over lets the CPU's branch predictor learn it, which
 * flatters code with data-dependent branches. Time is the process's CPU time (user + system),
 * best of three runs, so a machine shared with other jobs barely moves the figure.
 */
import { CausalScorer } from '../src/detect/causal-score.js';

const total = Number(process.argv[2] ?? 20_000_000);
const seriesLen = 2016;
const SERIES = 256;
const values = Array.from({ length: SERIES }, (_, k) => {
  const v = new Float64Array(seriesLen);
  let seed = 42 + k;
  const amplitude = 5 + (k % 7) * 5;
  const spikeEvery = 500 + 37 * k;
  for (let i = 0; i < seriesLen; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    v[i] = 100 + amplitude * Math.sin((2 * Math.PI * i) / 288) + (seed / 2 ** 31 - 0.5) * 4 + (i % spikeEvery === 0 ? 60 : 0);
  }
  return v;
});
const out = new Float32Array(seriesLen);

function run(samples: number): number {
  let checksum = 0;
  for (let done = 0, k = 0; done < samples; done += seriesLen, k = (k + 1) % SERIES) {
    new CausalScorer({ stepSeconds: 300 }).scoreInto(values[k], out);
    for (let i = 0; i < seriesLen; i++) checksum += out[i];
  }
  return checksum;
}

function cpuSeconds(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1e6;
}

run(2_000_000); // warm up the JIT
let best = Infinity;
let checksum = 0;
for (let rep = 0; rep < 3; rep++) {
  const t0 = cpuSeconds();
  checksum = run(total);
  best = Math.min(best, cpuSeconds() - t0);
}
console.log(`causal score: ${total.toLocaleString()} samples in ${best.toFixed(2)} s CPU (best of 3) = ${(total / best / 1e6).toFixed(1)} M samples/s (checksum ${checksum.toFixed(3)})`);
