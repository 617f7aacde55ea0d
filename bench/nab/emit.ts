/** Writes per-row output in NAB's results layout: DIR/<det>/<category>/<det>_<file>.csv. */
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { resultFilePath, type NabSeries } from '../../src/detect/nab/nab-corpus.js';

function labelsOf(s: NabSeries): Uint8Array {
  const label = new Uint8Array(s.timesMs.length);
  for (const [a, b] of s.windows) for (let i = 0; i < label.length; i++) if (s.timesMs[i] >= a && s.timesMs[i] <= b) label[i] = 1;
  return label;
}

export function emitResults(dir: string, detector: string, series: readonly NabSeries[], anomalies: readonly Float64Array[]): void {
  series.forEach((s, k) => {
    const file = resultFilePath(dir, detector, s.path);
    mkdirSync(path.dirname(file), { recursive: true });
    const label = labelsOf(s);
    const lines = ['timestamp,value,anomaly_score,label'];
    for (let i = 0; i < s.values.length; i++) lines.push(`${s.timestamps[i]},${s.values[i]},${anomalies[k][i]},${label[i]}`);
    writeFileSync(file, lines.join('\n') + '\n');
  });
}
