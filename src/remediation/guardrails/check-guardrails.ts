import type { OperationRequest } from '../../adapters/cluster-ops/types.js';
import type { GuardrailId, SafeOperation } from '../catalog/index.js';
import { capacityHeadroom, drainRateLimit, evictionRateLimit, hpaNotFought, utilisationBelowThreshold, withinNodeAllocatable } from './capacity-guardrails.js';
import { canaryFirst, changeFreeze, clustersPerHour, maxConcurrentOperations, noRepeat } from './fleet-guardrails.js';
import type { Guardrail, GuardContext } from './guard-context.js';
import { GuardrailLimits, type GuardrailState } from './guardrail-state.js';
import { argoManagedViaArgo, availabilityFloor, noRolloutInProgress, pdbRespected, previousRevisionExists, restartWithinBounds } from './workload-guardrails.js';

/** The implementation of every guardrail the catalog can name. */
export const GUARDRAILS = {
  'pdb-respected': pdbRespected,
  'no-rollout-in-progress': noRolloutInProgress,
  'restart-within-bounds': restartWithinBounds,
  'availability-floor': availabilityFloor,
  'capacity-headroom': capacityHeadroom,
  'drain-rate-limit': drainRateLimit,
  'eviction-rate-limit': evictionRateLimit,
  'hpa-not-fought': hpaNotFought,
  'utilisation-below-threshold': utilisationBelowThreshold,
  'within-node-allocatable': withinNodeAllocatable,
  'previous-revision-exists': previousRevisionExists,
  'change-freeze': changeFreeze,
  'argo-managed-via-argo': argoManagedViaArgo,
} satisfies Record<GuardrailId, Guardrail>;

/** Fleet guards that apply to every operation, whatever its catalog entry lists. */
export const FLEET_GUARDRAILS = {
  'change-freeze': changeFreeze,
  'max-concurrent-operations': maxConcurrentOperations,
  'canary-first': canaryFirst,
  'clusters-per-hour': clustersPerHour,
  'no-repeat': noRepeat,
} satisfies Record<string, Guardrail>;

export interface GuardrailFailure {
  guardrail: string;
  reason: string;
}

export interface GuardrailResult {
  ok: boolean;
  failures: GuardrailFailure[];
  /** The failing guardrails that may pass later without anyone acting (a canary not yet verified). */
  waiting: string[];
  /** The failing guardrails that could not read their facts (failed closed, not judged). */
  unevaluated: string[];
}

/**
 * Checks the operation's catalog guardrails and the fleet guards against current facts. Run at
 * proposal time and again right before execution. Fails closed: a guardrail that cannot read its
 * facts fails with the read error as reason.
 */
export async function checkGuardrails(op: SafeOperation, req: OperationRequest, state: GuardrailState): Promise<GuardrailResult> {
  const defaults = Object.fromEntries(Object.entries(op.parameters).filter(([, s]) => s.default !== undefined).map(([k, s]) => [k, s.default]));
  const g: GuardContext = { op, req, params: { ...defaults, ...req.params }, state, limits: GuardrailLimits.parse(state.limits ?? {}) };
  const names = [...new Set<string>([...op.guardrails, ...Object.keys(FLEET_GUARDRAILS)])];
  const all: Record<string, Guardrail> = { ...GUARDRAILS, ...FLEET_GUARDRAILS };
  const failures: GuardrailFailure[] = [];
  const waiting: string[] = [];
  const unevaluated: string[] = [];
  if (req.operation !== op.id) failures.push({ guardrail: 'catalog', reason: `request names ${req.operation} but was checked against ${op.id}` });
  for (const name of names) {
    const found = await all[name](g).catch((err: unknown) => (unevaluated.push(name), `could not check: ${(err as Error).message}`));
    if (!found) continue;
    failures.push({ guardrail: name, reason: typeof found === 'string' ? found : found.waiting });
    if (typeof found !== 'string') waiting.push(name);
  }
  return { ok: failures.length === 0, failures, waiting, unevaluated };
}
