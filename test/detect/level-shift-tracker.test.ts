import { describe, expect, it } from 'vitest';
import { LevelShiftTracker, type LevelShift } from '../../src/detect/level-shift-tracker.js';

const STEP_MS = 300_000;
const HOUR = 3_600_000;
const DAY = 288;
const T0 = Date.UTC(2025, 5, 2); // a Monday
/** Offset of the weekly profile in toState(): 17 scalars, then 48 hourly means and 48 residuals. */
const PROFILE_AT = 17 + 2 * 48;

function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** A daily cycle, quieter weekends (days 5 and 6 of each week), noise, and a step of `shift` from point `at`. */
function series(points: number, at: number, shift: number, seed = 0): Float64Array {
  return Float64Array.from({ length: points }, (_, i) => {
    const weekend = Math.floor(i / DAY) % 7 >= 5 ? 0.78 : 1.04;
    return weekend * (100 + 30 * Math.sin((2 * Math.PI * i) / DAY)) + 2 * noise(i + seed) + (i >= at ? shift : 0);
  });
}

function run(values: Float64Array, splits: number[] = []): { shifts: LevelShift[]; state: Float64Array } {
  let tracker = new LevelShiftTracker(STEP_MS);
  const shifts: LevelShift[] = [];
  for (let i = 0; i < values.length; i++) {
    if (splits.includes(i)) tracker = LevelShiftTracker.fromState(tracker.toState());
    const s = tracker.push(T0 + i * STEP_MS, values[i]);
    if (s) shifts.push(s);
  }
  return { shifts, state: tracker.toState() };
}

describe('LevelShiftTracker', () => {
  it.each([
    { shift: -50, direction: 'down' },
    { shift: 40, direction: 'up' },
  ])('finds a step of $shift at its hour, with its size, and reports it once', ({ shift, direction }) => {
    const at = 8 * DAY + 11 * 12; // day 8, 11:00
    const { shifts } = run(series(10 * DAY, at, shift));

    expect(shifts.map((s) => s.direction)).toEqual([direction]);
    const [found] = shifts;
    expect(found.startMs).toBe(T0 + at * STEP_MS);
    expect(found.magnitude).toBeGreaterThan(Math.min(shift * 0.9, shift * 1.1));
    expect(found.magnitude).toBeLessThan(Math.max(shift * 0.9, shift * 1.1));
    // measured over 6 hours from the start of the CUSUM run (the step's hour or the one before)
    expect(found.confirmedMs).toBeGreaterThanOrEqual(found.startMs + 5 * HOUR - STEP_MS);
    expect(found.confirmedMs).toBeLessThanOrEqual(found.startMs + 6 * HOUR - STEP_MS);
    expect(found.levelBefore).toBeGreaterThan(60);
  });

  it('takes neither weekends nor the daily cycle for shifts, over three weeks and several seeds', () => {
    for (const seed of [0, 1_000, 2_000, 3_000]) {
      const { shifts } = run(series(21 * DAY, Infinity, 0, seed));
      expect(shifts.filter((s) => Math.abs(s.magnitude) > 2)).toEqual([]);
    }
  });

  it('reports a shift once: the week after it is not taken for a shift back', () => {
    const { shifts } = run(series(17 * DAY, 8 * DAY + 120, 35));

    expect(shifts.map((s) => [s.direction, (s.startMs - T0) / HOUR])).toEqual([['up', 8 * 24 + 10]]);
  });

  it('only learns during the first week: no hour of the week has a reference yet', () => {
    expect(run(series(7 * DAY, 3 * DAY, -50)).shifts).toEqual([]);
  });

  it('continues from a stored state exactly like one unbroken run, wherever the split falls', () => {
    const values = series(10 * DAY, 8 * DAY + 77, -40);
    const whole = run(values);

    for (const splits of [[1], [288, 289], [2016, 2017], [2380, 2381, 2400, 2403], [2410, 2415, 2420, 2600]]) {
      const split = run(values, splits);
      expect(split.shifts).toEqual(whole.shifts);
      expect(split.state).toEqual(whole.state);
    }
    expect(whole.shifts).toHaveLength(1);
  });

  it('skips missing points, keeps the profile over a gap of days and forgets it after weeks', () => {
    const values = series(9 * DAY, Infinity, 0);
    values.fill(NaN, 100, 110);
    const feed = (gapHours: number) => {
      const tracker = new LevelShiftTracker(STEP_MS);
      for (let i = 0; i < values.length; i++) tracker.push(T0 + i * STEP_MS, values[i]);
      tracker.push(T0 + values.length * STEP_MS + gapHours * HOUR, 100);
      return tracker.toState();
    };

    const days = feed(3 * 24);
    const weeks = feed(30 * 24);

    expect(days[10]).toBeNaN(); // the CUSUM's scale is relearned after any gap longer than 48 h
    expect(days.subarray(PROFILE_AT).every((x) => Number.isFinite(x))).toBe(true);
    expect(weeks.subarray(PROFILE_AT).every((x) => Number.isNaN(x))).toBe(true);
  });

  it('adopts a stored state without copying it and continues exactly like an unbroken run', () => {
    const values = series(10 * DAY, 8 * DAY + 120, -40);
    const whole = run(values);
    const cut = 8 * DAY + 100;
    const first = run(values.subarray(0, cut));
    const stored = first.state;
    const kept = stored.slice();
    LevelShiftTracker.fromState(stored).push(T0 + cut * STEP_MS, values[cut]);
    expect(stored).toEqual(kept); // fromState leaves its input alone
    const adopted = LevelShiftTracker.adopt(stored);
    const shifts: LevelShift[] = [...first.shifts];
    for (let i = cut; i < values.length; i++) {
      const s = adopted.push(T0 + i * STEP_MS, values[i]);
      if (s) shifts.push(s);
    }
    expect(shifts).toEqual(whole.shifts);
    expect(shifts).toHaveLength(1);
    expect(adopted.exportState()).toBe(stored);
    expect(stored).toEqual(whole.state);
  });

  it('refuses a state of another version or length with a clear message', () => {
    const state = new LevelShiftTracker(STEP_MS).toState();
    state[0] = 99;
    expect(() => LevelShiftTracker.fromState(state)).toThrow(/version 99.*rebuild baselines/);
    expect(() => LevelShiftTracker.fromState(new Float64Array(3))).toThrow(/rebuild baselines/);
  });
});
