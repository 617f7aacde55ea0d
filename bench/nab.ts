/**
 * NAB benchmark of the causal detector: `npm run bench:nab [-- --json] [-- --emit DIR]`.
 * One parameter set for all files, thresholds optimised per profile as NAB's sweeper does,
 * printed beside the published table, plus a 2-fold held-out figure.
 */
import { DEFAULT_CAUSAL_PARAMS } from '../src/detect/causal-score.js';
import { hasNab, loadFinalResults, loadNabSeries, loadProfiles, nabRoot, PROFILES } from '../src/detect/nab/nab-corpus.js';
import { emitResults } from './nab/emit.js';
import { optimiseProfiles, runDetector, sweepRowsFor } from './nab/evaluate.js';
import { twoFold } from './nab/two-fold.js';

const DETECTOR = 'fleetopsCausal';
const args = process.argv.slice(2);
const json = args.includes('--json');
const emitDir = args.includes('--emit') ? args[args.indexOf('--emit') + 1] : undefined;

const root = nabRoot();
if (!hasNab(root)) {
  console.error(`NAB data not found at ${root}; set FLEETOPS_BENCHMARKS to the benchmarks folder.`);
  process.exit(1);
}
const series = loadNabSeries(root);
const profiles = loadProfiles(root);
const sweep = sweepRowsFor(series, profiles);
const all = series.map((_, i) => i);

const t0 = performance.now();
const anomalies = runDetector(series, {});
const detectMs = performance.now() - t0;
const full = optimiseProfiles(anomalies, sweep, profiles, series, all);
const folds = twoFold(series, sweep, profiles);
if (emitDir) emitResults(emitDir, DETECTOR, series, anomalies);

const published = loadFinalResults(root);
const rows = (name: string, r: Record<string, number>) =>
  `${name.padEnd(22)}${PROFILES.map((p) => r[p].toFixed(1).padStart(10)).join('')}`;

if (json) {
  console.log(JSON.stringify({ detector: DETECTOR, params: DEFAULT_CAUSAL_PARAMS, full, twoFold: folds, published, detectMs }, null, 2));
} else {
  const rowsTotal = series.reduce((a, s) => a + s.values.length, 0);
  console.log(`NAB: ${series.length} files, ${rowsTotal} rows, detector ${detectMs.toFixed(0)} ms`);
  console.log(`${''.padEnd(22)}${['standard', 'low FP', 'low FN'].map((h) => h.padStart(10)).join('')}`);
  console.log(rows(`${DETECTOR} (all)`, Object.fromEntries(PROFILES.map((p) => [p, full[p].normalised]))));
  console.log(rows(`${DETECTOR} (2-fold)`, Object.fromEntries(PROFILES.map((p) => [p, folds[p].normalised]))));
  console.log(`thresholds: ${PROFILES.map((p) => `${p} ${full[p].threshold.toFixed(4)}`).join(', ')}`);
  console.log('published:');
  const order = Object.entries(published).sort((a, b) => b[1].standard - a[1].standard);
  for (const [name, r] of order) console.log(rows(name, r));
}
