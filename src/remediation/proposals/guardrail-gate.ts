import type { OperationRequest } from '../../adapters/cluster-ops/types.js';
import type { SafeOperation } from '../catalog/safe-operation-schema.js';

export interface GuardrailVerdict {
  ok: boolean;
  failures: { guardrail: string; reason: string }[];
}

export type GuardrailPhase = 'proposal' | 'execution';

/** Runs an operation's guardrails against live state; called at proposal time and right before execution. */
export interface GuardrailGate {
  check(op: SafeOperation, req: OperationRequest, phase: GuardrailPhase): Promise<GuardrailVerdict>;
}

/** The seam exported by src/remediation/guardrails (`checkGuardrails`). */
export type CheckGuardrails<S> = (op: SafeOperation, req: OperationRequest, state: S) => Promise<GuardrailVerdict>;

/**
 * Binds `checkGuardrails` to a loader of fresh guardrail state (cluster, fleet counters, freeze
 * windows). State is loaded anew for every check, never reused between the two phases.
 * A loader or check that throws is a failure, never a pass.
 */
export function createGuardrailGate<S>(checkGuardrails: CheckGuardrails<S>, loadState: (req: OperationRequest, phase: GuardrailPhase) => Promise<S>): GuardrailGate {
  return {
    async check(op, req, phase) {
      try {
        return await checkGuardrails(op, req, await loadState(req, phase));
      } catch (err) {
        return { ok: false, failures: [{ guardrail: 'guardrail-check', reason: `could not be evaluated: ${(err as Error).message}` }] };
      }
    },
  };
}
