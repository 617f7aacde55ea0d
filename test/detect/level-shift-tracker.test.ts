import { describe, expect, it } from 'vitest';
import { LevelShiftTracker, type LevelShift } from '../../src/detect/level-shift-tracker.js';

const STEP_MS = 300_000;
const HOUR = 3_600_000;
const T0 = Date.UTC(2025, 5, 1);

function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

/** Three days at 5 min: a daily cycle, noise, and a step of `shift` from point `at`. */
function series(points: number, at: number, shift: number): Float64Array {
  return Float64Array.from({ length: points }, (_, i) => 100 + 30 * Math.sin((2 * Math.PI * i) / 288) + 2 * noise(i) + (i >= at ? shift : 0));
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
    const values = series(3 * 288, 420, shift); // 420 × 5 min = hour 35

    const { shifts } = run(values);

    const matching = shifts.filter((s) => s.direction === direction);
    expect(matching).toHaveLength(1);
    expect(matching[0].startMs).toBe(T0 + 35 * HOUR);
    expect(matching[0].magnitude).toBeGreaterThan(Math.min(shift * 0.9, shift * 1.1));
    expect(matching[0].magnitude).toBeLessThan(Math.max(shift * 0.9, shift * 1.1));
    // measured over 6 hours from the start of the CUSUM run (the step's hour or the one before)
    expect(matching[0].confirmedMs).toBeGreaterThanOrEqual(T0 + 40 * HOUR - STEP_MS);
    expect(matching[0].confirmedMs).toBeLessThanOrEqual(T0 + 41 * HOUR - STEP_MS);
    expect(matching[0].levelBefore).toBeGreaterThan(60);
  });

  it('reports nothing on a daily cycle with noise', () => {
    expect(run(series(5 * 288, Infinity, 0)).shifts).toEqual([]);
  });

  it('continues from a stored state exactly like one unbroken run, wherever the split falls', () => {
    const values = series(3 * 288, 500, -40);
    const whole = run(values);

    for (const splits of [[1], [288, 289], [419, 431, 500, 503], [510, 515, 520, 700]]) {
      const split = run(values, splits);
      expect(split.shifts).toEqual(whole.shifts);
      expect(split.state).toEqual(whole.state);
    }
    expect(whole.shifts.length).toBeGreaterThan(0);
  });

  it('reports a shift once: the day after it is not taken for a shift back', () => {
    const values = series(6 * 288, 600, 35);

    const { shifts } = run(values);

    expect(shifts.map((s) => [s.direction, (s.startMs - T0) / HOUR])).toEqual([['up', 50]]);
  });

  it('reports nothing on seasonal noise over ten days across seeds', () => {
    for (const phase of [0, 1, 2, 3]) {
      const values = Float64Array.from({ length: 10 * 288 }, (_, i) => 100 + 20 * Math.sin((2 * Math.PI * i) / 288 + phase) + 3 * noise(i + 10_000 * phase));
      expect(run(values).shifts.filter((s) => Math.abs(s.magnitude) > 2)).toEqual([]);
    }
  });

  it('skips missing points and starts over after a gap longer than its memory', () => {
    const values = series(3 * 288, 420, -50);
    values.fill(NaN, 100, 110);
    const tracker = new LevelShiftTracker(STEP_MS);
    for (let i = 0; i < values.length; i++) tracker.push(T0 + i * STEP_MS, values[i]);
    const later = T0 + 30 * 24 * HOUR;

    const after = tracker.push(later, 500);
    const restarted = LevelShiftTracker.fromState(tracker.toState());

    expect(after).toBeUndefined();
    expect(restarted.toState()[10]).toBeNaN(); // no scale: it must be relearned
  });

  it('refuses a state of another version or length with a clear message', () => {
    const state = new LevelShiftTracker(STEP_MS).toState();
    state[0] = 99;
    expect(() => LevelShiftTracker.fromState(state)).toThrow(/version 99.*rebuild baselines/);
    expect(() => LevelShiftTracker.fromState(new Float64Array(3))).toThrow(/rebuild baselines/);
  });
});
