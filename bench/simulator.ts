/**
 * Generates every golden series of the simulated fleet (clusters × 12 components × 7 signals ×
 * points) through `seriesValuesInto` with one reused buffer, discarding the values, and prints the
 * sample rate and peak RSS. Counted samples = series × points per series (gaps included).
 * Usage: npm run bench:simulator [-- --clusters 1400 --days 7 --alloc]
 */
import { COMPONENTS, SIGNALS } from '../src/fleet/types.js';
import { createSimulatedFleet } from '../src/simulator/index.js';

function arg(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
}

const clusters = arg('clusters', 1400);
const days = arg('days', 7);
const alloc = process.argv.includes('--alloc');

const t0 = performance.now();
const fleet = createSimulatedFleet({ clusters, days });
const buildMs = performance.now() - t0;
const points = (fleet.rangeMs.endMs - fleet.rangeMs.startMs) / (fleet.stepSeconds * 1000);
const buf = new Float64Array(points);
let samples = 0;
let checksum = 0;
const t1 = performance.now();
for (const c of fleet.clusters) {
  for (const component of COMPONENTS) {
    for (const signal of SIGNALS) {
      if (alloc) samples += fleet.seriesValues(c.id, component, signal).length;
      else samples += fleet.seriesValuesInto(buf, c.id, component, signal);
      checksum += buf[points >> 1] || 0;
    }
  }
}
const genS = (performance.now() - t1) / 1000;
console.log(`fleet: ${clusters} clusters, ${days} days, ${points} points/series, ${fleet.groundTruth.length} scenarios; built in ${buildMs.toFixed(0)} ms`);
console.log(`series: ${clusters * COMPONENTS.length * SIGNALS.length} (${COMPONENTS.length} components × ${SIGNALS.length} signals per cluster)${alloc ? ', fresh array per series' : ', one reused buffer'}`);
console.log(`samples: ${samples.toLocaleString('en-US')} in ${genS.toFixed(2)} s = ${(samples / genS / 1e6).toFixed(1)} M samples/s (checksum ${checksum.toFixed(3)})`);
console.log(`peak RSS: ${process.resourceUsage().maxRSS.toLocaleString('en-US')} KiB`);
