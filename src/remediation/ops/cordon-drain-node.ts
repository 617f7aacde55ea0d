import type { V1Pod } from '@kubernetes/client-node';
import { SafetyViolationError } from '../../core/errors.js';
import { isKubeStatus } from './kube-api.js';
import { blocked, failed, num, ok, type OpContext, type SafeOperationImpl } from './operation-context.js';
import { compareText } from '../../core/compare-text.js';

const POLL_MS = 5_000;
const podKey = (p: V1Pod) => `${p.metadata?.namespace}/${p.metadata?.name}`;

/** Pods a drain must evict: not DaemonSet-owned (they would come straight back), not mirror pods, not finished. */
export function drainablePods(pods: V1Pod[]): V1Pod[] {
  return pods
    .filter((p) => !(p.metadata?.ownerReferences ?? []).some((o) => o.kind === 'DaemonSet'))
    .filter((p) => !p.metadata?.annotations?.['kubernetes.io/config.mirror'])
    .filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed')
    .sort((a, b) => compareText(podKey(a), podKey(b)));
}

function nodeName(ctx: OpContext): string {
  if (ctx.req.target.kind !== 'Node') throw new SafetyViolationError(`cordon-drain-node needs a Node target, got ${ctx.req.target.kind}`);
  return ctx.req.target.name;
}

async function cordon(ctx: OpContext, node: string): Promise<void> {
  if (ctx.checkpoint.cordoned === true) return;
  // Remember the state before our first cordon only: after a crash the node is cordoned by us.
  if (ctx.checkpoint.wasUnschedulable === undefined) {
    const n = await ctx.kube.readNode(node);
    await ctx.save({ wasUnschedulable: n.spec?.unschedulable === true });
  }
  await ctx.kube.patchNode(node, { spec: { unschedulable: true } });
  await ctx.save({ cordoned: true, evicted: [] });
}

/** Evicts each pod not evicted yet, checkpointing after every eviction so a killed run never evicts twice. */
async function evictAll(ctx: OpContext, node: string): Promise<string | undefined> {
  const evicted = new Set((ctx.checkpoint.evicted as string[] | undefined) ?? []);
  const pods = drainablePods(await ctx.kube.listPodsOnNode(node)).filter((p) => !evicted.has(podKey(p)));
  for (const pod of pods) {
    try {
      await ctx.kube.evictPod(pod.metadata!.namespace!, pod.metadata!.name!, num(ctx.params.gracePeriodSeconds, 120));
    } catch (err) {
      if (isKubeStatus(err, 429)) return podKey(pod);
      if (!isKubeStatus(err, 404)) throw err;
    }
    evicted.add(podKey(pod));
    await ctx.save({ evicted: [...evicted] });
  }
  return undefined;
}

async function waitUntilEmpty(ctx: OpContext, node: string): Promise<boolean> {
  const deadline = ctx.nowMs() + num(ctx.params.timeoutSeconds, 600) * 1000;
  while (drainablePods(await ctx.kube.listPodsOnNode(node)).length > 0) {
    if (ctx.nowMs() >= deadline) return false;
    await ctx.sleep(POLL_MS, ctx.req.abortSignal);
  }
  return true;
}

/** Cordon, then evict every drainable pod through the Eviction API; rollback uncordons. */
export const cordonDrainNode: SafeOperationImpl = {
  async execute(ctx) {
    const node = nodeName(ctx);
    await cordon(ctx, node);
    const stuck = await evictAll(ctx, node);
    const done = (ctx.checkpoint.evicted as string[]).length;
    if (stuck) return blocked(`drain of ${node} paused: a PodDisruptionBudget refuses evicting ${stuck} (${done} pods evicted so far); the node stays cordoned, retry later or roll back to uncordon`);
    if (!(await waitUntilEmpty(ctx, node))) return failed(`drain of ${node}: pods still terminating after ${num(ctx.params.timeoutSeconds, 600)} s; the node stays cordoned`);
    return ok(`cordoned and drained node ${node} (${done} pods evicted)`);
  },
  async rollback(ctx) {
    const node = nodeName(ctx);
    if (ctx.checkpoint.wasUnschedulable === true) return ok(`node ${node} was cordoned before this operation; left cordoned`);
    await ctx.kube.patchNode(node, { spec: { unschedulable: false } });
    await ctx.save({ uncordoned: true });
    return ok(`uncordoned node ${node}`);
  },
};
