import { describe, expect, it } from 'vitest';
import { DipTracker, type TrackedDip } from '../../src/detect/dip-tracker.js';
import { detectDips } from '../../src/detect/dips.js';

const STEP = 300;
const STEP_MS = STEP * 1000;
const HOUR = 12;
const DAY = 288;
const SLO = 0.999;

/** Deterministic noise in [0, 1). */
const noise = (i: number) => { const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453; return x - Math.floor(x); };

/** Healthy (0.9998 ± noise) with the given stretches at a lower availability. */
function availability(points: number, dips: [from: number, to: number, level: number][], gaps: [number, number][] = []): Float64Array {
  const a = Float64Array.from({ length: points }, (_, i) => 1 - 0.0002 * (1 + noise(i)));
  for (const [from, to, level] of dips) a.fill(level, from, to);
  for (const [from, to] of gaps) a.fill(NaN, from, to);
  return a;
}

/** Feeds points [from, to) and collects what ends (and, at the end, what is open). */
function feed(t: DipTracker, a: Float64Array, from: number, to: number): { ended: TrackedDip[]; open?: TrackedDip } {
  const ended: TrackedDip[] = [];
  for (let i = from; i < to; i++) {
    const d = t.push(i * STEP_MS, a[i]);
    if (d) ended.push(d);
  }
  return { ended, open: t.open() };
}

describe('DipTracker', () => {
  it('fed an hour at a time through stored states, reports exactly what one unbroken run reports', () => {
    // a page (1 h at 0.9), a ticket (2 days at 0.998), a shallow blip, gaps in and out of dips
    const a = availability(10 * DAY, [[300, 312, 0.9], [4 * DAY, 6 * DAY, 0.998], [7 * DAY, 7 * DAY + 3, 0.9985], [8 * DAY + 5, 8 * DAY + 30, 0.95]], [[4 * DAY + 100, 4 * DAY + 140], [8 * DAY + 10, 8 * DAY + 14]]);
    const whole = feed(new DipTracker({ stepSeconds: STEP, slo: SLO }), a, 0, a.length);

    const byStart = new Map<number, TrackedDip>();
    let state: Float64Array | undefined;
    for (let from = 0; from < a.length; from += HOUR) {
      const t = state ? DipTracker.adopt(state.slice(), { stepSeconds: STEP, slo: SLO })! : new DipTracker({ stepSeconds: STEP, slo: SLO });
      // each run re-feeds 6 h of points it has seen (ignored) before its new hour
      const run = feed(t, a, Math.max(0, from - 6 * HOUR), Math.min(a.length, from + HOUR));
      for (const d of [...run.ended, ...(run.open ? [run.open] : [])]) byStart.set(d.startMs, d);
      state = t.exportState();
    }

    expect(whole.open).toBeUndefined();
    expect(whole.ended.map((d) => [d.startMs / STEP_MS, d.severity])).toEqual([[300, 'page'], [4 * DAY, 'ticket'], [8 * DAY + 5, 'page']]);
    expect([...byStart.values()]).toEqual(whole.ended);
  });

  it('judges the 3-day ticket rule over three days of history, not over the hours fed in this run', () => {
    // 7 h at 0.9985: a burn rate of 1.5 over those hours, ~0.3 over the 3 days before their end
    const a = availability(5 * DAY, [[4 * DAY, 4 * DAY + 7 * HOUR, 0.9985]]);
    const t = new DipTracker({ stepSeconds: STEP, slo: SLO });
    feed(t, a, 0, 4 * DAY);
    const resumed = DipTracker.adopt(t.exportState().slice(), { stepSeconds: STEP, slo: SLO })!;

    const run = feed(resumed, a, 4 * DAY - 6 * HOUR, 5 * DAY);
    // the hourly run ending with the dip fetched 7 h 05: judged over those points alone (as the scan
    // did before the tracker's state was stored), the same dip was a ticket
    const fetchedOnly = feed(new DipTracker({ stepSeconds: STEP, slo: SLO }), a, 4 * DAY - 1, 5 * DAY);

    expect(run.ended).toEqual([]);
    expect(fetchedOnly.ended.map((d) => d.severity)).toEqual(['ticket']);
  });

  it('rounds the 3-day window to whole hours: a burn just over budget for 3 days is a ticket, just under is not', () => {
    // error ratio over the 3 days before the dip's end: 1.05 and 0.95 budgets
    for (const [level, expected] of [[1 - 0.00105, ['ticket']], [1 - 0.00095, []]] as const) {
      const a = new Float64Array(4 * DAY).fill(level);
      const { ended, open } = feed(new DipTracker({ stepSeconds: STEP, slo: SLO }), a, 0, a.length);
      expect([...ended, ...(open ? [open] : [])].map((d) => d.severity)).toEqual(expected);
    }
  });

  it('ends the open dip at a gap longer than every window and forgets the history before it', () => {
    const t = new DipTracker({ stepSeconds: STEP, slo: SLO });
    const a = availability(DAY, [[100, 130, 0.9]]);
    const before = feed(t, a, 0, 130);
    expect(before.open?.severity).toBe('page');

    // 5 days later, still below the SLO: the dip before the gap ends there, and a new one opens
    const after = t.push((130 + 5 * DAY) * STEP_MS, 0.9985);

    expect(after).toMatchObject({ startMs: 100 * STEP_MS, endMs: 129 * STEP_MS, severity: 'page' });
    // judged on the one point after the gap: a burn rate of 1.5, a ticket, not the page before it
    expect(t.open()).toMatchObject({ startMs: (130 + 5 * DAY) * STEP_MS, severity: 'ticket', peakBurnRate: expect.closeTo(1.5, 9) });
  });

  it('counts missing steps between two points as gaps, not as healthy points', () => {
    const t = new DipTracker({ stepSeconds: STEP, slo: SLO });
    t.push(0, 0.9);
    // 2 h later: 23 missing steps; the 1-hour window holds only this point
    t.push(24 * STEP_MS, 0.9);
    expect(t.open()).toMatchObject({ startMs: 0, endMs: 24 * STEP_MS, severity: 'page' });
    expect(t.open()!.budgetBurnedFraction).toBeCloseTo((2 * 0.1 * STEP) / (30 * 86_400 * 0.001), 12);
  });

  it('ignores points at or before the last one fed (a rerun over seen points changes nothing)', () => {
    const a = availability(2 * DAY, [[200, 220, 0.9]]);
    const t = new DipTracker({ stepSeconds: STEP, slo: SLO });
    feed(t, a, 0, a.length);
    const before = t.exportState().slice();
    const again = feed(t, a, 0, a.length);
    expect(again.ended).toEqual([]);
    expect(t.exportState()).toEqual(before);
  });

  it('treats a value that is not finite (a ratio over zero requests) as a gap, not as an infinite burn', () => {
    const a = availability(5 * DAY, [[4 * DAY, 4 * DAY + 6 * HOUR, 0.9975]]);
    const clean = feed(new DipTracker({ stepSeconds: STEP, slo: SLO }), a, 0, a.length);
    const withInf = Float64Array.from(a);
    withInf[3 * DAY] = -Infinity;
    withInf[3 * DAY + 1] = Infinity;

    const dirty = feed(new DipTracker({ stepSeconds: STEP, slo: SLO }), withInf, 0, a.length);

    expect(dirty).toEqual(clean);
    expect(clean.ended.every((d) => Number.isFinite(d.peakBurnRate) && Number.isFinite(d.budgetBurnedFraction))).toBe(true);
  });

  it('refuses a stored state for another step, and a state of another layout', () => {
    const t = new DipTracker({ stepSeconds: STEP, slo: SLO });
    t.push(0, 1);
    expect(DipTracker.adopt(t.exportState().slice(), { stepSeconds: 60, slo: SLO })).toBeUndefined();
    expect(DipTracker.adopt(new Float64Array(40), { stepSeconds: STEP, slo: SLO })).toBeUndefined();
    expect(DipTracker.adopt(t.exportState().slice(), { stepSeconds: STEP, slo: 0.99 })?.lastMs).toBe(0);
    expect(() => new DipTracker({ stepSeconds: STEP, slo: 1 })).toThrow(/slo must be in \(0, 1\)/);
  });

  it('pushSeries reports the dips and leaves the state that push() point by point does, gaps and ±Inf included', () => {
    const a = availability(5 * DAY, [[100, 112, 0.9], [2 * DAY, 4 * DAY, 0.998], [4 * DAY + 50, 4 * DAY + 60, 0.95]], [[2 * DAY + 30, 2 * DAY + 40]]);
    a[2 * DAY + 5] = -Infinity;
    a[4 * DAY + 55] = Infinity;
    const one = new DipTracker({ stepSeconds: STEP, slo: SLO });
    const byPoint = feed(one, a, 0, a.length);
    const all = new DipTracker({ stepSeconds: STEP, slo: SLO });
    const ended: TrackedDip[] = [];
    all.pushSeries(a, 0, (d) => ended.push(d));
    expect(byPoint.ended.map((d) => d.severity)).toEqual(['page', 'ticket', 'page']);
    expect(ended).toEqual(byPoint.ended);
    expect(all.open()).toEqual(byPoint.open);
    expect(all.exportState()).toEqual(one.exportState());
  });

  it('detectDips over a whole array gives the tracker\'s dips with their indices', () => {
    const a = availability(3 * DAY, [[100, 112, 0.9], [400, 403, 0.9995]]);
    const dips = detectDips(a, { stepSeconds: STEP, slo: SLO, startMs: 1_000 });
    expect(dips.map((d) => [d.startIndex, d.endIndex, d.startMs, d.endMs, d.severity])).toEqual([[100, 111, 1_000 + 100 * STEP_MS, 1_000 + 111 * STEP_MS, 'page']]);
  });
});
