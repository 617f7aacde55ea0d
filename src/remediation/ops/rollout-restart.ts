import { argoManagedBy } from './argo-cd-api.js';
import { rolloutStatus } from './rollout-status.js';
import { blocked, failed, noArgoConnection, ok, workloadTarget, type SafeOperationImpl } from './operation-context.js';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';

/**
 * `kubectl rollout restart`: bumps the pod template's restartedAt annotation (or runs Argo CD's
 * `restart` action for an Argo-managed workload). Refused mid-rollout or below the availability floor.
 */
export const rolloutRestart: SafeOperationImpl = {
  async execute(ctx) {
    const { kind, namespace, name } = workloadTarget(ctx);
    const w = await ctx.kube.readWorkload(kind, namespace, name);
    const stamp = ctx.checkpoint.restartedAt;
    if (typeof stamp === 'string' && w.spec?.template.metadata?.annotations?.[RESTARTED_AT] === stamp) {
      return ok(`${kind} ${namespace}/${name} restart was already requested at ${stamp}`);
    }
    if (ctx.checkpoint.argoActionRun === true) return ok(`Argo CD restart of ${kind} ${namespace}/${name} was already requested`);
    const status = rolloutStatus(kind, w);
    if (status.inProgress) return blocked(`refused: a rollout of ${kind} ${namespace}/${name} is in progress (${status.reason}); retry when it completes`);
    if (status.desired > 0 && status.available / status.desired < ctx.availabilityFloor) {
      return blocked(`refused: ${kind} ${namespace}/${name} has ${status.available}/${status.desired} available, below the floor ${ctx.availabilityFloor}`);
    }
    const app = argoManagedBy(w.metadata);
    if (app) {
      if (!ctx.argo) return noArgoConnection(app);
      await ctx.argo.runResourceAction(app, { group: 'apps', version: 'v1', kind, namespace, name }, 'restart');
      await ctx.save({ argoActionRun: true });
      return ok(`Argo CD application ${app.name} restarted ${kind} ${namespace}/${name}`);
    }
    const restartedAt = typeof stamp === 'string' ? stamp : new Date(ctx.nowMs()).toISOString();
    await ctx.save({ restartedAt });
    await ctx.kube.patchWorkload(kind, namespace, name, { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } } }, 'strategic');
    return ok(`restarted ${kind} ${namespace}/${name} (restartedAt ${restartedAt})`);
  },
  async rollback(ctx) {
    return failed(`a rollout restart of ${ctx.req.target.name} cannot be undone; the pods were already replaced`);
  },
};
