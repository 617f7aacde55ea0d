import { describe, expect, it } from 'vitest';
import { evaluateScanQuality } from '../../bench/scan/quality.js';

// Seeds outside the 11..20 set reported by bench/scan-quality.ts; thresholds are modest on purpose.
describe('fleet scan quality on simulated fleets nobody tuned to', () => {
  it.each([21, 22])('seed %i: finds the incidents, few false alarms, no confounder as critical', async (seed) => {
    const r = await evaluateScanQuality({ seed, clusters: 200, days: 3 });

    expect(r.incidents).toBeGreaterThan(0);
    expect(r.found / r.incidents).toBeGreaterThanOrEqual(0.75);
    expect(r.falseAlarmsPerClusterDay).toBeLessThanOrEqual(0.02);
    expect(r.confounderCriticals).toBe(0);
  }, 120_000);
});
