/** Per-file diagnostic at the standard profile's best threshold: `tsx bench/nab/diag.ts [json params]`. */
import { hasNab, loadNabSeries, loadProfiles, nabRoot } from '../../src/detect/nab/nab-corpus.js';
import { scoreAtThreshold } from '../../src/detect/nab/nab-sweeper.js';
import { optimiseProfiles, runDetector, sweepRowsFor } from './evaluate.js';

const root = nabRoot();
if (!hasNab(root)) throw new Error('no NAB');
const series = loadNabSeries(root);
const profiles = loadProfiles(root);
const sweep = sweepRowsFor(series, profiles);
const params = process.argv[2] ? JSON.parse(process.argv[2]) : {};
const an = runDetector(series, params);
const full = optimiseProfiles(an, sweep, profiles, series, series.map((_, i) => i));
const thr = full.standard.threshold;
console.log(`standard ${full.standard.normalised.toFixed(1)} at ${thr.toFixed(3)}`);
series.forEach((s, f) => {
  const rows = sweep.standard[f];
  const a = an[f];
  const res = scoreAtThreshold(a, rows, profiles.standard, thr);
  const wins: string[] = [];
  for (let w = 0; w < rows.windowCount; w++) {
    let lo = -1, hi = -1, first = -1, mx = 0, mxAt = -1;
    for (let i = 0; i < a.length; i++) if (rows.window[i] === w) {
      if (lo < 0) lo = i; hi = i;
      if (first < 0 && a[i] >= thr) first = i;
      if (a[i] > mx) { mx = a[i]; mxAt = i; }
    }
    if (lo < 0) { wins.push('probation'); continue; }
    wins.push(`[${lo}-${hi}] ${first >= 0 ? `hit@${first - lo}` : 'MISS'} max ${mx.toFixed(2)}@${mxAt - lo}`);
  }
  const fpRows: number[] = [];
  for (let i = 0; i < a.length; i++) if (rows.window[i] === -1 && a[i] >= thr) fpRows.push(i);
  console.log(`${s.path.padEnd(58)} n=${a.length} score ${res.score.toFixed(2)} fp=${res.fp} ${wins.join(' | ')}${fpRows.length ? ` fpAt ${fpRows.slice(0, 6).join(',')}` : ''}`);
});
