/** Confounders: look like incidents (or land during one) but are not a cause. Ground truth `none`. */
import type { ComponentId } from '../fleet/types.js';
import { COMPONENT_PROFILES } from './catalog.js';
import { hashKeys } from './random.js';
import { MIN, alert, change, effect, event, logs, pickClusters, symptom, type BuildContext } from './scenario-context.js';
import type { ScenarioInstance, ScenarioSpec, Symptom } from './scenario-types.js';

function oneCluster(ctx: BuildContext, spec: ScenarioSpec): string {
  const id = spec.clusters?.[0] ?? pickClusters(ctx, 1, (c) => c.environment === 'prod')[0].id;
  ctx.used.add(id);
  return id;
}

export function buildBenignSpike(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number): ScenarioInstance {
  const cluster = oneCluster(ctx, spec);
  const symptoms: Symptom[] = [];
  for (const c of ['workload', 'ingress-gateway'] as const) {
    effect(ctx, cluster, c, 'request_rate', startMs, endMs, 'mul', 1 + 1.4 * mag, 5 * MIN);
    effect(ctx, cluster, c, 'cpu_saturation', startMs, endMs, 'mul', 1 + 0.5 * mag, 5 * MIN);
    effect(ctx, cluster, c, 'latency_p99', startMs, endMs, 'mul', 1.08, 5 * MIN);
    symptom(symptoms, cluster, c, 'request_rate', 'up');
    symptom(symptoms, cluster, c, 'cpu_saturation', 'up');
  }
  event(ctx, { tsMs: startMs + 3 * MIN, cluster, namespace: 'apps', involvedKind: 'HorizontalPodAutoscaler', involvedName: 'checkout-api', reason: 'SuccessfulRescale', type: 'Normal', message: 'New size: 6; reason: cpu resource utilization (percentage of request) above target' });
  event(ctx, { tsMs: endMs + 10 * MIN, cluster, namespace: 'apps', involvedKind: 'HorizontalPodAutoscaler', involvedName: 'checkout-api', reason: 'SuccessfulRescale', type: 'Normal', message: 'New size: 3; reason: All metrics below target' });
  alert(ctx, 'CPUThrottlingHigh', cluster, 'info', { namespace: 'apps', container: 'checkout-api' }, startMs, endMs, 5 * MIN);
  return {
    id, kind: 'benign-spike', isConfounder: true, startMs, endMs, clusters: [cluster], component: 'workload',
    rootCause: { failureMode: 'none', component: 'workload', cluster }, symptoms, severity: 'info',
    description: `Short traffic spike on ${cluster} (marketing campaign): request rate and CPU up, no errors, SLO met.`,
  };
}

export function buildMaintenance(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, _mag: number): ScenarioInstance {
  const cluster = oneCluster(ctx, spec);
  const topo = ctx.topology(cluster);
  const node = topo.nodes.filter((n) => n.pool !== 'system').at(-1)!.name;
  const reboot = startMs + Math.floor((endMs - startMs) / 3 / ctx.stepMs) * ctx.stepMs;
  change(ctx, { id: `mw-${hashKeys(id, cluster).toString(16)}`, tsMs: startMs, endMs, cluster, component: 'kubelet', kind: 'maintenance', author: 'platform-oncall', status: 'succeeded', description: `Planned maintenance: drain and reboot ${node} for kernel patching` });
  effect(ctx, cluster, node, 'node_ready', reboot, reboot + 10 * MIN, 'set', 0, 0);
  effect(ctx, cluster, 'workload', 'error_ratio', startMs, reboot + 10 * MIN, 'add', 0.0002, 5 * MIN);
  const symptoms: Symptom[] = [];
  symptom(symptoms, cluster, 'node', 'node_ready', 'down');
  const base = { cluster, namespace: 'default', involvedKind: 'Node', involvedName: node, node };
  event(ctx, { ...base, tsMs: startMs + MIN, reason: 'NodeNotSchedulable', type: 'Normal', message: `Node ${node} status is now: NodeNotSchedulable` });
  event(ctx, { ...base, tsMs: reboot, reason: 'NodeNotReady', type: 'Normal', message: `Node ${node} status is now: NodeNotReady` });
  event(ctx, { ...base, tsMs: reboot + 10 * MIN, reason: 'NodeReady', type: 'Normal', message: `Node ${node} status is now: NodeReady` });
  event(ctx, { ...base, tsMs: reboot + 11 * MIN, reason: 'NodeSchedulable', type: 'Normal', message: `Node ${node} status is now: NodeSchedulable` });
  for (const p of topo.pods.filter((x) => x.node === node && x.component === 'workload')) {
    event(ctx, { cluster, namespace: p.namespace, involvedKind: 'Pod', involvedName: p.name, node, tsMs: startMs + 2 * MIN, reason: 'Killing', type: 'Normal', message: `Stopping container ${p.name.split('-').slice(0, 2).join('-')}` });
  }
  return {
    id, kind: 'maintenance-window', isConfounder: true, startMs, endMs, clusters: [cluster], component: 'kubelet',
    rootCause: { failureMode: 'none', component: 'kubelet', cluster, node }, symptoms, severity: 'info',
    description: `Declared maintenance on ${cluster}: ${node} drained and rebooted (NotReady 10 min), tiny availability blip within SLO.`,
  };
}

/** A deploy of an innocent component during an incident, on one of its clusters. */
export function buildUnrelatedDeploy(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, _mag: number, during?: ScenarioInstance): ScenarioInstance {
  const cluster = spec.clusters?.[0] ?? during?.clusters[0] ?? pickClusters(ctx, 1)[0].id;
  const avoid = new Set<string>([during?.component ?? '', during?.rootCause.component ?? '', 'workload']);
  const component = (['metrics-server', 'cluster-autoscaler', 'csi', 'cert-manager'] as ComponentId[]).find((c) => !avoid.has(c))!;
  const prof = COMPONENT_PROFILES[component];
  const c = ctx.clusterById.get(cluster)!;
  const to = c.versions[component]!;
  const from = prof.versions.find((v) => v !== to) ?? to;
  const deployMs = during ? during.startMs - 12 * MIN : startMs;
  change(ctx, { id: `chg-${hashKeys(id, cluster).toString(16)}`, tsMs: deployMs, cluster, component, kind: 'deploy', fromVersion: from, toVersion: to, author: 'argocd', status: 'succeeded', description: `Sync ${prof.workloadName}: image ${prof.image}:${from} → ${to}` });
  const pod = ctx.topology(cluster).pods.find((p) => p.component === component)!;
  event(ctx, { tsMs: deployMs + MIN, cluster, namespace: pod.namespace, involvedKind: 'Deployment', involvedName: prof.workloadName, reason: 'ScalingReplicaSet', type: 'Normal', message: `Scaled up replica set ${pod.name.split('-').slice(0, -1).join('-')} to 1` });
  event(ctx, { tsMs: deployMs + 2 * MIN, cluster, namespace: pod.namespace, involvedKind: 'Pod', involvedName: pod.name, node: pod.node, reason: 'Pulled', type: 'Normal', message: `Successfully pulled image "${prof.image}:${to}"` });
  logs(ctx, { cluster, namespace: pod.namespace, pod: pod.name, node: pod.node, component, level: 'info' }, deployMs + 2 * MIN, deployMs + 3 * MIN, MIN, () => `${prof.workloadName} ${to} started`);
  return {
    id, kind: 'unrelated-deploy', isConfounder: true, startMs: deployMs, endMs: during ? deployMs + 15 * MIN : endMs, clusters: [cluster], component,
    rootCause: { failureMode: 'none', component, cluster, version: to }, symptoms: [], severity: 'info',
    description: `Routine deploy of ${component} ${to} on ${cluster}${during ? ` during ${during.kind} (${during.id})` : ''}: innocent, nothing moves.`,
  };
}
