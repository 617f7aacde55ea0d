/** Quick tuning loop: `tsx bench/nab/quick.ts [json params]` prints the full-corpus figures only. */
import { hasNab, loadNabSeries, loadProfiles, nabRoot, PROFILES } from '../../src/detect/nab/nab-corpus.js';
import { optimiseProfiles, runDetector, sweepRowsFor } from './evaluate.js';

const t0 = performance.now();
const root = nabRoot();
if (!hasNab(root)) throw new Error('no NAB');
const series = loadNabSeries(root);
const profiles = loadProfiles(root);
const sweep = sweepRowsFor(series, profiles);
const t1 = performance.now();
const all = series.map((_, i) => i);
const grids = process.argv.slice(2).map((a) => JSON.parse(a));
if (grids.length === 0) grids.push({});
for (const params of grids) {
  const an = runDetector(series, params);
  const full = optimiseProfiles(an, sweep, profiles, series, all);
  console.log(JSON.stringify(params), PROFILES.map((p) => full[p].normalised.toFixed(1)).join(' / '), PROFILES.map((p) => full[p].threshold.toFixed(3)).join(' '));
}
console.error(`load ${(t1 - t0).toFixed(0)} ms, total ${(performance.now() - t0).toFixed(0)} ms`);
