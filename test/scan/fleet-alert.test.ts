import { describe, expect, it } from 'vitest';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { fleetAlertKey, fleetAlertMessage, fleetWideGroups } from '../../src/scan/fleet-alert.js';

const T0 = Date.UTC(2026, 10, 30, 4, 25);

function dip(cluster: string, minAvailability: number, startMs = T0): AnomalyRow {
  return {
    id: `${cluster}-${startMs}`, runId: 'r', cluster, component: 'coredns', signal: 'availability', kind: 'dip', severity: 'critical',
    startMs, endMs: startMs + 3_600_000, score: 1, details: { slo: 0.999, minAvailability, budgetBurnedFraction: 0.05, peakBurnRate: 30 },
  };
}

describe('fleet-wide alert', () => {
  it('counts each cluster once, starts at the earliest finding and names the worst dip with its SLO', () => {
    const rows = [dip('c-1', 0.97), dip('c-2', 0.95, T0 - 7_200_000), dip('c-1', 0.9), dip('c-3', 0.99)];

    const [g] = fleetWideGroups(rows, 3);
    const msg = fleetAlertMessage(g, 'fleet-alerts');

    expect(g.clusters).toEqual(['c-1', 'c-2', 'c-3']);
    expect(msg.text).toBe('Fleet-wide: 3 clusters coredns availability below SLO since 2026-11-30 02:00 UTC');
    expect(JSON.stringify(msg.blocks)).toContain('*Worst:* c-1 at 90.00% (SLO 99.90%)');
    // the key keeps its ISO form: messages posted before this wording are still found and edited
    expect(msg.idempotencyKey).toBe('scan-alert:dip:coredns:availability:2026-11-30T02:00:00.000Z');
    expect(fleetAlertKey(g)).toBe(msg.idempotencyKey);
  });

  it('a group under the minimum is no alert; a missing-data group has no worst line', () => {
    const silent = (cluster: string): AnomalyRow => ({ ...dip(cluster, 0), kind: 'missing-data', details: {} });

    expect(fleetWideGroups([dip('c-1', 0.9), dip('c-2', 0.9)], 3)).toEqual([]);
    const [g] = fleetWideGroups([silent('a'), silent('b'), silent('c')], 3);
    const msg = fleetAlertMessage(g, 'fleet-alerts');
    expect(msg.text).toMatch(/^Fleet-wide: 3 clusters stopped reporting since /);
    expect(JSON.stringify(msg.blocks)).not.toContain('Worst');
  });

  it('escapes cluster names in the blocks', () => {
    const [g] = fleetWideGroups([dip('<!channel>', 0.9), dip('b', 0.95), dip('c', 0.95)], 3);

    const blocks = JSON.stringify(fleetAlertMessage(g, 'fleet-alerts').blocks);

    expect(blocks).not.toContain('<!channel>');
    expect(blocks).toContain('&lt;!channel&gt;');
  });
});
