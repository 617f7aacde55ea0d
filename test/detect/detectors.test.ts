import { describe, expect, it } from 'vitest';
import { causalScore, CausalScorer } from '../../src/detect/causal-score.js';
import { detectChangePoints } from '../../src/detect/change-point.js';
import { detectDips } from '../../src/detect/dips.js';
import { collectPeerSamples, computePeerStats, finalizePeerStats, findPeerOutliers, mergePeerSamples } from '../../src/detect/peer-outliers.js';
import { SeasonalBaseline } from '../../src/detect/seasonal-baseline.js';

/** Deterministic pseudo-noise in [-1, 1]. */
function noise(n: number, seed = 1): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 30) - 1);
}

describe('causalScore', () => {
  const series = noise(3000).map((v, i) => 10 + v + (i >= 2000 && i < 2010 ? 25 : 0));

  it('has no look-ahead: the score of a prefix equals the prefix of the score', () => {
    const full = causalScore(series, { stepSeconds: 300 });
    for (const cut of [1, 500, 1999, 2005]) {
      expect(causalScore(series.subarray(0, cut), { stepSeconds: 300 })).toEqual(full.subarray(0, cut));
    }
  });

  it('streams in chunks exactly like one pass', () => {
    const scorer = new CausalScorer({ stepSeconds: 300 });
    const out = new Float64Array(series.length);
    scorer.scoreInto(series.subarray(0, 1234), out.subarray(0, 1234));
    scorer.scoreInto(series.subarray(1234), out.subarray(1234));
    expect(out).toEqual(causalScore(series, { stepSeconds: 300 }));
  });

  it('fires at the onset of the spike, nowhere else, and stays in [0, 1]', () => {
    const s = causalScore(series, { stepSeconds: 300 });
    expect(s.findIndex((v) => v > 0.8)).toBe(2000);
    expect(Math.max(...s.subarray(2010))).toBeLessThan(0.8);
    expect(Math.min(...s)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...s)).toBeLessThanOrEqual(1);
  });
});

describe('detectChangePoints', () => {
  it.each([
    ['up', 5],
    ['down', -5],
  ] as const)('finds a %s level shift at its index with its magnitude', (direction, shift) => {
    const values = noise(400, 7).map((v, i) => 100 + 0.5 * v + (i >= 250 ? shift : 0));
    const cps = detectChangePoints(values);
    expect(cps).toHaveLength(1);
    expect(cps[0].direction).toBe(direction);
    expect(Math.abs(cps[0].index - 250)).toBeLessThanOrEqual(1);
    expect(cps[0].magnitude).toBeCloseTo(shift, 0);
  });

  it('reports nothing on a stationary series', () => {
    expect(detectChangePoints(noise(1000, 3))).toEqual([]);
  });
});

describe('detectDips', () => {
  it('pages a one-hour dip to 0.9 against a 0.999 SLO, with its start, end and budget', () => {
    const avail = new Float64Array(288).fill(1);
    avail.fill(0.9, 100, 112);
    const [dip, ...rest] = detectDips(avail, { stepSeconds: 300, slo: 0.999, startMs: 0 });
    expect(rest).toEqual([]);
    expect([dip.startIndex, dip.endIndex, dip.startMs, dip.endMs]).toEqual([100, 111, 100 * 300_000, 111 * 300_000]);
    expect(dip.minAvailability).toBe(0.9);
    expect(dip.budgetBurnedFraction).toBeCloseTo((12 * 300 * 0.1) / (30 * 86_400 * 0.001), 9);
    expect(dip.peakBurnRate).toBeCloseTo(100, 6);
    expect(dip.severity).toBe('page');
  });

  it.each([
    ['a brief blip under the page rates is not a dip', 0.9995, 1, 0],
    ['a long shallow burn is a ticket', 0.997, 600, 1],
  ])('%s', (_name, level, rows, count) => {
    const avail = new Float64Array(2000).fill(1);
    avail.fill(level, 500, 500 + rows);
    const dips = detectDips(avail, { stepSeconds: 300, slo: 0.999 });
    expect(dips).toHaveLength(count);
    if (count) expect(dips[0].severity).toBe('ticket');
  });
});

describe('peer outliers', () => {
  const rows = Array.from({ length: 14 }, (_, r) => noise(50, r + 1).map((v) => 100 + v));
  rows[5] = rows[5].map((v, t) => (t === 30 ? v + 40 : v));
  const groups = [...Array<string>(12).fill('eu/v1'), 'us/v2', 'us/v2'];

  it('flags the one row that leaves its group', () => {
    const found = findPeerOutliers(rows, groups, 10);
    expect(found.map((o) => [o.row, o.index])).toEqual([[5, 30]]);
    expect(found[0].z).toBeGreaterThan(10);
  });

  it('statistics merged from two shards equal the single-pass statistics', () => {
    const merged = finalizePeerStats(mergePeerSamples(
      collectPeerSamples(rows.slice(0, 3), groups.slice(0, 3)),
      collectPeerSamples(rows.slice(3), groups.slice(3)),
    ));
    expect(merged).toEqual(computePeerStats(rows, groups));
  });
});

describe('SeasonalBaseline', () => {
  const step = 300;
  const day = 288;
  const series = Float64Array.from({ length: day * 6 }, (_, i) => 50 + 10 * Math.sin((2 * Math.PI * i) / day) + noise(1, i + 1)[0]);

  it('serialise/deserialise mid-stream gives an identical continuation', () => {
    const whole = new SeasonalBaseline({ stepSeconds: step, seasonSeconds: 86_400 });
    const zWhole = new Float64Array(series.length);
    whole.update(series, 0, undefined, zWhole);
    const first = new SeasonalBaseline({ stepSeconds: step, seasonSeconds: 86_400 });
    first.update(series.subarray(0, 1000), 0);
    const resumed = SeasonalBaseline.deserialize(first.serialize());
    const zTail = new Float64Array(series.length - 1000);
    resumed.update(series.subarray(1000), 1000 * step * 1000, undefined, zTail);
    expect(zTail).toEqual(zWhole.subarray(1000));
  });

  it('re-anchors after a level shift instead of waiting K cycles', () => {
    const shifted = series.map((v, i) => (i >= day * 4 ? v + 30 : v));
    const b = new SeasonalBaseline({ stepSeconds: step, seasonSeconds: 86_400 });
    const z = new Float64Array(shifted.length);
    b.update(shifted, 0, undefined, z);
    expect(b.offset).toBeGreaterThan(25);
    expect(Math.abs(z[shifted.length - 1])).toBeLessThan(5);
  });
});

describe('CausalScorer state', () => {
  it('continues exactly like an unbroken run after toState/fromState', () => {
    const values = Float64Array.from({ length: 3000 }, (_, i) => Math.sin(i / 20) * 5 + (i > 2500 ? 30 : 0) + ((i * 7919) % 13) / 10);
    const whole = causalScore(values, { stepSeconds: 300 });

    const first = new CausalScorer({ stepSeconds: 300 });
    const a = new Float64Array(1800);
    first.scoreInto(values.subarray(0, 1800), a);
    const resumed = CausalScorer.fromState(first.toState());
    const b = new Float64Array(1200);
    resumed.scoreInto(values.subarray(1800), b);

    expect(Array.from(a)).toEqual(Array.from(whole.subarray(0, 1800)));
    expect(Array.from(b)).toEqual(Array.from(whole.subarray(1800)));
    expect(Math.max(...b.subarray(650))).toBeGreaterThan(0.5);
  });
});
