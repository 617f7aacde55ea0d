import { argoManagedBy, argoTargetProblem } from './argo-cd-api.js';
import type { Workload, WorkloadKind } from './kube-api.js';
import {
  currentFields, describeFields, holdFor, ownBounds, strategyPatch, type PodBounds, type RollingUpdateFields,
} from './rollout-bounds.js';
import { rolloutStatus } from './rollout-status.js';
import {
  blocked, failed, noArgoConnection, ok, withFreshRead, workloadTarget, type OpContext, type OpResult, type SafeOperationImpl,
} from './operation-context.js';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
/**
 * How long one run waits for a restart under held bounds to finish before it answers in progress and
 * checks again on the next run (the proposals job runs every 2 min with a 110 s deadline).
 */
export const RESTART_WAIT_MS = 60_000;
const POLL_MS = 5_000;
/** Argo CD stamps restartedAt with its own clock, to the second: this much earlier still counts as our restart. */
const ARGO_CLOCK_SKEW_MS = 60_000;

/** Checkpoint of a restart that held the workload's strategy at the approved bounds. */
interface HeldStrategy {
  original: RollingUpdateFields;
  held: RollingUpdateFields;
}

/** StatefulSets have no maxSurge field: none is held or compared. */
const bounded = (kind: WorkloadKind, b: PodBounds): RollingUpdateFields => ({ maxUnavailable: b.unavailable, maxSurge: kind === 'StatefulSet' ? null : b.surge });
const sameFields = (a: RollingUpdateFields, b: RollingUpdateFields) => String(a.maxUnavailable) === String(b.maxUnavailable) && String(a.maxSurge) === String(b.maxSurge);
const podsText = (b: PodBounds, pods: number) => `${b.unavailable} of ${pods} unavailable and ${b.surge} surge`;

/**
 * Why the workload's own strategy cannot keep a restart within the approval, or the bounds to hold
 * during it (undefined: its own strategy already keeps within them).
 */
function planBounds(ctx: OpContext, kind: WorkloadKind, w: Workload): { refusal: string } | { hold?: PodBounds; own: PodBounds; pods: number } {
  const own = ownBounds(kind, w);
  if (!own.ok) return { refusal: `refused: ${own.reason}` };
  const hold = holdFor(kind, own, ctx.params);
  if (typeof hold === 'string') {
    return { refusal: `refused: ${kind} ${w.metadata?.namespace}/${w.metadata?.name}: ${hold} (maxUnavailablePercent ${String(ctx.params.maxUnavailablePercent)}, maxSurgePercent ${String(ctx.params.maxSurgePercent)})` };
  }
  return { hold, own: own.bounds, pods: own.pods };
}

/**
 * Waits until the restart's rollout completes, then puts back the strategy the restart held; answers
 * in-progress (checked again on the next run) when the rollout outlasts this run's wait.
 */
async function finishHeld(ctx: OpContext, kind: WorkloadKind, namespace: string, name: string, held: HeldStrategy): Promise<OpResult> {
  const where = `${kind} ${namespace}/${name}`;
  const deadline = ctx.nowMs() + RESTART_WAIT_MS;
  let w = await ctx.kube.readWorkload(kind, namespace, name);
  // bounded by polls as well as by the clock: a clock that stands still must not wait forever
  for (let polls = 0, status = rolloutStatus(kind, w); status.inProgress; polls++, status = rolloutStatus(kind, w)) {
    if (ctx.nowMs() >= deadline || polls >= RESTART_WAIT_MS / POLL_MS) {
      return { status: 'blocked', inProgress: true, message: `restart of ${where} still rolling out after ${RESTART_WAIT_MS / 1000} s (${status.reason}); its strategy stays at ${describeFields(held.held)} until it completes; checking again on the next run` };
    }
    await ctx.sleep(POLL_MS, ctx.req.abortSignal);
    w = await ctx.kube.readWorkload(kind, namespace, name);
  }
  const restore = await restoreHeld(ctx, kind, namespace, name, held, w);
  if (restore.result === 'changed') {
    return ok(`restarted ${where} within ${describeFields(held.held)}; its strategy was changed by someone else since (now ${describeFields(restore.now)}) and is left as it is`);
  }
  if (restore.result === 'already-back') return ok(`restarted ${where} holding ${describeFields(held.held)}; its own ${describeFields(held.original)} was already back`);
  return ok(`restarted ${where} holding ${describeFields(held.held)}, then restored its own ${describeFields(held.original)}`);
}

interface Restore {
  result: 'restored' | 'already-back' | 'changed';
  /** The strategy as read (after a restore: the original). */
  now: RollingUpdateFields;
  /** Whether the workload was still rolling out when read. */
  rolling: boolean;
}

/**
 * Puts the workload's own strategy back where the held one still is, once (checkpoint
 * strategyRestored). The patch carries the resourceVersion read: a change made since answers 409 and
 * is read again, and a strategy that is no longer the held one is left as it is. `w`: a fresh read to start from.
 */
async function restoreHeld(ctx: OpContext, kind: WorkloadKind, namespace: string, name: string, held: HeldStrategy, w?: Workload): Promise<Restore> {
  let first = w;
  const read = async () => {
    const fresh = first ?? await ctx.kube.readWorkload(kind, namespace, name);
    first = undefined;
    return fresh;
  };
  const restore = await withFreshRead(read, async (fresh): Promise<Restore> => {
    const now = currentFields(kind, fresh);
    const rolling = rolloutStatus(kind, fresh).inProgress;
    if (!sameFields(now, held.held)) return { result: sameFields(now, held.original) ? 'already-back' : 'changed', now, rolling };
    const version = fresh.metadata?.resourceVersion;
    await ctx.kube.patchWorkload(kind, namespace, name, { ...(version ? { metadata: { resourceVersion: version } } : {}), spec: strategyPatch(kind, held.original) }, 'strategic');
    return { result: 'restored', now: held.original, rolling };
  });
  await ctx.save({ strategyRestored: true });
  return restore;
}

/**
 * Whether Argo CD's restart action already ran for this proposal: the action stamps restartedAt in
 * the live object with Argo CD's clock, at or after the moment we recorded before asking it.
 */
function argoRestartLanded(w: Workload, requestedAt: unknown): boolean {
  if (typeof requestedAt !== 'string') return false;
  const stamped = Date.parse(w.spec?.template.metadata?.annotations?.[RESTARTED_AT] ?? '');
  return Number.isFinite(stamped) && stamped >= Date.parse(requestedAt) - ARGO_CLOCK_SKEW_MS;
}

async function viaArgo(ctx: OpContext, kind: WorkloadKind, namespace: string, name: string, w: Workload, plan: { hold?: PodBounds; own: PodBounds; pods: number }): Promise<OpResult> {
  const app = argoManagedBy(w.metadata)!;
  const where = `${kind} ${namespace}/${name}`;
  if (!ctx.argo) return noArgoConnection(app);
  if (plan.hold) {
    return failed(`refused: ${where} is managed by Argo CD application ${app.name} and its strategy (${describeFields(currentFields(kind, w))}: ${podsText(plan.own, plan.pods)}) `
      + `exceeds the approved maxUnavailablePercent ${String(ctx.params.maxUnavailablePercent)} / maxSurgePercent ${String(ctx.params.maxSurgePercent)}; `
      + 'a direct strategy patch would be reverted by self-heal: tighten the strategy in Git or approve larger bounds');
  }
  const refusal = await argoTargetRefusal(ctx, app, kind, namespace, name);
  if (refusal) return refusal;
  const requestedAt = typeof ctx.checkpoint.argoActionRequestedAt === 'string' ? ctx.checkpoint.argoActionRequestedAt : new Date(ctx.nowMs()).toISOString();
  if (ctx.checkpoint.argoActionRequestedAt === undefined) await ctx.save({ argoActionRequestedAt: requestedAt });
  await ctx.argo.runResourceAction(app, { group: 'apps', version: 'v1', kind, namespace, name }, 'restart');
  await ctx.save({ argoActionRun: true });
  return ok(`Argo CD application ${app.name} restarted ${where}`);
}

/** Why Argo CD's restart action would not act on this workload of this cluster, read from the application. */
async function argoTargetRefusal(ctx: OpContext, app: { name: string; namespace?: string }, kind: WorkloadKind, namespace: string, name: string): Promise<OpResult | undefined> {
  const application = await ctx.argo!.getApplication(app);
  const problem = argoTargetProblem(app, application, { kind, namespace, name }, { name: ctx.kube.cluster, server: ctx.kube.server });
  return problem ? failed(`refused: ${problem}; nothing was changed`) : undefined;
}

/**
 * `kubectl rollout restart` within approved bounds: bumps the pod template's restartedAt annotation
 * (or runs Argo CD's `restart` action for an Argo-managed workload). Where the workload's own
 * rolling-update strategy would take down more pods (maxUnavailablePercent) or start more extra
 * ones (maxSurgePercent) than approved, the same patch holds the strategy at the approved bounds and
 * the original is put back once the rollout completes. Refused mid-rollout, below the availability
 * floor, and where no strategy can keep within the bounds (Recreate, OnDelete, a partition, a
 * StatefulSet with no unavailable pod allowed).
 */
export const rolloutRestart: SafeOperationImpl = {
  async execute(ctx) {
    const { kind, namespace, name } = workloadTarget(ctx);
    const w = await ctx.kube.readWorkload(kind, namespace, name);
    const where = `${kind} ${namespace}/${name}`;
    const stamp = ctx.checkpoint.restartedAt;
    const held = ctx.checkpoint.heldStrategy as HeldStrategy | undefined;
    if (typeof stamp === 'string' && w.spec?.template.metadata?.annotations?.[RESTARTED_AT] === stamp) {
      if (held && ctx.checkpoint.strategyRestored !== true) return finishHeld(ctx, kind, namespace, name, held);
      return ok(`${where} restart was already requested at ${stamp}`);
    }
    if (ctx.checkpoint.argoActionRun === true || argoRestartLanded(w, ctx.checkpoint.argoActionRequestedAt)) {
      return ok(`Argo CD restart of ${where} was already requested`);
    }
    const status = rolloutStatus(kind, w);
    if (status.inProgress) return blocked(`refused: a rollout of ${where} is in progress (${status.reason}); retry when it completes`);
    if (status.desired > 0 && status.available / status.desired < ctx.availabilityFloor) {
      return blocked(`refused: ${where} has ${status.available}/${status.desired} available, below the floor ${ctx.availabilityFloor}`);
    }
    const plan = planBounds(ctx, kind, w);
    if ('refusal' in plan) return failed(plan.refusal);
    if (argoManagedBy(w.metadata)) return viaArgo(ctx, kind, namespace, name, w, plan);
    const restartedAt = typeof stamp === 'string' ? stamp : new Date(ctx.nowMs()).toISOString();
    const annotation = { template: { metadata: { annotations: { [RESTARTED_AT]: restartedAt } } } };
    if (!plan.hold) {
      await ctx.save({ restartedAt });
      await ctx.kube.patchWorkload(kind, namespace, name, { spec: annotation }, 'strategic');
      return ok(`restarted ${where} (restartedAt ${restartedAt}) within its own strategy (${podsText(plan.own, plan.pods)})`);
    }
    // the original as first read: a resumed run must not record the held bounds as the original
    const hold: HeldStrategy = held ?? { original: currentFields(kind, w), held: bounded(kind, plan.hold) };
    await ctx.save({ restartedAt, heldStrategy: hold });
    await ctx.kube.patchWorkload(kind, namespace, name, { spec: { ...strategyPatch(kind, hold.held), ...annotation } }, 'strategic');
    return finishHeld(ctx, kind, namespace, name, hold);
  },
  /**
   * The pods cannot be un-restarted (always `failed`); a strategy the restart still holds (an
   * execution that failed or was given up before its rollout completed) is put back, guarded as above.
   */
  async rollback(ctx) {
    const cannot = `a rollout restart of ${ctx.req.target.name} cannot be undone`;
    const held = ctx.checkpoint.heldStrategy as HeldStrategy | undefined;
    if (!held || ctx.checkpoint.strategyRestored === true) return failed(`${cannot}; the pods were already replaced`);
    const { kind, namespace, name } = workloadTarget(ctx);
    const restore = await restoreHeld(ctx, kind, namespace, name, held);
    const why = `${cannot} (${restore.rolling ? 'its rollout is under way' : 'the pods were already replaced'})`;
    if (restore.result === 'changed') {
      return failed(`${why}; the strategy it held (${describeFields(held.held)}) was changed by someone else since (now ${describeFields(restore.now)}) and is left as it is`);
    }
    if (restore.result === 'already-back') return failed(`${why}; its own strategy ${describeFields(held.original)} was already back`);
    return failed(`${why}; its own strategy ${describeFields(held.original)} was restored${restore.rolling ? ': the rest of the rollout runs under it' : ''}`);
  },
  held(checkpoint) {
    const held = checkpoint.heldStrategy as HeldStrategy | undefined;
    if (!held || checkpoint.strategyRestored === true) return undefined;
    return `the rolling-update strategy held at ${describeFields(held.held)} (the workload's own: ${describeFields(held.original)})`;
  },
};
