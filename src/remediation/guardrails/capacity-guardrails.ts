import type { NodeFacts, Resources } from './cluster-reader.js';
import { describeTarget, hpaOfTarget, withinLastHour, workloadOfTarget, type GuardContext, type Guardrail } from './guard-context.js';

const num = (v: unknown, fallback: number) => (typeof v === 'number' ? v : fallback);
const RESOURCES = ['cpu', 'memory'] as const;

/** Extra requests the change adds to the cluster, and the nodes left to carry them. */
async function demand(g: GuardContext, nodes: NodeFacts[]): Promise<{ extra: Resources; remaining: NodeFacts[] } | string> {
  const t = g.req.target;
  const usable = nodes.filter((n) => n.ready && n.schedulable);
  if (g.op.id === 'cordon-drain-node') return { extra: { cpu: 0, memory: 0 }, remaining: usable.filter((n) => n.name !== t.name) };
  const w = await workloadOfTarget(g);
  if (!w) return `${describeTarget(g)} not found`;
  if (g.op.id === 'raise-resources') {
    const f = num(g.params.factor, 1) - 1;
    const r = g.params.resource === 'cpu' ? 'cpu' : 'memory';
    return { extra: { cpu: 0, memory: 0, [r]: w.podRequests[r] * f * Math.max(w.desired, 1) }, remaining: usable };
  }
  const delta = g.params.direction === 'up' ? Math.max(0, num(g.params.replicas, 0) - w.desired) : 0;
  return { extra: { cpu: w.podRequests.cpu * delta, memory: w.podRequests.memory * delta }, remaining: usable };
}

/** After the change, at least `minCapacityHeadroom` of schedulable allocatable CPU and memory stays unrequested. */
export const capacityHeadroom: Guardrail = async (g) => {
  const nodes = await g.state.reader.nodes(g.req.target.cluster);
  const d = await demand(g, nodes);
  if (typeof d === 'string') return d;
  for (const r of RESOURCES) {
    const allocatable = d.remaining.reduce((s, n) => s + n.allocatable[r], 0);
    const requested = nodes.reduce((s, n) => s + n.requested[r], 0) + d.extra[r];
    const headroom = allocatable > 0 ? 1 - requested / allocatable : -1;
    if (headroom < g.limits.minCapacityHeadroom) {
      return `${r} headroom after the change would be ${(headroom * 100).toFixed(0)}% (minimum ${(g.limits.minCapacityHeadroom * 100).toFixed(0)}%)`;
    }
  }
  return undefined;
};

/** Drains: at most maxNodesPerCluster at once and per hour in a cluster, at most maxNodesPerFleetPerHour fleet-wide (each the smaller of the proposal's and the config's). */
export const drainRateLimit: Guardrail = async (g) => {
  const t = g.req.target;
  const perCluster = Math.min(num(g.params.maxNodesPerCluster, 1), g.limits.maxNodesPerCluster);
  const perFleet = Math.min(num(g.params.maxNodesPerFleetPerHour, 5), g.limits.maxNodesPerFleetPerHour);
  const drains = g.state.recentOperations.filter((o) => o.operation === 'cordon-drain-node' && o.operationId !== g.req.operationId);
  const cordoned = (await g.state.reader.nodes(t.cluster)).filter((n) => !n.schedulable && n.name !== t.name).length;
  if (cordoned + 1 > perCluster) return `${cordoned} other node(s) in ${t.cluster} are already cordoned (at most ${perCluster} at once)`;
  const clusterHour = drains.filter((o) => o.cluster === t.cluster && (withinLastHour(g, o.startedAtMs) || o.state === 'executing')).length;
  if (clusterHour + 1 > perCluster) return `${clusterHour} drain(s) in ${t.cluster} in the last hour (at most ${perCluster})`;
  const fleetHour = drains.filter((o) => withinLastHour(g, o.startedAtMs) || o.state === 'executing').length;
  if (fleetHour + 1 > perFleet) return `${fleetHour} drain(s) across the fleet in the last hour (at most ${perFleet} per hour)`;
  return undefined;
};

/** Evictions: at most maxPodsPerCluster pods evicted by fleetops in one cluster per hour (running ones count), this one included. */
export const evictionRateLimit: Guardrail = async (g) => {
  const t = g.req.target;
  const max = Math.min(num(g.params.maxPodsPerCluster, 1), g.limits.maxPodsPerCluster);
  const recent = g.state.recentOperations.filter((o) => o.operation === 'evict-pod' && o.operationId !== g.req.operationId && o.cluster === t.cluster
    && (withinLastHour(g, o.startedAtMs) || o.state === 'executing')).length;
  return recent + 1 > max ? `${recent} pod eviction(s) in ${t.cluster} in the last hour (at most ${max})` : undefined;
};

/** A workload with an HPA is changed through the HPA's bounds, never against what the HPA wants. */
export const hpaNotFought: Guardrail = async (g) => {
  const hpa = await hpaOfTarget(g);
  if (!hpa) return g.req.target.kind === 'HorizontalPodAutoscaler' ? `${describeTarget(g)} not found` : undefined;
  const replicas = num(g.params.replicas, 0);
  if (g.params.direction === 'down' && hpa.desiredReplicas > replicas) {
    return `HPA ${hpa.namespace}/${hpa.name} wants ${hpa.desiredReplicas} replicas; capping it at ${replicas} would fight it`;
  }
  return undefined;
};

/** A scale-down only when the workload is not busy (fails closed when utilisation is unknown). */
export const utilisationBelowThreshold: Guardrail = async (g) => {
  if (g.params.direction !== 'down') return undefined;
  const t = g.req.target;
  const hpa = t.kind === 'HorizontalPodAutoscaler' ? await hpaOfTarget(g) : undefined;
  const kind = hpa?.target.kind ?? t.kind;
  const name = hpa?.target.name ?? t.name;
  const u = await g.state.reader.utilisation(t.cluster, kind, t.namespace ?? '', name);
  if (u === undefined) return `no utilisation data for ${kind} ${t.namespace}/${name}: a scale-down needs it`;
  const max = g.limits.maxUtilisationForScaleDown;
  return u > max ? `utilisation of ${kind} ${t.namespace}/${name} is ${(u * 100).toFixed(0)}% (scale-down allowed up to ${(max * 100).toFixed(0)}%)` : undefined;
};

/** A raised pod still fits on the largest schedulable node. */
export const withinNodeAllocatable: Guardrail = async (g) => {
  const w = await workloadOfTarget(g);
  if (!w) return `${describeTarget(g)} not found`;
  const r = g.params.resource === 'cpu' ? 'cpu' : 'memory';
  const nodes = (await g.state.reader.nodes(g.req.target.cluster)).filter((n) => n.ready && n.schedulable);
  const largest = Math.max(0, ...nodes.map((n) => n.allocatable[r]));
  const raised = w.podRequests[r] * num(g.params.factor, 1);
  return raised <= largest ? undefined : `a pod of ${w.kind} ${w.namespace}/${w.name} would request ${raised} ${r === 'cpu' ? 'cores' : 'bytes'}, more than the largest node allocatable ${largest}`;
};
