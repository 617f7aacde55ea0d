import { SafetyViolationError } from '../../core/errors.js';
import { isKubeStatus } from './kube-api.js';
import { blocked, num, ok, type OpContext, type SafeOperationImpl } from './operation-context.js';

function podTarget(ctx: OpContext): { namespace: string; name: string } {
  const { kind, namespace, name } = ctx.req.target;
  if (kind !== 'Pod' || !namespace) throw new SafetyViolationError(`evict-pod needs a Pod target with a namespace, got ${kind} ${namespace ?? '?'}/${name}`);
  return { namespace, name };
}

/** Evicts one pod through the Eviction API; a PDB refusal (429) is `blocked`, never a delete. */
export const evictPod: SafeOperationImpl = {
  async execute(ctx) {
    const { namespace, name } = podTarget(ctx);
    if (ctx.checkpoint.evicted === true) return ok(`pod ${namespace}/${name} was already evicted by this operation`);
    try {
      await ctx.kube.evictPod(namespace, name, num(ctx.params.gracePeriodSeconds, 30));
    } catch (err) {
      if (isKubeStatus(err, 429)) return blocked(`eviction of ${namespace}/${name} refused: a PodDisruptionBudget allows no disruption now; retry later`);
      if (!isKubeStatus(err, 404)) throw err;
      // Gone already (a killed run may have evicted it before its checkpoint): nothing left to do.
    }
    await ctx.save({ evicted: true });
    return ok(`evicted pod ${namespace}/${name}; its controller reschedules it`);
  },
  async rollback(ctx) {
    return ok(`nothing to undo for an eviction of ${ctx.req.target.name}: its controller recreated the pod`);
  },
};
