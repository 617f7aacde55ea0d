import type { ProposalRow, ProposalState, Store } from '../../adapters/store/types.js';
import { SafetyViolationError } from '../../core/errors.js';

/** Every allowed move of the proposal state machine; terminal states have none. */
export const TRANSITIONS: Readonly<Record<ProposalState, readonly ProposalState[]>> = {
  proposed: ['approved', 'rejected', 'expired', 'recovered'],
  approved: ['executing', 'rejected', 'expired', 'recovered'],
  executing: ['succeeded', 'failed', 'rolled-back'],
  succeeded: [],
  failed: [],
  'rolled-back': [],
  rejected: [],
  expired: [],
  recovered: [],
};

export const OPEN_STATES: readonly ProposalState[] = ['proposed', 'approved', 'executing'];

export function isTerminal(state: ProposalState): boolean {
  return TRANSITIONS[state].length === 0;
}

/** The states from which `to` may be reached. */
export function sourcesOf(to: ProposalState): ProposalState[] {
  return (Object.keys(TRANSITIONS) as ProposalState[]).filter((from) => TRANSITIONS[from].includes(to));
}

export interface TransitionAudit {
  actor: string;
  details?: Record<string, unknown>;
}

/**
 * Compare-and-set `from → to` in the store, then audit it. Returns the new row, or undefined when
 * another process moved the proposal first (nothing is audited then). Throws on a move the state
 * machine forbids, so a bug can never e.g. re-open a finished proposal.
 */
export async function transitionProposal(
  store: Store, row: ProposalRow, to: ProposalState, nowMs: number, audit: TransitionAudit,
  patch: { checkpoint?: Record<string, unknown> } = {},
): Promise<ProposalRow | undefined> {
  if (!TRANSITIONS[row.state].includes(to)) {
    throw new SafetyViolationError(`proposal ${row.id.slice(0, 8)}: ${row.state} → ${to} is not an allowed transition`);
  }
  const moved = await store.proposals.transition(row.id, [row.state], to, patch, nowMs);
  if (!moved) return undefined;
  await store.audit.append({
    atMs: nowMs, actor: audit.actor, action: `proposal.${to}`, subject: row.id,
    details: { from: row.state, to, ...audit.details },
  });
  return moved;
}

/** An execution checkpoint from before the first attempt: nothing started, saved or waited for since the claim. */
export function isUnstarted(cp: Record<string, unknown>): boolean {
  return (cp.phase === undefined || cp.phase === 'executing') && !(typeof cp.attempts === 'number' && cp.attempts > 0)
    && cp.ops === undefined && cp.startedAtMs === undefined && cp.inProgressMessage === undefined;
}

/**
 * Hands back a claim that has not started (`executing → approved`): the one move back the state
 * machine has, allowed only before the first attempt (checkpoint `executing`, no attempt, nothing
 * done) and only while `owner` holds the execution lease (the store checks it in the same update), so
 * no operation is under way. Returns the approved row, or undefined when the lease or state had moved.
 */
export async function releaseUnstartedClaim(store: Store, row: ProposalRow, owner: string, nowMs: number, details: Record<string, unknown>): Promise<ProposalRow | undefined> {
  if (row.state !== 'executing' || !isUnstarted(row.checkpoint ?? {})) {
    throw new SafetyViolationError(`proposal ${row.id.slice(0, 8)}: only a claim not yet started goes back to approved (it is ${row.state}, checkpoint ${JSON.stringify(row.checkpoint ?? {})})`);
  }
  const moved = await store.proposals.releaseClaim(row.id, owner, nowMs);
  if (!moved) return undefined;
  await store.audit.append({ atMs: nowMs, actor: owner, action: 'proposal.claim-released', subject: row.id, details: { from: 'executing', to: 'approved', ...details } });
  return moved;
}
