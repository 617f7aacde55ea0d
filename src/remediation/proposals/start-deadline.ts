import type { ProposalRow } from '../../adapters/store/types.js';
import { NEVER_RAN } from '../guardrails/fleet-action.js';
import type { FleetAction } from '../guardrails/guardrail-state.js';
import type { RemediationConfig } from '../remediation-config.js';
import { STOP_GRACE_MS } from './run-execution.js';

/** A canary is decided on a run past its deadline, and the proposal waiting for it is started on that run or a later one. */
const DECISION_MARGIN_MS = 10 * 60_000;

export type DeadlineLimits = Pick<RemediationConfig, 'executionGraceMinutes' | 'maxInProgressMinutes' | 'verifyWindowMinutes'>;

/**
 * The latest time a canary proposal's verification is decided: when it succeeded; once executed,
 * the end of its verification window; before that, the latest its execution may end (from when it
 * started, or may still start: its expiry plus grace; then maxInProgressMinutes and the stop grace)
 * plus the window. Past it, the canary succeeded or is failing (see run-execution).
 */
export function canaryDecidedByMs(r: ProposalRow, limits: DeadlineLimits): number {
  if (r.state === 'succeeded') return r.updatedAtMs;
  const cp = r.checkpoint ?? {};
  const verifyMs = limits.verifyWindowMinutes * 60_000;
  if (typeof cp.executedAtMs === 'number') return cp.executedAtMs + verifyMs;
  const startedAtMs = typeof cp.startedAtMs === 'number' ? cp.startedAtMs : r.state === 'executing' ? r.updatedAtMs : r.expiresAtMs + limits.executionGraceMinutes * 60_000;
  return startedAtMs + limits.maxInProgressMinutes * 60_000 + STOP_GRACE_MS + verifyMs;
}

/**
 * The latest time an approved proposal may start: its expiry plus executionGraceMinutes. A
 * non-canary cluster of a fleet action is held (canary-first) until its canaries are verified, so its
 * deadline is no earlier than the grace plus a margin of a few runs after their verification is
 * decided (canaryDecidedByMs): it does not expire while it waits for a canary that takes longer than
 * its own expiry. Once a canary failed it never starts (closed instead), so nothing is extended.
 */
export function startDeadlineMs(p: ProposalRow, action: FleetAction | undefined, groupRows: readonly ProposalRow[], limits: DeadlineLimits): number {
  const graceMs = limits.executionGraceMinutes * 60_000;
  if (!action || action.canaryClusters.includes(p.cluster) || (action.failedClusters ?? []).length > 0) return p.expiresAtMs + graceMs;
  const canaries = groupRows.filter((r) => r.groupId === p.groupId && r.operation === p.operation && action.canaryClusters.includes(r.cluster) && !NEVER_RAN.includes(r.state));
  return Math.max(p.expiresAtMs + graceMs, ...canaries.map((r) => canaryDecidedByMs(r, limits) + graceMs + DECISION_MARGIN_MS));
}
