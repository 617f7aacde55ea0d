import { describe, expect, it } from 'vitest';
import type { ProposalRow, ProposalState } from '../../../src/adapters/store/types.js';
import type { FleetAction } from '../../../src/remediation/guardrails/index.js';
import { canaryDecidedByMs, startDeadlineMs } from '../../../src/remediation/proposals/start-deadline.js';

const T0 = Date.UTC(2026, 10, 30, 9, 0);
const MIN = 60_000;
const LIMITS = { executionGraceMinutes: 10, maxInProgressMinutes: 60, verifyWindowMinutes: 15 };

function row(cluster: string, state: ProposalState, over: Partial<ProposalRow> = {}): ProposalRow {
  return {
    id: `p-${cluster}-${state}`, groupId: 'g', operation: 'rollout-restart', cluster, target: { cluster, kind: 'Deployment', namespace: 'shop', name: 'web' },
    params: {}, risk: 'low', state, createdAtMs: T0, expiresAtMs: T0 + 30 * MIN, updatedAtMs: T0, ...over,
  };
}

const at = (ms: number) => (ms - T0) / MIN;

describe('canaryDecidedByMs', () => {
  it.each<[string, ProposalRow, number]>([
    ['when it succeeded', row('a', 'succeeded', { updatedAtMs: T0 + 22 * MIN }), 22],
    ['at the end of its verification window once executed', row('a', 'executing', { checkpoint: { phase: 'verifying', executedAtMs: T0 + 12 * MIN } }), 27],
    ['after the longest execution from its start, the stop grace and the window', row('a', 'executing', { checkpoint: { phase: 'executing', startedAtMs: T0 + 5 * MIN } }), 5 + 60 + 10 + 15],
    ['from its claim when it has not recorded a start', row('a', 'executing', { updatedAtMs: T0 + 3 * MIN }), 3 + 60 + 10 + 15],
    ['from the latest it may start when it is not started (expiry plus grace)', row('a', 'proposed'), 30 + 10 + 60 + 10 + 15],
    ['the same for an approved canary', row('a', 'approved'), 30 + 10 + 60 + 10 + 15],
  ])('is %s', (_name, canary, minutes) => {
    expect(at(canaryDecidedByMs(canary, LIMITS))).toBe(minutes);
  });
});

describe('startDeadlineMs', () => {
  const waiting: FleetAction = { canaryClusters: ['a'], verifiedClusters: [], failedClusters: [] };
  const self = row('b', 'approved');
  const verifying = row('a', 'executing', { checkpoint: { phase: 'verifying', executedAtMs: T0 + 28 * MIN } });

  it.each<[string, FleetAction | undefined, ProposalRow, ProposalRow[], number]>([
    ['its expiry plus grace outside a fleet action', undefined, self, [], 40],
    ['its expiry plus grace on a canary cluster', waiting, row('a', 'approved'), [verifying], 40],
    ['its expiry plus grace once a canary failed', { ...waiting, failedClusters: ['a'] }, self, [verifying], 40],
    ['its own when the canary is decided well before it', waiting, self, [row('a', 'succeeded', { updatedAtMs: T0 + 8 * MIN })], 40],
    ['grace and margin after a canary verifying past its own expiry', waiting, self, [verifying], 28 + 15 + 10 + 10],
    ['grace and margin after the canary was verified', waiting, self, [row('a', 'succeeded', { updatedAtMs: T0 + 41 * MIN })], 41 + 10 + 10],
    ['the latest of several canary proposals', waiting, self, [verifying, row('a', 'approved', { id: 'p-a-2', expiresAtMs: T0 + 60 * MIN })], 60 + 10 + 60 + 10 + 15 + 10 + 10],
    ['its own, ignoring canary proposals closed without running', waiting, self, [row('a', 'expired', { checkpoint: { executedAtMs: T0 + 60 * MIN } })], 40],
    ['its own, ignoring another operation on the canary', waiting, self, [row('a', 'executing', { operation: 'scale-workload', checkpoint: { executedAtMs: T0 + 60 * MIN } })], 40],
  ])('is %s', (_name, action, p, rows, minutes) => {
    expect(at(startDeadlineMs(p, action, [p, ...rows], LIMITS))).toBe(minutes);
  });
});
