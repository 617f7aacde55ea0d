import type { ProposalRow } from '../../adapters/store/types.js';
import { GuardrailLimits, type RecentOperation } from './guardrail-state.js';

const HOUR = 3_600_000;
/** Proposal states that are (or were) an operation on a cluster. */
export const OPERATION_STATES = ['executing', 'succeeded', 'failed', 'rolled-back'] as const;

/**
 * The operations the fleet guards judge, from stored proposals: every one still executing, and the
 * others whose last change lies within the longest window a guard looks back (an hour for the rate
 * limits, repeatWindowHours for no-repeat; each guard applies its own window).
 */
export function recentOperationsFrom(rows: readonly ProposalRow[], nowMs: number, limits: Partial<GuardrailLimits> = {}): RecentOperation[] {
  const since = nowMs - Math.max(HOUR, GuardrailLimits.parse(limits).repeatWindowHours * HOUR);
  return rows
    .filter((p) => (OPERATION_STATES as readonly string[]).includes(p.state) && (p.state === 'executing' || p.updatedAtMs >= since))
    .map((p) => ({ operationId: p.id, operation: p.operation, cluster: p.cluster, startedAtMs: p.updatedAtMs, state: p.state as RecentOperation['state'], target: targetOf(p) }));
}

/** The object a stored proposal changes, as the guards compare it. */
function targetOf(p: ProposalRow): RecentOperation['target'] {
  const t = p.target as { kind?: unknown; namespace?: unknown; name?: unknown };
  if (typeof t.kind !== 'string' || typeof t.name !== 'string') return undefined;
  return { kind: t.kind, namespace: typeof t.namespace === 'string' ? t.namespace : undefined, name: t.name };
}
