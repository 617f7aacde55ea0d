/**
 * Throughput of the causal score on the fleet path: `tsx bench/detect-core.ts [samples]`.
 * 20 M synthetic samples (daily seasonality at 300 s, noise, a few spikes) in series of
 * 2016 points (a week), scored chunk by chunk into a preallocated Float32Array.
 */
import { CausalScorer } from '../src/detect/causal-score.js';

const total = Number(process.argv[2] ?? 20_000_000);
const seriesLen = 2016;
const values = new Float64Array(seriesLen);
let seed = 42;
for (let i = 0; i < seriesLen; i++) {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  values[i] = 100 + 20 * Math.sin((2 * Math.PI * i) / 288) + (seed / 2 ** 31 - 0.5) * 4 + (i % 700 === 0 ? 60 : 0);
}
const out = new Float32Array(seriesLen);

function run(samples: number): number {
  let checksum = 0;
  for (let done = 0; done < samples; done += seriesLen) {
    new CausalScorer({ stepSeconds: 300 }).scoreInto(values, out);
    checksum += out[seriesLen - 1];
  }
  return checksum;
}

run(2_000_000); // warm up the JIT
const t0 = performance.now();
const checksum = run(total);
const seconds = (performance.now() - t0) / 1000;
console.log(`causal score: ${total.toLocaleString()} samples in ${seconds.toFixed(2)} s = ${(total / seconds / 1e6).toFixed(1)} M samples/s (checksum ${checksum.toFixed(3)})`);
