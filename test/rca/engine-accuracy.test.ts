import { describe, expect, it } from 'vitest';
import { runRcaAccuracy, summarise } from '../../bench/rca-accuracy.js';

describe('RCA accuracy on the simulated fleet (scan → correlate → evidence → analyse)', () => {
  it('puts the true root cause on top for ≥ 90% of groups, makes one group per bad rollout and blames no confounder', async () => {
    const reports = await runRcaAccuracy([101, 102], 200, 3, true);

    const s = summarise(reports);

    expect(s.groups).toBeGreaterThanOrEqual(10);
    expect(s.accuracy).toBeGreaterThanOrEqual(0.9);
    expect(s.rolloutsAsOneGroup).toBe(true);
    expect(s.confounderGroups).toBe(0);
    expect(s.confounderBlamed).toBe(0);
  }, 300_000);
});
