import { describe, expect, it } from 'vitest';
import { causalScore, CausalScorer } from '../../src/detect/causal-score.js';

const STEP = 300;
const DAY = 86_400 / STEP;

/** Deterministic pseudo-noise in [-1, 1]. */
function noise(n: number, seed = 1): Float64Array {
  let s = seed;
  return Float64Array.from({ length: n }, () => ((s = (s * 1_103_515_245 + 12_345) % 2 ** 31) / 2 ** 30) - 1);
}

/** Four days of a daily cycle plus noise, at 5-minute steps. */
function seasonal(days = 4, seed = 3): Float64Array {
  const e = noise(days * DAY, seed);
  return e.map((v, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / DAY) + 2 * v);
}

function score(values: Float64Array): Float64Array {
  return causalScore(values, { stepSeconds: STEP });
}

describe('causalScore: record short means (shortRecordTol)', () => {
  /** Noise around 10; one-row spikes to 40 and -20 early on widen the value range; from row 2000 a 60-row ramp to a level 10 higher. */
  function rampAfterSpikes(): Float64Array {
    const e = noise(3000, 7);
    return e.map((v, i) => {
      if (i === 300 || i === 320) return 40;
      if (i === 310) return -20;
      return 10 + 2 * v + Math.min(1, Math.max(0, (i - 2000) / 60)) * 10;
    });
  }
  const firstAlarmFrom = (s: Float64Array, from: number) => s.findIndex((x, i) => i >= from && x >= 0.5);

  it('alarms as soon as the short mean climbs past every short mean seen, though the values stay inside their range', () => {
    const values = rampAfterSpikes();

    const withRecords = firstAlarmFrom(causalScore(values), 2000);
    const without = firstAlarmFrom(causalScore(values, { shortRecordTol: 0 }), 2000);

    // without: the new level is never news (its values and contexts were all seen before)
    expect(withRecords).toBeGreaterThan(2000);
    expect(withRecords).toBeLessThan(2060);
    expect(without).toBe(-1);
  });

  it('continues from a stored state exactly as an unbroken run, records included', () => {
    const values = rampAfterSpikes();
    const whole = causalScore(values);
    const first = new CausalScorer();
    const out = new Float64Array(values.length);
    first.scoreInto(values.subarray(0, 1990), out.subarray(0, 1990));
    CausalScorer.fromState(first.toState()).scoreInto(values.subarray(1990), out.subarray(1990));

    expect(out).toEqual(whole);
  });
});

describe('causalScore', () => {
  const base = seasonal();

  it.each([0, 1, 150, 700, 1000])('has no look-ahead: changing values after %i never changes score[0..i]', (i) => {
    const changed = base.map((v, j) => (j > i ? v * 3 + 50 : v));
    expect(score(changed).subarray(0, i + 1)).toEqual(score(base).subarray(0, i + 1));
  });

  it('stays in [0, 1] on wild input, and 0 through the warm-up', () => {
    const wild = noise(3000, 9).map((v, i) => (i % 97 === 0 ? 1e12 * v : v * 10 ** (i % 7)));
    const s = score(wild);
    expect(Math.min(...s)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...s)).toBeLessThanOrEqual(1);
    expect(Math.max(...s.subarray(0, 151))).toBe(0);
  });

  it('scores missing points 0 and ignores them, as if they were not there', () => {
    const withGaps = Float64Array.from([...base.subarray(0, 600), NaN, Infinity, NaN, ...base.subarray(600, 900)]);
    const s = score(withGaps);
    expect(Array.from(s.subarray(600, 603))).toEqual([0, 0, 0]);
    // without a seasonal ring the gap shifts nothing else: the rest equals the series without the gap
    const flat = causalScore(withGaps, { stepSeconds: 0 });
    const noGap = causalScore(base.subarray(0, 900), { stepSeconds: 0 });
    expect(Array.from(flat.subarray(603))).toEqual(Array.from(noGap.subarray(600)));
  });

  it.each([
    ['a spike', (v: number, i: number) => v + (i === 1000 ? 60 : 0)],
    ['a level shift', (v: number, i: number) => v + (i >= 1000 ? 40 : 0)],
    ['a dip', (v: number, i: number) => v - (i >= 1000 && i < 1012 ? 35 : 0)],
  ])('scores %s high at its onset after warm-up', (_name, change) => {
    const s = score(base.map(change));
    expect(Math.max(...s.subarray(1000, 1003))).toBeGreaterThan(0.8);
  });

  it('alarms on a pattern never seen before even inside the usual range', () => {
    // a square wave between 0 and 10 that stops half-way: no value leaves the range, the context is new
    const square = noise(1200, 5).map((v, i) => (i < 1000 ? (Math.floor(i / 6) % 2) * 10 : 5) + 0.1 * v);
    const s = causalScore(square, { stepSeconds: 0 });
    expect(Math.max(...s.subarray(1000, 1003))).toBeGreaterThanOrEqual(0.5);
    expect(Math.max(...s.subarray(400, 1000))).toBeLessThan(0.5);
  });

  it.each([
    [0, true],
    [100, true],
    [2_000, false],
  ])('counts a new context only after %i rows without one (alarm: %s)', (noveltyQuietRows, alarms) => {
    // the same square wave: its last new context came during the warm-up, ~1000 rows before the change
    const square = noise(1200, 5).map((v, i) => (i < 1000 ? (Math.floor(i / 6) % 2) * 10 : 5) + 0.1 * v);
    const s = causalScore(square, { stepSeconds: 0, noveltyQuietRows });
    expect(Math.max(...s.subarray(1000, 1003)) >= 0.5).toBe(alarms);
  });

  it.each([
    [10.2, 0.03, false],
    [10.5, 0.03, true],
    [11, 0.03, true],
    [11, 0, false],
  ])('scores a record high of %s (tolerance %s of the range 0..10) as an alarm: %s', (high, spatialTolerance, alarms) => {
    // a square wave between 0 and 10: a step just above its top is small next to its usual steps
    const square = noise(1200, 5).map((v, i) => (i === 1000 ? high : (Math.floor(i / 6) % 2) * 10 + 0.1 * v));
    const s = causalScore(square, { stepSeconds: 0, spatialTolerance });
    expect(s[1000] >= 0.5).toBe(alarms);
  });

  it.each([1, 9, 4.5])('refuses %s context levels with a clear message', (contextLevels) => {
    expect(() => new CausalScorer({ contextLevels })).toThrow(`CausalScorer contextLevels must be an integer in 2..8, got ${contextLevels}`);
  });

  it.each([
    ['valueQuantile', { valueQuantile: 1 }, 1],
    ['calibQuantile', { calibQuantile: 0 }, 0],
  ])('refuses a %s outside (0, 1) with a clear message', (_name, params, q) => {
    expect(() => new CausalScorer(params)).toThrow(`CausalScorer calibration quantiles must lie in (0, 1), got ${q}`);
  });

  it.each([['youthBoost', -0.1], ['youthRows', NaN], ['youthRows', Infinity]] as const)('refuses %s %s with a clear message', (key, value) => {
    expect(() => new CausalScorer({ [key]: value })).toThrow(`CausalScorer ${key} must be a finite number ≥ 0, got ${value}`);
  });

  it('asks more of a young series: the same jump scores lower early on, and as much once thousands of rows are known', () => {
    // noise in [9, 11], then one row at 12
    const jumpAt = (row: number, youthBoost: number) => {
      const values = noise(row + 1, 5).map((v, i) => (i === row ? 12 : 10 + v));
      return causalScore(values, { stepSeconds: 0, youthBoost })[row];
    };
    expect(jumpAt(450, 0.3)).toBeLessThan(jumpAt(450, 0) - 0.02);
    expect(Math.abs(jumpAt(12_000, 0.3) - jumpAt(12_000, 0))).toBeLessThan(0.005);
  });

  it('keeps pure seasonal noise below the fleet scan threshold', () => {
    const s = score(seasonal(6, 11));
    expect(Math.max(...s)).toBeLessThan(0.75);
  });

  it('raises one alarm per event: no point within refractoryRows after a spike reaches the alarm level', () => {
    const s = score(base.map((v, i) => v + (i >= 1000 && i < 1005 ? 60 : 0)));
    expect(s[1000]).toBeGreaterThan(0.8);
    expect(Math.max(...s.subarray(1001, 1031))).toBeLessThan(0.5);
  });

  it.each([[0.5, 1], [0, 0]])('holds an alarm raised by a jump alone one row, and lets it stand when the new level persists (holdFrac %s: alarm at onset + %i)', (holdFrac, delay) => {
    // a slow cycle over [10, 90]: jumping 45 up from near 22 makes a first difference never seen, to a value seen often
    const cycle = Float64Array.from({ length: 2000 }, (_, i) => 50 + 40 * Math.sin((2 * Math.PI * i) / 400) + 0.3 * Math.sin(i * 1.7));
    let onset = 1200;
    while (Math.abs(cycle[onset] - 22) > 1.5) onset++;
    const s = causalScore(cycle.map((v, i) => (i >= onset ? v + 45 : v)), { holdFrac });
    const first = s.findIndex((v, i) => i >= onset - 5 && v >= 0.5);
    expect(first).toBe(onset + delay);
    expect(s[first]).toBeGreaterThan(0.9);
    if (delay) expect(s[onset]).toBeCloseTo(0.49, 6);
  });

  it('lets an outage through the refractory rows of a marginal alarm', () => {
    const values = base.map((v, i) => v + (i === 1000 ? 11 : 0) + (i >= 1010 && i < 1030 ? 200 : 0));
    const s = score(values);
    const marginal = s[1000];
    expect(marginal).toBeGreaterThanOrEqual(0.5);
    expect(marginal).toBeLessThan(0.7);
    expect(s[1010]).toBeGreaterThan(0.9);
  });
});

describe('CausalScorer state', () => {
  const values = seasonal(5, 4).map((v, i) => v + (i === 1100 ? 50 : 0) + (i > 1300 ? 25 : 0));
  const whole = score(values);

  it.each([1, 2, 151, 288, 577, 1100, 1301, values.length - 1])('continues exactly like an unbroken run when split at %i', (cut) => {
    const first = new CausalScorer({ stepSeconds: STEP });
    const out = new Float64Array(values.length);
    first.scoreInto(values.subarray(0, cut), out.subarray(0, cut));
    const resumed = CausalScorer.fromState(first.toState());
    resumed.scoreInto(values.subarray(cut), out.subarray(cut));
    expect(Array.from(out)).toEqual(Array.from(whole));
  });

  it('scoreInto with levels gives the scores of push() and the level each value was scored against', () => {
    const values = seasonal(3, 5);
    values.fill(NaN, 300, 310);
    values[500] = 400;
    const one = new CausalScorer({ stepSeconds: STEP });
    const expectedLevels = new Float64Array(values.length);
    const expectedScores = values.map((x, i) => { expectedLevels[i] = one.level; return one.push(x); });
    const scores = new Float64Array(values.length);
    const levels = new Float64Array(values.length);
    const all = new CausalScorer({ stepSeconds: STEP });
    all.scoreInto(values, scores, levels);
    expect(scores).toEqual(expectedScores);
    expect(levels).toEqual(expectedLevels);
    expect(Math.max(...scores)).toBeGreaterThanOrEqual(0.5);
    expect(all.toState()).toEqual(one.toState());
  });

  it('adopts a stored state as its storage: no copy, the same scores, and exportState is that array brought up to date', () => {
    const cut = 1100;
    const first = new CausalScorer({ stepSeconds: STEP });
    const out = new Float64Array(values.length);
    first.scoreInto(values.subarray(0, cut), out.subarray(0, cut));
    const stored = first.toState();
    const kept = stored.slice();
    const copied = CausalScorer.fromState(stored);
    copied.scoreInto(values.subarray(cut, cut + 10), new Float64Array(10));
    expect(stored).toEqual(kept); // fromState leaves its input alone

    const adopted = CausalScorer.adopt(stored);
    adopted.scoreInto(values.subarray(cut), out.subarray(cut));
    expect(Array.from(out)).toEqual(Array.from(whole));
    expect(stored).not.toEqual(kept); // ran in place
    const exported = adopted.exportState();
    expect(exported).toBe(stored);
    const unbroken = new CausalScorer({ stepSeconds: STEP });
    unbroken.scoreInto(values, new Float64Array(values.length));
    expect(exported).toEqual(unbroken.toState());
    expect(unbroken.toState()).not.toBe(unbroken.toState()); // toState is a snapshot
  });

  it.each([
    // the left discord's ring, windows and calibration: 206 entries of each (it was 610 and 323 without);
    // the slow view's calibration, scalars and params: 75
    ['5-minute', 300, 900],
    ['1-minute (the largest daily ring)', 60, 2_052],
    ['15-second (no daily ring)', 15, 615],
  ])('keeps the state of a %s series within %i entries however long it runs', (_name, stepSeconds, bound) => {
    const scorer = new CausalScorer({ stepSeconds });
    const before = scorer.toState().length;
    scorer.scoreInto(values, new Float64Array(values.length));
    expect(scorer.toState().length).toBe(before);
    expect(before).toBeLessThanOrEqual(bound);
  });

  it.each([
    ['an older version', (s: Float64Array) => { s[0] = 1; }, /state version 1 is not 10; rebuild baselines/],
    ['a truncated array', (s: Float64Array) => s.subarray(0, s.length - 3), /expected \d+; rebuild baselines/],
  ])('refuses %s with a clear message', (_name, damage, message) => {
    const state = new CausalScorer({ stepSeconds: STEP }).toState();
    expect(CausalScorer.isCurrentState(state)).toBe(true);
    const damaged = damage(state) ?? state;
    expect(CausalScorer.isCurrentState(damaged)).toBe(false); // the scan rebuilds such a series instead of failing
    expect(() => CausalScorer.fromState(damaged)).toThrow(message);
  });
});

describe('causalScore: a series\' own history of alarms (smallSpikeMin, noveltyBudget)', () => {
  /** A wide slow wave (40 either side of 50), so jumps of a few units are news only as differences; seven one-row jumps of 30, then jumps of 5, 6, 7 and 25. */
  function spiky(): { values: Float64Array; later: number[] } {
    const spikes = new Map<number, number>();
    for (let k = 0; k < 7; k++) spikes.set(1000 + 900 * k, 30);
    const later = [[8000, 5], [8900, 6], [9800, 7], [10700, 25]];
    for (const [at, h] of later) spikes.set(at, h);
    const e = noise(11_000, 9);
    return { values: e.map((v, i) => 50 + 40 * Math.sin((2 * Math.PI * i) / 500) + 0.5 * v + (spikes.get(i) ?? 0)), later: later.map(([at]) => at) };
  }
  /** A square wave between 0 and 10; from each episode start, 30 rows at 5 (a context never seen, in range). */
  function squareWithBreaks(episodes: number[], n: number): Float64Array {
    return noise(n, 5).map((v, i) => (episodes.some((s) => i >= s && i < s + 30) ? 5 : (Math.floor(i / 6) % 2) * 10) + 0.1 * v);
  }
  const alarmNear = (s: Float64Array, at: number) => Math.max(...s.subarray(at, at + 35)) >= 0.5;

  it('lets lesser jumps through no more once the series has shown its jumps: under half its largest, after six', () => {
    const { values, later } = spiky();

    const withRule = causalScore(values, { stepSeconds: 0 });
    const without = causalScore(values, { stepSeconds: 0, smallSpikeMin: 0 });

    // jumps of 5 and 6 (under half of 30) alarm only without the rule; 7 is strong enough either way, 25 is not lesser
    expect(later.map((at) => alarmNear(without, at))).toEqual([true, true, true, true]);
    expect(later.map((at) => alarmNear(withRule, at))).toEqual([false, false, true, true]);
    expect(withRule[10_701]).toBe(without[10_701]);
    // the first seven are news in both
    expect(withRule.subarray(0, 7000)).toEqual(without.subarray(0, 7000));
  });

  it('drops a third new context within its horizon, and news of one comes back once the count has decayed', () => {
    const episodes = [1000, 2500, 4000, 20_000];
    const values = squareWithBreaks(episodes, 20_500);

    const withBudget = causalScore(values, { stepSeconds: 0 });
    const without = causalScore(values, { stepSeconds: 0, noveltyBudget: 0 });

    expect(episodes.map((at) => alarmNear(without, at))).toEqual([true, true, true, true]);
    // 1.5 novelties within ~10,000 rows: the third is no news; 16,000 rows later the count has decayed
    expect(episodes.map((at) => alarmNear(withBudget, at))).toEqual([true, true, false, true]);
  });

  it.each([
    ['jumps', () => spiky().values, 7_500],
    ['new contexts', () => squareWithBreaks([1000, 2500, 4000, 20_000], 20_500), 3_000],
  ])('continues the counts of %s from a stored state exactly', (_name, make, cut) => {
    const values = make();
    const whole = causalScore(values, { stepSeconds: 0 });
    const first = new CausalScorer({ stepSeconds: 0 });
    const out = new Float64Array(values.length);
    first.scoreInto(values.subarray(0, cut), out.subarray(0, cut));
    CausalScorer.fromState(first.toState()).scoreInto(values.subarray(cut), out.subarray(cut));

    expect(out).toEqual(whole);
  });
});

describe('causalScore: the slow view of a count series (slowSpan)', () => {
  /** Poisson counts (inverse CDF of the pseudo-noise): 4 per step, from row 3000 for 800 rows `lift` times as many. */
  function counts(lift: number, seed = 7): Float64Array {
    return noise(4000, seed).map((u, i) => {
      const lambda = 4 * (i >= 3000 && i < 3800 ? lift : 1);
      let k = 0, p = Math.exp(-lambda), c = p;
      while ((u + 1) / 2 > c) { k++; p *= lambda / k; c += p; }
      return k;
    });
  }
  const alarmsIn = (s: Float64Array, from: number, to: number) => s.subarray(from, to).filter((x) => x >= 0.5).length;

  it('alarms on a quarter more events per step for hours, which no row, step or short mean shows', () => {
    const values = counts(1.25);
    expect(alarmsIn(causalScore(values, { stepSeconds: STEP }), 3000, 3200)).toBeGreaterThan(0);
    expect(alarmsIn(causalScore(values, { stepSeconds: STEP, slowSpan: 0 }), 3000, 3800)).toBe(0);
  });

  it('is left for good once a value is no count (the scores are those without it)', () => {
    const values = counts(1.25);
    values[100] = 2.5;
    expect(causalScore(values, { stepSeconds: STEP })).toEqual(causalScore(values, { stepSeconds: STEP, slowSpan: 0 }));
  });

  it.each([1, 2, 1999, 2001, 3100, 3999])('continues exactly like an unbroken run when split at %i', (cut) => {
    const values = counts(1.25);
    values.fill(NaN, 2500, 2510);
    const whole = causalScore(values, { stepSeconds: STEP });
    const first = new CausalScorer({ stepSeconds: STEP });
    const out = new Float64Array(values.length);
    first.scoreInto(values.subarray(0, cut), out.subarray(0, cut));
    CausalScorer.fromState(first.toState()).scoreInto(values.subarray(cut), out.subarray(cut));
    expect(Array.from(out)).toEqual(Array.from(whole));
  });

  it('gives push() the scores of scoreInto, levels or not', () => {
    const values = counts(1.25);
    const one = new CausalScorer({ stepSeconds: STEP });
    const pushed = values.map((x) => one.push(x));
    const scores = new Float64Array(values.length);
    const all = new CausalScorer({ stepSeconds: STEP });
    all.scoreInto(values, scores, new Float64Array(values.length));
    expect(scores).toEqual(pushed);
    expect(all.toState()).toEqual(one.toState());
  });
});
