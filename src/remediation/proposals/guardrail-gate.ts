import type { OperationRequest } from '../../adapters/cluster-ops/types.js';
import type { ProposalRow } from '../../adapters/store/types.js';
import type { SafeOperation } from '../catalog/safe-operation-schema.js';
import type { FleetAction } from '../guardrails/guardrail-state.js';
import { operationRequest } from './create-proposal.js';

export interface GuardrailVerdict {
  ok: boolean;
  failures: { guardrail: string; reason: string }[];
  /** The failing guardrails that may pass later without anyone acting (a canary not yet verified). */
  waiting?: string[];
  /** The failing guardrails that could not read their facts: failed closed, not judged (`guardrail-check`: none could be). */
  unevaluated?: string[];
}

/** `claim`: checked again right after the claim, counting it (see confirmClaim in run-execution.ts). */
export type GuardrailPhase = 'proposal' | 'execution' | 'claim';

/** Runs an operation's guardrails against live state; called at proposal time and right before execution. */
export interface GuardrailGate {
  /** `proposal`: the row checked, passed at proposal time when it is not stored yet (its fleet action counts it). */
  check(op: SafeOperation, req: OperationRequest, phase: GuardrailPhase, proposal?: ProposalRow): Promise<GuardrailVerdict>;
  /**
   * The fleet action a stored proposal belongs to (canary-first's view of it), undefined when none.
   * Throws when its state cannot be read. Absent on a gate without fleet facts.
   */
  fleetAction?(proposal: ProposalRow): Promise<FleetAction | undefined>;
}

/** The seam exported by src/remediation/guardrails (`checkGuardrails`). */
export type CheckGuardrails<S> = (op: SafeOperation, req: OperationRequest, state: S) => Promise<GuardrailVerdict>;

/** Loads guardrail state for a request; `proposal` is the row checked when the caller has it (see GuardrailGate.check). */
export type LoadGuardrailState<S> = (req: OperationRequest, phase: GuardrailPhase, proposal?: ProposalRow) => Promise<S>;

/** Failed only on guardrails that may pass later by themselves: the proposal waits, approved, for a later run. */
export function onlyWaiting(v: GuardrailVerdict): boolean {
  return !v.ok && v.failures.length > 0 && v.failures.every((f) => v.waiting?.includes(f.guardrail));
}

/** At proposal time a failure that may pass by itself does not refuse: it is judged again right before execution. */
function withoutWaiting(v: GuardrailVerdict): GuardrailVerdict {
  const failures = v.failures.filter((f) => !v.waiting?.includes(f.guardrail));
  return { ok: failures.length === 0, failures, waiting: [], unevaluated: v.unevaluated?.filter((g) => failures.some((f) => f.guardrail === g)) };
}

/**
 * Binds `checkGuardrails` to a loader of fresh guardrail state (cluster, fleet counters, freeze
 * windows). State is loaded anew for every check, never reused between the two phases.
 * A loader or check that throws is a failure, never a pass.
 */
export function createGuardrailGate<S extends { fleetAction?: FleetAction }>(checkGuardrails: CheckGuardrails<S>, loadState: LoadGuardrailState<S>): GuardrailGate {
  return {
    async check(op, req, phase, proposal) {
      try {
        const verdict = await checkGuardrails(op, req, await loadState(req, phase, proposal));
        return phase === 'proposal' ? withoutWaiting(verdict) : verdict;
      } catch (err) {
        return { ok: false, failures: [{ guardrail: 'guardrail-check', reason: `could not be evaluated: ${(err as Error).message}` }], unevaluated: ['guardrail-check'] };
      }
    },
    async fleetAction(proposal) {
      return (await loadState(operationRequest(proposal), 'execution', proposal)).fleetAction;
    },
  };
}
