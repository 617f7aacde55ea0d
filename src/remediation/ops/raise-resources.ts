import type { V1Container, V1Node } from '@kubernetes/client-node';
import { argoManagedBy } from './argo-cd-api.js';
import { formatQuantity, parseQuantity, type ResourceName } from './quantity.js';
import { argoRefusal, failed, num, ok, withFreshRead, workloadTarget, type OpContext, type SafeOperationImpl } from './operation-context.js';

/** One container's request and limit of the raised resource, as written in the spec. */
export type ContainerValues = Record<string, { request?: string; limit?: string }>;

const isReady = (n: V1Node) => (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True');

/** The largest allocatable amount of a resource on any schedulable, ready node (base units). */
export function largestAllocatable(nodes: V1Node[], resource: ResourceName): number {
  return Math.max(0, ...nodes.filter((n) => !n.spec?.unschedulable && isReady(n)).map((n) => parseQuantity(n.status?.allocatable?.[resource]) ?? 0));
}

const valuesOf = (containers: V1Container[], resource: ResourceName): ContainerValues =>
  Object.fromEntries(containers.map((c) => [c.name, { request: c.resources?.requests?.[resource], limit: c.resources?.limits?.[resource] }]));

/**
 * New values: each request and limit times `factor`, scaled down together so that the pod's total
 * request and each limit stay within `cap` (a pod larger than every node could never schedule).
 */
export function raisedValues(containers: V1Container[], resource: ResourceName, factor: number, cap: number): { values: ContainerValues; factor: number } {
  const old = valuesOf(containers, resource);
  const total = Object.values(old).reduce((s, v) => s + (parseQuantity(v.request) ?? 0), 0);
  const maxLimit = Math.max(0, ...Object.values(old).map((v) => parseQuantity(v.limit) ?? 0));
  const f = Math.min(factor, total > 0 ? cap / total : factor, maxLimit > 0 ? cap / maxLimit : factor);
  const scale = (q?: string) => (q === undefined ? undefined : formatQuantity(resource, parseQuantity(q)! * f));
  const values = Object.fromEntries(Object.entries(old).map(([name, v]) => [name, { request: scale(v.request), limit: scale(v.limit) }]));
  return { values, factor: f };
}

function resourcesPatch(values: ContainerValues, resource: ResourceName, resourceVersion?: string): object {
  const containers = Object.entries(values).map(([name, v]) => ({
    name,
    resources: { ...(v.request ? { requests: { [resource]: v.request } } : {}), ...(v.limit ? { limits: { [resource]: v.limit } } : {}) },
  }));
  return { metadata: { resourceVersion }, spec: { template: { spec: { containers } } } };
}

const sameValues = (a: ContainerValues, b: ContainerValues) => JSON.stringify(a) === JSON.stringify(b);
const resourceOf = (ctx: OpContext): ResourceName => (ctx.params.resource === 'cpu' ? 'cpu' : 'memory');

/** Raises requests and limits of one resource by a bounded factor, capped at node allocatable; never lowers them. */
export const raiseResources: SafeOperationImpl = {
  async execute(ctx) {
    const { kind, namespace, name } = workloadTarget(ctx);
    const resource = resourceOf(ctx);
    const cap = largestAllocatable(await ctx.kube.listNodes(), resource);
    return withFreshRead(() => ctx.kube.readWorkload(kind, namespace, name), async (w) => {
      const app = argoManagedBy(w.metadata);
      if (app) return argoRefusal(app, `${kind} ${namespace}/${name}`);
      const containers = w.spec?.template.spec?.containers ?? [];
      const previous = ctx.checkpoint.previous as ContainerValues | undefined;
      if (previous && !sameValues(previous, valuesOf(containers, resource))) return ok(`${resource} of ${kind} ${namespace}/${name} was already raised`);
      const raised = raisedValues(containers, resource, num(ctx.params.factor, 1), cap);
      if (raised.factor <= 1) return failed(`refused: ${resource} of ${kind} ${namespace}/${name} is already at the largest node allocatable (${formatQuantity(resource, cap)})`);
      if (!previous) await ctx.save({ previous: valuesOf(containers, resource) });
      await ctx.kube.patchWorkload(kind, namespace, name, resourcesPatch(raised.values, resource, w.metadata?.resourceVersion), 'strategic');
      const capped = raised.factor < num(ctx.params.factor, 1) ? ` (capped at node allocatable ${formatQuantity(resource, cap)})` : '';
      return ok(`raised ${resource} of ${kind} ${namespace}/${name} by ×${raised.factor.toFixed(2)}${capped}`);
    });
  },
  async rollback(ctx) {
    const { kind, namespace, name } = workloadTarget(ctx);
    const previous = ctx.checkpoint.previous as ContainerValues | undefined;
    if (!previous) return ok(`nothing to undo: ${kind} ${namespace}/${name} was not changed`);
    await ctx.kube.patchWorkload(kind, namespace, name, resourcesPatch(previous, resourceOf(ctx)), 'strategic');
    return ok(`restored the previous ${resourceOf(ctx)} of ${kind} ${namespace}/${name}`);
  },
};
