import { describe, expect, it } from 'vitest';
import { approvalRequirement, evaluateApprovals, type ApprovalRequirement } from '../../../src/remediation/approval/approval-policy.js';
import type { ThreadDecision } from '../../../src/remediation/approval/parse-approval-thread.js';

const approvers = { onCall: new Set(['UO1', 'UO2', 'UP', 'UBOTH']), managers: new Set(['UM', 'UBOTH']), allowlist: new Set(['UO1', 'UO2', 'UM', 'UP', 'UBOTH']) };
let n = 0;
const d = (userId: string, decision: ThreadDecision['decision'] = 'approve'): ThreadDecision => ({ userId, decision, messageTs: `1800000${String(++n).padStart(3, '0')}.000000` });
const evaluate = (decisions: ThreadDecision[], requirement: ApprovalRequirement) => evaluateApprovals({ decisions, requirement, proposer: 'UP', botUserIds: new Set(['UBOT']), approvers });

describe('approvalRequirement', () => {
  it.each([
    [0, 'low', { kind: 'suggest-only' }], [1, 'low', { kind: 'approvals', count: 1 }], [1, 'high', { kind: 'approvals', count: 2 }],
    [2, 'medium', { kind: 'approvals', count: 2 }], [3, 'low', { kind: 'automatic' }], [3, 'high', { kind: 'approvals', count: 2 }],
  ] as const)('level %i, %s risk', (level, risk, expected) => {
    expect(approvalRequirement(level, risk)).toEqual(expected);
  });
});

describe('evaluateApprovals', () => {
  const one = { kind: 'approvals', count: 1 } as const;
  const two = { kind: 'approvals', count: 2 } as const;
  it.each([
    ['one on-call approval', [d('UO1')], one, 'approved', []],
    ['on-call then manager', [d('UO1'), d('UM')], two, 'approved', []],
    ['manager then on-call', [d('UM'), d('UO1')], two, 'pending', ['out-of-order']],
    ['the same person in both groups twice', [d('UBOTH'), d('UBOTH')], two, 'pending', ['same-approver']],
    ['only one of two', [d('UO1')], two, 'pending', []],
    ['the proposer', [d('UP')], one, 'pending', ['self-approval']],
    ['the proposer (an approver) withdrawing after an approval', [d('UO1'), d('UP', 'reject')], one, 'rejected', []],
    ['the bot rejecting', [d('UBOT', 'reject')], one, 'pending', ['bot-or-app']],
    ['the bot', [d('UBOT')], one, 'pending', ['bot-or-app']],
    ['someone outside the allowlist', [d('UX')], one, 'pending', ['not-an-approver']],
    ['an approver rejecting after an approval', [d('UO1'), d('UO2', 'reject')], two, 'rejected', []],
    ['an outsider rejecting', [d('UX', 'reject')], one, 'pending', ['not-an-approver']],
    ['a suggest-only proposal', [d('UO1')], { kind: 'suggest-only' }, 'pending', ['suggest-only']],
    ['an automatic proposal with no replies', [], { kind: 'automatic' }, 'approved', []],
  ] as const)('%s', (_name, decisions, requirement, verdict, refused) => {
    const result = evaluate([...decisions], requirement);

    expect(result.verdict).toBe(verdict);
    expect(result.refused.map((r) => r.reason)).toEqual(refused);
  });
});
