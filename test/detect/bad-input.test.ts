import { describe, expect, it } from 'vitest';
import { causalScore } from '../../src/detect/causal-score.js';
import { detectChangePoints } from '../../src/detect/change-point.js';
import { LevelShiftTracker } from '../../src/detect/level-shift-tracker.js';
import { computePeerStats, findPeerOutliers } from '../../src/detect/peer-outliers.js';
import { SeasonalBaseline } from '../../src/detect/seasonal-baseline.js';

const STEP = 300;
const STEP_MS = STEP * 1000;
const DAY = 288;

/** Deterministic noise in [-1, 1). */
const noise = (i: number) => { const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453; return 2 * (x - Math.floor(x)) - 1; };
const series = (n: number, f: (i: number) => number) => Float64Array.from({ length: n }, (_, i) => f(i));
const daily = (i: number) => 50 + 10 * Math.sin((2 * Math.PI * i) / DAY) + noise(i);

function baseline(values: Float64Array): { b: SeasonalBaseline; z: Float64Array; e: Float64Array } {
  const b = new SeasonalBaseline({ stepSeconds: STEP, seasonSeconds: 86_400 });
  const z = new Float64Array(values.length);
  const e = new Float64Array(values.length);
  b.update(values, 0, e, z);
  return { b, z, e };
}

describe('SeasonalBaseline on bad input', () => {
  it('keeps ordinary noise at ordinary z and does not move its level (the MAD of 2-4 values is no scale)', () => {
    const { b, z } = baseline(series(8 * DAY, daily));

    const large = [...z].filter((v) => Math.abs(v) > 6);

    expect(large).toEqual([]);
    expect(b.offset).toBe(0);
  });

  it.each([
    ['a one-point spike', 40],
    ['+Infinity', Infinity],
    ['-Infinity', -Infinity],
  ])('%s does not move the level offset', (_name, spike) => {
    const values = series(6 * DAY, daily);
    values[4 * DAY + 10] = Number.isFinite(spike) ? values[4 * DAY + 10] + spike : spike;

    const { b, z, e } = baseline(values);

    expect(b.offset).toBe(0);
    expect(Number.isFinite(e[values.length - 1])).toBe(true);
    expect(Math.abs(z[values.length - 1])).toBeLessThan(5);
  });

  it('an hourly run that re-feeds hours it has seen continues exactly like one unbroken run', () => {
    const values = series(6 * DAY, daily);
    const { z: whole } = baseline(values);

    const first = new SeasonalBaseline({ stepSeconds: STEP, seasonSeconds: 86_400 });
    first.update(values.subarray(0, 4 * DAY), 0);
    const resumed = SeasonalBaseline.deserialize(first.serialize());
    const from = 4 * DAY - 72; // 6 h of context the run has seen already
    const z = new Float64Array(values.length - from);
    resumed.update(values.subarray(from), from * STEP_MS, undefined, z);

    expect(z.subarray(72)).toEqual(whole.subarray(4 * DAY));
    expect([...z.subarray(0, 72)].every(Number.isNaN)).toBe(true);
  });

  it('refuses a state of another layout', () => {
    expect(() => SeasonalBaseline.deserialize(new Uint8Array(8 * 20))).toThrow(/rebuild/);
  });
});

describe('detectChangePoints on bad input', () => {
  const base = (i: number) => 100 + 0.5 * noise(i);

  it.each([
    ['a one-point spike', 10],
    ['+Infinity', Infinity],
    ['NaN', NaN],
  ])('%s is not a level shift', (_name, spike) => {
    const values = series(400, (i) => (i === 200 ? (Number.isFinite(spike) ? base(i) + spike : spike) : base(i)));

    expect(detectChangePoints(values)).toEqual([]);
  });

  it('reports a shift once, not again for the error of the level it measured after it', () => {
    const values = series(400, (i) => base(i) + (i >= 250 ? 5 : 0));

    const found = detectChangePoints(values);

    expect(found.map((c) => [c.index, c.direction])).toEqual([[250, 'up']]);
  });

  it('finds a shift in a series that starts with a gap longer than the reference', () => {
    const values = series(400, (i) => (i < 40 ? NaN : base(i) + (i >= 250 ? 5 : 0)));

    const found = detectChangePoints(values);

    expect(found).toHaveLength(1);
    expect(Math.abs(found[0].index - 250)).toBeLessThanOrEqual(1);
    expect(found[0].magnitude).toBeCloseTo(5, 0);
  });
});

describe('peer outliers on bad input', () => {
  it('an infinite value is no value: neither an outlier nor a peer', () => {
    const rows = Array.from({ length: 6 }, (_, r) => series(4, (t) => 100 + noise(10 * r + t)));
    rows[0][1] = Infinity;
    rows[1][2] = -Infinity;
    rows[2][2] = Infinity;
    rows[3][2] = Infinity;
    const groups = Array<string>(6).fill('v1|eu');

    const found = findPeerOutliers(rows, groups, 10);
    const stats = computePeerStats(rows, groups).groups.get('v1|eu')!;

    expect(found).toEqual([]);
    expect([...stats.count]).toEqual([6, 5, 3, 6]);
    expect(Number.isFinite(stats.median[2]) && Number.isFinite(stats.mad[2])).toBe(true);
  });
});

describe('LevelShiftTracker on bad input', () => {
  it.each([1, 8])('%i hours of ±Infinity are missing points: no shift of -Infinity, and the real shift is still found alone', (hours) => {
    const values = series(28 * DAY, (i) => (i >= 20 * DAY ? 50 : 100) + 2 * noise(i));
    values.fill(Infinity, 8 * DAY, 8 * DAY + 12 * hours);
    const tracker = new LevelShiftTracker(STEP_MS);

    const shifts = [];
    for (let i = 0; i < values.length; i++) {
      const s = tracker.push(i * STEP_MS, values[i]);
      if (s && Math.abs(s.magnitude) > 5) shifts.push(s);
    }

    expect(shifts.map((s) => [s.startMs / STEP_MS, s.direction])).toEqual([[20 * DAY, 'down']]);
    expect(shifts[0].magnitude).toBeCloseTo(-50, 0);
  });
});

describe('causal score on bad input', () => {
  it('a gap keeps the seasonal reference on the clock: the daily peak after it is no news', () => {
    // a daily batch peak at 02:00; one hour of missing data the day before
    const peak = (i: number) => 100 + 30 * Math.sin((2 * Math.PI * i) / DAY) + (i % DAY >= 24 && i % DAY < 30 ? 150 : 0) + 2 * noise(i);
    const whole = series(10 * DAY, peak);
    const gapped = whole.slice().fill(NaN, 7 * DAY + 100, 7 * DAY + 112);

    const max = (s: Float64Array) => Math.max(...s.subarray(8 * DAY, 9 * DAY));

    expect(max(causalScore(whole, { stepSeconds: STEP }))).toBeLessThan(0.5);
    expect(max(causalScore(gapped, { stepSeconds: STEP }))).toBeLessThan(0.5);
  });

  it.each([Number.MAX_VALUE, -Number.MAX_VALUE])('a value of %d scores in [0, 1], not NaN', (big) => {
    const values = series(2000, (i) => (i === 1000 ? big : noise(i)));

    const s = causalScore(values, { stepSeconds: STEP });

    expect([...s].filter((v) => !(v >= 0 && v <= 1))).toEqual([]);
    expect(s[1000]).toBe(1);
  });
});
