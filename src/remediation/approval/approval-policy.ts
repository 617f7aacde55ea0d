import type { RiskLevel } from '../catalog/safe-operation-schema.js';
import type { AutonomyLevel } from '../remediation-config.js';
import type { RefusalReason, RefusedReply, ThreadDecision } from './parse-approval-thread.js';

/** Who may approve: group members, further restricted by the config allowlist. */
export interface ApproverSets {
  onCall: ReadonlySet<string>;
  managers: ReadonlySet<string>;
  allowlist: ReadonlySet<string>;
}

/** What the autonomy level and risk demand: `suggest-only`, `automatic` (with notice) or n approvals in order. */
export type ApprovalRequirement = { kind: 'suggest-only' } | { kind: 'automatic' } | { kind: 'approvals'; count: 1 | 2 };

/** High risk always needs two people (on-call, then a manager), whatever the autonomy level. */
export function approvalRequirement(level: AutonomyLevel, risk: RiskLevel): ApprovalRequirement {
  if (level === 0) return { kind: 'suggest-only' };
  if (risk === 'high' || level === 2) return { kind: 'approvals', count: 2 };
  return level === 3 ? { kind: 'automatic' } : { kind: 'approvals', count: 1 };
}

export interface PolicyInput {
  decisions: readonly ThreadDecision[];
  requirement: ApprovalRequirement;
  proposer: string;
  botUserIds: ReadonlySet<string>;
  approvers: ApproverSets;
}

export interface PolicyResult {
  verdict: 'approved' | 'rejected' | 'pending';
  /** The approvals that count, in order (on-call first). */
  approvals: ThreadDecision[];
  rejection?: ThreadDecision;
  refused: RefusedReply[];
}

function personProblem(d: ThreadDecision, input: PolicyInput): [RefusalReason, string] | undefined {
  const { approvers } = input;
  if (input.botUserIds.has(d.userId)) return ['bot-or-app', 'fleetops itself never approves'];
  // the proposer may withdraw (reject) their own proposal, if they are an approver, but never approve it
  if (d.decision === 'approve' && d.userId === input.proposer) return ['self-approval', 'the proposer cannot approve their own proposal'];
  const inGroup = approvers.onCall.has(d.userId) || approvers.managers.has(d.userId);
  if (!inGroup || !approvers.allowlist.has(d.userId)) return ['not-an-approver', 'not in the approver group and the allowlist'];
  return undefined;
}

function slotProblem(d: ThreadDecision, counted: readonly ThreadDecision[], input: PolicyInput): [RefusalReason, string] | undefined {
  if (input.requirement.kind === 'suggest-only') return ['suggest-only', 'this operation is suggest-only here (autonomy level 0): act by hand'];
  if (counted.some((a) => a.userId === d.userId)) return ['same-approver', 'the same person cannot approve twice'];
  if (counted.length === 0 && !input.approvers.onCall.has(d.userId)) return ['out-of-order', 'the first approval must come from on-call'];
  if (counted.length === 1 && !input.approvers.managers.has(d.userId)) return ['out-of-order', 'the second approval must come from a manager'];
  return undefined;
}

/**
 * Applies who-may-decide and how-many rules to the decisions of one proposal, in ts order. A valid
 * rejection wins over any approvals (the safe direction). Pure.
 */
export function evaluateApprovals(input: PolicyInput): PolicyResult {
  const approvals: ThreadDecision[] = [];
  const refused: RefusedReply[] = [];
  const needed = input.requirement.kind === 'approvals' ? input.requirement.count : 0;
  const sorted = [...input.decisions].sort((a, b) => (a.messageTs < b.messageTs ? -1 : a.messageTs > b.messageTs ? 1 : 0));
  for (const d of sorted) {
    const refuse = (p: [RefusalReason, string]) => refused.push({ messageTs: d.messageTs, userId: d.userId, decision: d.decision, reason: p[0], detail: p[1] });
    const person = personProblem(d, input);
    if (person) { refuse(person); continue; }
    if (d.decision === 'reject') return { verdict: 'rejected', approvals, rejection: d, refused };
    if (input.requirement.kind !== 'suggest-only' && approvals.length >= needed) continue;
    const slot = slotProblem(d, approvals, input);
    if (slot) refuse(slot);
    else approvals.push(d);
  }
  const done = input.requirement.kind === 'automatic' || (input.requirement.kind === 'approvals' && approvals.length >= needed);
  return { verdict: done ? 'approved' : 'pending', approvals, refused };
}
