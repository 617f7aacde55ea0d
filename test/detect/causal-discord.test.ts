import { describe, expect, it } from 'vitest';
import { causalScore, CausalScorer } from '../../src/detect/causal-score.js';

/** A sine of period 96 rows (1-minute step) that slows to period 240 at row CHANGE: same range, smaller steps. */
const N = 9000, CHANGE = 6000;
const wave = (() => {
  const v = new Float64Array(N);
  let seed = 7, phase = 0;
  for (let i = 0; i < N; i++) {
    seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
    phase += (2 * Math.PI) / (i < CHANGE ? 96 : 240);
    v[i] = 100 + 10 * Math.sin(phase) + (seed / 2 ** 31 - 0.5);
  }
  return v;
})();
const alarms = (a: Float64Array, from: number, to: number) => Array.from(a.subarray(from, to)).flatMap((s, i) => (s >= 0.5 ? [from + i] : []));

describe('the causal score\'s left discord', () => {
  it('alarms on a shape not seen lately (a wave that slows, within its range), and on nothing else', () => {
    const on = causalScore(wave, { stepSeconds: 60 });
    const off = causalScore(wave, { stepSeconds: 60, discordBlock: 0 });

    // before the change both alarm alike: the steady wave is no news to it
    expect(alarms(on, 0, CHANGE)).toEqual(alarms(off, 0, CHANGE));
    // after it, alarms at block ends (every 24 rows, counted from the third row) the other features do not raise
    const added = alarms(on, CHANGE, CHANGE + 200).filter((i) => !alarms(off, CHANGE, CHANGE + 200).includes(i));
    expect(added.length).toBeGreaterThanOrEqual(2);
    for (const i of added) expect((i - 1) % 24).toBe(0);
  });

  it('continues exactly from a stored state (cut mid-block, after it scores) and in push() as in scoreInto()', () => {
    const whole = causalScore(wave, { stepSeconds: 60 });
    for (const cut of [7013, 7200]) {
      const first = new CausalScorer({ stepSeconds: 60 });
      first.scoreInto(wave.subarray(0, cut), new Float64Array(cut));
      const resumed = CausalScorer.fromState(first.toState());
      const rest = new Float64Array(N - cut);
      resumed.scoreInto(wave.subarray(cut), rest);
      expect(Array.from(rest)).toEqual(Array.from(whole.subarray(cut)));
    }
    const pushed = new CausalScorer({ stepSeconds: 60 });
    expect(Array.from(wave, (x) => pushed.push(x))).toEqual(Array.from(whole));
  });
});
