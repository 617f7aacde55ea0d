import type { V1ControllerRevision, V1PodTemplateSpec, V1ReplicaSet } from '@kubernetes/client-node';
import { argoManagedBy, argoTargetProblem, type ArgoAppRef } from './argo-cd-api.js';
import type { KubeApi, Workload, WorkloadKind } from './kube-api.js';
import { selectorQuery } from './label-selector.js';
import { failed, noArgoConnection, ok, workloadTarget, type OpContext, type OpResult, type SafeOperationImpl } from './operation-context.js';

const REVISION = 'deployment.kubernetes.io/revision';
type Target = { kind: WorkloadKind; namespace: string; name: string };

const ownedBy = (w: Workload) => (o: V1ReplicaSet | V1ControllerRevision) => (o.metadata?.ownerReferences ?? []).some((r) => r.uid === w.metadata?.uid);
const rsRevision = (rs: V1ReplicaSet) => Number(rs.metadata?.annotations?.[REVISION] ?? 0);

/** The template of the Deployment's previous revision (as `kubectl rollout undo` takes it), or undefined. */
export async function previousDeploymentTemplate(ctx: OpContext, t: Target, w: Workload): Promise<{ from: number; to: number; template: V1PodTemplateSpec } | undefined> {
  const current = Number(w.metadata?.annotations?.[REVISION] ?? 0);
  const sets = (await ctx.kube.listReplicaSets(t.namespace, selectorQuery(w.spec?.selector))).filter(ownedBy(w));
  const prev = sets.filter((rs) => rsRevision(rs) < current).sort((a, b) => rsRevision(b) - rsRevision(a))[0];
  if (!prev?.spec?.template) return undefined;
  const labels = { ...prev.spec.template.metadata?.labels };
  delete labels['pod-template-hash'];
  return { from: current, to: rsRevision(prev), template: { ...prev.spec.template, metadata: { ...prev.spec.template.metadata, labels } } };
}

/** The workload's controller revisions, newest first (StatefulSet, DaemonSet). */
export async function controllerRevisions(kube: KubeApi, t: Target, w: Workload): Promise<V1ControllerRevision[]> {
  const all = await kube.listControllerRevisions(t.namespace, selectorQuery(w.spec?.selector));
  return all.filter(ownedBy(w)).sort((a, b) => b.revision - a.revision);
}

async function viaArgo(ctx: OpContext, app: ArgoAppRef): Promise<OpResult> {
  if (!ctx.argo) return noArgoConnection(app);
  if (ctx.checkpoint.argoRolledBackTo !== undefined) return ok(`Argo CD application ${app.name} was already rolled back to history ${String(ctx.checkpoint.argoRolledBackTo)}`);
  const application = await ctx.argo.getApplication(app);
  const t = workloadTarget(ctx);
  // the tracking label or annotation on the workload names the application, and anyone who can label
  // the workload can name any application: a rollback of the whole app needs the app to manage it
  const problem = argoTargetProblem(app, application, t, { name: ctx.kube.cluster, server: ctx.kube.server });
  if (problem) return failed(`refused: ${problem}; nothing was changed`);
  const [prev, current] = application.history.slice(-2);
  if (!current) return failed(`refused: Argo CD application ${app.name} has no previous sync to roll back to`);
  // resumed after the rollback call but before its checkpoint: Argo CD recorded the rollback as a new
  // sync, so "the previous sync" is now the bad one; do not roll back to it
  const planned = ctx.checkpoint.fromHistoryId;
  if (typeof planned === 'number' && current.id !== planned && typeof ctx.checkpoint.toHistoryId === 'number') {
    await ctx.save({ argoRolledBackTo: ctx.checkpoint.toHistoryId });
    return ok(`Argo CD application ${app.name} synced again since its rollback to history ${String(ctx.checkpoint.toHistoryId)} was planned: taken as rolled back, not rolled back again`);
  }
  // Argo CD refuses a rollback while auto-sync is on, and auto-sync would undo it: pause it and remember how it was.
  if (ctx.checkpoint.autoSync === undefined) await ctx.save({ autoSync: application.automated, fromHistoryId: current.id, toHistoryId: prev.id });
  if (application.automated) await ctx.argo.setAutomatedSync(app, null);
  await ctx.argo.rollback(app, prev.id);
  await ctx.save({ argoRolledBackTo: prev.id });
  return ok(`Argo CD application ${app.name} rolled back to ${prev.revision} (history ${prev.id}); automated sync paused`);
}

/**
 * A run that stopped between the patch and its checkpoint (a crash, a lost lease) resumes with a
 * plan but no `patched`. Working out "the previous revision" again would then find the bad one (the
 * rollback made the old template current) and roll back a second time, undoing the fix. The spec's
 * generation tells: if it moved since the plan, the patch (or another change) landed, and nothing
 * is patched again.
 */
async function landedSincePlan(ctx: OpContext, t: Target, w: Workload): Promise<OpResult | undefined> {
  const planned = ctx.checkpoint.fromGeneration;
  if (typeof planned !== 'number' || w.metadata?.generation === planned) return undefined;
  await ctx.save({ patched: true });
  return ok(`${t.kind} ${t.namespace}/${t.name} changed since its rollback to revision ${String(ctx.checkpoint.toRevision)} was planned (generation ${planned} → ${String(w.metadata?.generation)}): taken as rolled back, not rolled back again`);
}

/** The containers whose image differs between two pod templates, as `name a → b`; empty when none does. */
export function imageChanges(from: V1PodTemplateSpec | undefined, to: V1PodTemplateSpec | undefined): string {
  const before = new Map((from?.spec?.containers ?? []).map((c) => [c.name, c.image]));
  const changed = (to?.spec?.containers ?? []).filter((c) => before.get(c.name) !== c.image).map((c) => `${c.name} ${before.get(c.name) ?? '(none)'} → ${c.image ?? '(none)'}`);
  return changed.length > 0 ? `: ${changed.join(', ')}` : ' (same images: the template differs otherwise)';
}

const templateOfData = (data: unknown): V1PodTemplateSpec | undefined => (data as { spec?: { template?: V1PodTemplateSpec } } | undefined)?.spec?.template;

async function deploymentRollback(ctx: OpContext, t: Target, w: Workload): Promise<OpResult> {
  const prev = await previousDeploymentTemplate(ctx, t, w);
  if (!prev) return failed(`refused: Deployment ${t.namespace}/${t.name} has no previous revision`);
  await ctx.save({ fromRevision: prev.from, toRevision: prev.to, fromTemplate: w.spec?.template, fromGeneration: w.metadata?.generation });
  await ctx.kube.patchWorkload(t.kind, t.namespace, t.name, [{ op: 'replace', path: '/spec/template', value: prev.template }], 'json');
  await ctx.save({ patched: true });
  return ok(`rolled Deployment ${t.namespace}/${t.name} back from revision ${prev.from} to ${prev.to}${imageChanges(w.spec?.template, prev.template)}`);
}

async function revisionRollback(ctx: OpContext, t: Target, w: Workload): Promise<OpResult> {
  const [current, prev] = await controllerRevisions(ctx.kube, t, w);
  if (!prev) return failed(`refused: ${t.kind} ${t.namespace}/${t.name} has no previous revision`);
  await ctx.save({ fromRevision: current.revision, toRevision: prev.revision, fromData: current.data, fromGeneration: w.metadata?.generation });
  await ctx.kube.patchWorkload(t.kind, t.namespace, t.name, prev.data as object, 'strategic');
  await ctx.save({ patched: true });
  return ok(`rolled ${t.kind} ${t.namespace}/${t.name} back from revision ${current.revision} to ${prev.revision}${imageChanges(templateOfData(current.data) ?? w.spec?.template, templateOfData(prev.data))}`);
}

/** Rolls a workload back one revision, through Argo CD when Argo manages it. Rollback rolls forward again. */
export const rollbackRevision: SafeOperationImpl = {
  async execute(ctx) {
    const t = workloadTarget(ctx);
    if (ctx.checkpoint.patched === true) return ok(`${t.kind} ${t.namespace}/${t.name} was already rolled back to revision ${String(ctx.checkpoint.toRevision)}`);
    const w = await ctx.kube.readWorkload(t.kind, t.namespace, t.name);
    const app = argoManagedBy(w.metadata);
    if (app) return viaArgo(ctx, app);
    const landed = await landedSincePlan(ctx, t, w);
    if (landed) return landed;
    return t.kind === 'Deployment' ? deploymentRollback(ctx, t, w) : revisionRollback(ctx, t, w);
  },
  async rollback(ctx) {
    const t = workloadTarget(ctx);
    const cp = ctx.checkpoint;
    if (cp.argoRolledBackTo !== undefined) return rollForwardArgo(ctx, t);
    if (cp.patched !== true) return ok(`nothing to undo: ${t.kind} ${t.namespace}/${t.name} was not rolled back`);
    const patch = t.kind === 'Deployment' ? [{ op: 'replace', path: '/spec/template', value: cp.fromTemplate }] : (cp.fromData as object);
    await ctx.kube.patchWorkload(t.kind, t.namespace, t.name, patch, t.kind === 'Deployment' ? 'json' : 'strategic');
    return ok(`rolled ${t.kind} ${t.namespace}/${t.name} forward again to revision ${String(cp.fromRevision)}`);
  },
};

async function rollForwardArgo(ctx: OpContext, t: Target): Promise<OpResult> {
  const app = argoManagedBy((await ctx.kube.readWorkload(t.kind, t.namespace, t.name)).metadata);
  if (!app) return failed(`cannot roll forward ${t.kind} ${t.namespace}/${t.name}: it is no longer managed by Argo CD`);
  if (!ctx.argo) return noArgoConnection(app);
  const automated = ctx.checkpoint.autoSync as Record<string, unknown> | null;
  if (automated) {
    await ctx.argo.setAutomatedSync(app, automated);
    return ok(`re-enabled automated sync of Argo CD application ${app.name}; it syncs back to Git`);
  }
  await ctx.argo.rollback(app, ctx.checkpoint.fromHistoryId as number);
  return ok(`Argo CD application ${app.name} rolled forward to history ${String(ctx.checkpoint.fromHistoryId)}`);
}
