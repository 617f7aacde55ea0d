import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runUnderLocales } from '../support/run-under-locales.js';
import { compareText } from '../../src/core/compare-text.js';

const src = (path: string) => JSON.stringify(pathToFileURL(resolve(path)).href);

// Ties broken by cluster name (correlation episodes) and by alert name (weekly report's noisiest
// alerts). Estonian collation sorts z between s and t, so localeCompare put eu-zurich before eu-tartu.
const SCRIPT = `
import { buildEpisodes } from ${src('src/correlate/episodes.ts')};
import { analyseAlerts } from ${src('src/reporting/report/alert-analytics.ts')};
const T0 = Date.UTC(2026, 10, 23, 9);
const row = (cluster) => ({ id: cluster + '-dip', runId: 'r', cluster, component: 'coredns', signal: 'availability', kind: 'dip', severity: 'critical', startMs: T0, endMs: T0 + 60_000, score: 1, details: {} });
const episodes = buildEpisodes([row('eu-zurich'), row('eu-tartu')], 0);
const alert = (alertname) => ({ alertname, cluster: 'c1', severity: 'warning', labels: {}, startMs: T0, endMs: T0 + 60_000 });
const week = { startMs: T0, endMs: T0 + 7 * 86_400_000, previous: { startMs: T0 - 7 * 86_400_000, endMs: T0 }, days: [], timeZone: 'UTC' };
const report = analyseAlerts({ current: [alert('ZoneDown'), alert('TargetDown')], previous: [], week, topN: 2, flappingMinCycles: 3 });
console.log(JSON.stringify({ episodes: episodes.map((e) => e.cluster), noisiest: report.noisiest.map((r) => r.alertname) }));
`;

describe('compareText', () => {
  it.each([
    ['a', 'b', -1],
    ['b', 'a', 1],
    ['a', 'a', 0],
    ['', 'a', -1],
    ['C1', 'c1', -1],
    ['a-b', 'a_b', -1],
    ['a_b', 'ab', -1],
    ['node-10', 'node-9', -1],
    ['eu-tartu', 'eu-zurich', -1],
  ])('orders %j against %j as %i', (a, b, expected) => {
    expect(compareText(a, b)).toBe(expected);
  });

  it('gives the order of sort() without a comparator', () => {
    const names = ['eu-zurich', 'C1', 'c1', 'a_b', 'a-b', 'ab', 'node-9', 'node-10', 'Ä', 'z', 'eu-tartu'];

    const sorted = [...names].sort(compareText);

    expect(sorted).toEqual([...names].sort());
  });
});

describe('tie order of published output', () => {
  it('is the same whatever the locale of the process', () => {
    const runs = runUnderLocales(SCRIPT);

    expect(runs.map((run) => run.stderr)).toEqual(['', '']);
    const expected = { episodes: ['eu-tartu', 'eu-zurich'], noisiest: ['TargetDown', 'ZoneDown'] };
    expect(runs.map((run) => JSON.parse(run.stdout))).toEqual([expected, expected]);
  }, 30_000);
});
