import type { V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import { argoManagedBy } from './argo-cd-api.js';
import type { ScalableKind } from './kube-api.js';
import { argoRefusal, failed, num, ok, withFreshRead, workloadTarget, type OpContext, type OpResult, type SafeOperationImpl } from './operation-context.js';

interface Want { direction: 'up' | 'down'; replicas: number; maxStep: number }

const want = (ctx: OpContext): Want => ({
  direction: ctx.params.direction === 'down' ? 'down' : 'up',
  replicas: num(ctx.params.replicas, -1),
  maxStep: num(ctx.params.maxStepReplicas, 10),
});

function stepProblem(w: Want, current: number): string | undefined {
  if (w.direction === 'up' && w.replicas < current) return `scale up to ${w.replicas} but it already runs ${current}`;
  if (w.direction === 'down' && w.replicas > current) return `scale down to ${w.replicas} but it runs only ${current}`;
  if (Math.abs(w.replicas - current) > w.maxStep) return `a change from ${current} to ${w.replicas} exceeds maxStepReplicas ${w.maxStep}`;
  return undefined;
}

/** New HPA bounds that make the HPA itself land on `replicas` without fighting it. */
export function hpaBounds(hpa: V2HorizontalPodAutoscaler, w: Want): { minReplicas: number; maxReplicas: number } {
  const min = hpa.spec?.minReplicas ?? 1;
  const max = hpa.spec?.maxReplicas ?? min;
  return w.direction === 'up'
    ? { minReplicas: Math.max(min, w.replicas), maxReplicas: Math.max(max, w.replicas) }
    : { minReplicas: Math.min(min, w.replicas), maxReplicas: w.replicas };
}

async function viaHpa(ctx: OpContext, namespace: string, hpaName: string, w: Want): Promise<OpResult> {
  const read = async () => (await ctx.kube.listHpas(namespace)).find((h) => h.metadata?.name === hpaName);
  return withFreshRead(read, async (hpa) => {
    if (!hpa) return failed(`HPA ${namespace}/${hpaName} not found`);
    const app = argoManagedBy(hpa.metadata);
    if (app) return argoRefusal(app, `HPA ${namespace}/${hpaName}`);
    const desired = hpa.status?.desiredReplicas ?? hpa.status?.currentReplicas ?? 0;
    if (w.direction === 'down' && desired > w.replicas) return failed(`refused: HPA ${namespace}/${hpaName} wants ${desired} replicas; capping it at ${w.replicas} would fight it`);
    const bounds = hpaBounds(hpa, w);
    if (bounds.minReplicas === hpa.spec?.minReplicas && bounds.maxReplicas === hpa.spec?.maxReplicas) return ok(`HPA ${namespace}/${hpaName} already has bounds ${bounds.minReplicas}–${bounds.maxReplicas}`);
    const problem = stepProblem(w, hpa.status?.currentReplicas ?? desired);
    if (problem) return failed(`refused: ${problem}`);
    if (!ctx.checkpoint.previousHpa) await ctx.save({ previousHpa: { minReplicas: hpa.spec?.minReplicas ?? 1, maxReplicas: hpa.spec?.maxReplicas } });
    await ctx.kube.patchHpa(namespace, hpaName, { metadata: { resourceVersion: hpa.metadata?.resourceVersion }, spec: bounds });
    return ok(`changed HPA ${namespace}/${hpaName} bounds to ${bounds.minReplicas}–${bounds.maxReplicas}; the HPA scales the workload`);
  });
}

async function direct(ctx: OpContext, kind: ScalableKind, namespace: string, name: string, w: Want): Promise<OpResult> {
  const app = argoManagedBy((await ctx.kube.readWorkload(kind, namespace, name)).metadata);
  if (app) return argoRefusal(app, `${kind} ${namespace}/${name}`);
  return withFreshRead(() => ctx.kube.readScale(kind, namespace, name), async (scale) => {
    const current = scale.spec?.replicas ?? 0;
    if (current === w.replicas) return ok(`${kind} ${namespace}/${name} already runs ${current} replicas`);
    const problem = stepProblem(w, current);
    if (problem) return failed(`refused: ${problem}`);
    if (ctx.checkpoint.previousReplicas === undefined) await ctx.save({ previousReplicas: current });
    await ctx.kube.replaceScale(kind, namespace, name, { ...scale, spec: { replicas: w.replicas } });
    return ok(`scaled ${kind} ${namespace}/${name} from ${current} to ${w.replicas} replicas`);
  });
}

async function hpaOf(ctx: OpContext, kind: string, namespace: string, name: string): Promise<string | undefined> {
  const hpas = await ctx.kube.listHpas(namespace);
  return hpas.find((h) => h.spec?.scaleTargetRef.kind === kind && h.spec.scaleTargetRef.name === name)?.metadata?.name;
}

/** Scales a Deployment/StatefulSet, or moves its HPA's bounds when an HPA owns the replica count. */
export const scaleWorkload: SafeOperationImpl = {
  async execute(ctx) {
    const { kind, namespace, name } = workloadTarget(ctx, ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler'] as const as string[]);
    const w = want(ctx);
    if ((kind as string) === 'HorizontalPodAutoscaler') return viaHpa(ctx, namespace, name, w);
    const hpa = await hpaOf(ctx, kind, namespace, name);
    return hpa ? viaHpa(ctx, namespace, hpa, w) : direct(ctx, kind as ScalableKind, namespace, name, w);
  },
  async rollback(ctx) {
    const { kind, namespace, name } = workloadTarget(ctx, ['Deployment', 'StatefulSet', 'HorizontalPodAutoscaler']);
    const prevHpa = ctx.checkpoint.previousHpa as { minReplicas: number; maxReplicas: number } | undefined;
    const prev = ctx.checkpoint.previousReplicas;
    if (prevHpa) {
      const hpa = (kind as string) === 'HorizontalPodAutoscaler' ? name : await hpaOf(ctx, kind, namespace, name);
      if (!hpa) return failed(`cannot restore HPA bounds of ${namespace}/${name}: the HPA is gone`);
      await ctx.kube.patchHpa(namespace, hpa, { spec: prevHpa });
      return ok(`restored HPA ${namespace}/${hpa} bounds to ${prevHpa.minReplicas}–${prevHpa.maxReplicas}`);
    }
    if (typeof prev !== 'number') return ok(`nothing to undo: ${kind} ${namespace}/${name} was not scaled`);
    await withFreshRead(() => ctx.kube.readScale(kind as ScalableKind, namespace, name),
      (scale) => ctx.kube.replaceScale(kind as ScalableKind, namespace, name, { ...scale, spec: { replicas: prev } }));
    return ok(`scaled ${kind} ${namespace}/${name} back to ${prev} replicas`);
  },
};
