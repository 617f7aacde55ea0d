/** Multi-cluster incidents: a bad rollout, a regional degradation; and a cluster that goes dark. */
import type { ComponentId } from '../fleet/types.js';
import { COMPONENT_PROFILES } from './catalog.js';
import { hashKeys } from './random.js';
import { CLUSTER_SCOPE } from './series.js';
import { MIN, alert, change, effect, event, logs, pickClusters, podIp, symptom, type BuildContext } from './scenario-context.js';
import type { ScenarioInstance, ScenarioSpec, Symptom } from './scenario-types.js';

export const BAD_ROLLOUT_COMPONENTS: readonly ComponentId[] = ['coredns', 'ingress-gateway', 'service-mesh', 'cni'];

const BAD_VERSION: Partial<Record<ComponentId, string>> = {
  coredns: 'v1.12.0', 'ingress-gateway': 'v1.12.0-beta.0', 'service-mesh': '1.24.0', cni: 'v1.16.3',
};

const ROLLOUT_ALERTS: Partial<Record<ComponentId, [string, string]>> = {
  coredns: ['CoreDNSErrorsHigh', 'CoreDNSLatencyHigh'],
  'ingress-gateway': ['NginxIngress5xxErrorRateHigh', 'NginxIngressLatencyHigh'],
  'service-mesh': ['IstioHigh5xxErrorRate', 'IstioLatencyHigh'],
  cni: ['CiliumAgentApiErrorsHigh', 'CiliumEndpointRegenerationSlow'],
};

const ROLLOUT_LOG: Partial<Record<ComponentId, (i: number) => string>> = {
  coredns: (i) => `[ERROR] plugin/errors: 2 ${['checkout-api', 'payments-api', 'catalog-web'][i % 3]}.apps.svc.cluster.local. AAAA: dns: buffer size too small`,
  'ingress-gateway': () => 'upstream prematurely closed connection while reading response header from upstream',
  'service-mesh': () => 'error\tads\tPush failed: proto: cannot parse invalid wire-format data',
  cni: () => 'level=error msg="Failed to regenerate endpoint" error="BPF template compilation failed"',
};

export function buildBadRollout(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number): ScenarioInstance {
  const component = spec.component ?? 'coredns';
  const prof = COMPONENT_PROFILES[component];
  const version = BAD_VERSION[component] ?? `${prof.versions[0]}-rc.1`;
  const cap = Math.max(2, Math.floor(ctx.clusters.length * 0.03));
  const count = Math.min(spec.clusterCount ?? 40, cap);
  const targets = spec.clusters ? spec.clusters.map((c) => ctx.clusterById.get(c)!).filter(Boolean) : pickClusters(ctx, count, (c) => c.environment !== 'dev');
  const symptoms: Symptom[] = [];
  const [errAlert, latAlert] = ROLLOUT_ALERTS[component] ?? [`${component}ErrorsHigh`, `${component}LatencyHigh`];
  let firstChange = '';
  const topoPods = (cluster: string) => ctx.topology(cluster).pods.filter((p) => p.component === component);
  targets.forEach((cluster, i) => {
    // Waves: the rollout reaches each cluster a little later; symptoms follow the deploy by ~5 min.
    const deployMs = startMs - 5 * MIN + Math.floor((i / targets.length) * 60) * MIN;
    const onset = deployMs + 5 * MIN;
    const from = cluster.versions[component] ?? prof.versions[0];
    cluster.versions[component] = version;
    const ch = change(ctx, { id: `chg-${hashKeys(id, cluster.id).toString(16)}`, tsMs: deployMs, cluster: cluster.id, component, kind: 'deploy', fromVersion: from, toVersion: version, author: 'argocd-rollouts', status: 'succeeded', description: `Sync ${prof.workloadName}: image ${prof.image}:${from} → ${version}` });
    firstChange ||= ch.id;
    effect(ctx, cluster.id, component, 'error_ratio', onset, endMs, 'add', 0.02 * mag);
    effect(ctx, cluster.id, component, 'latency_p99', onset, endMs, 'mul', 1 + 2.5 * mag);
    effect(ctx, cluster.id, component, 'cpu_saturation', onset, endMs, 'mul', 1.4);
    effect(ctx, cluster.id, 'workload', 'latency_p99', onset, endMs, 'mul', 1 + 0.5 * mag);
    effect(ctx, cluster.id, 'workload', 'error_ratio', onset, endMs, 'add', 0.003 * mag);
    for (const [c, s, d] of [[component, 'availability', 'down'], [component, 'error_ratio', 'up'], [component, 'latency_p99', 'up'], ['workload', 'latency_p99', 'up'], ['workload', 'error_ratio', 'up']] as const) symptom(symptoms, cluster.id, c, s, d);
    for (const pod of topoPods(cluster.id)) {
      const base = { cluster: cluster.id, namespace: pod.namespace, node: pod.node };
      event(ctx, { ...base, tsMs: deployMs + MIN, involvedKind: 'Pod', involvedName: pod.name, reason: 'Pulled', type: 'Normal', message: `Successfully pulled image "${prof.image}:${version}"` });
      event(ctx, { ...base, tsMs: onset + 2 * MIN, involvedKind: 'Pod', involvedName: pod.name, reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed: HTTP probe failed with statuscode: 503', count: Math.max(1, Math.round((Math.min(endMs, ctx.rangeMs.endMs) - onset) / (30 * 1000))) });
      logs(ctx, { ...base, pod: pod.name, component, level: 'info' }, deployMs + 30_000, deployMs + 31_000, MIN, () => `[INFO] ${prof.workloadName}-${version.replace(/^v/, '')} starting`);
      logs(ctx, { ...base, pod: pod.name, component, level: 'error' }, onset, endMs, 2 * MIN, ROLLOUT_LOG[component] ?? (() => 'request failed'));
    }
    alert(ctx, errAlert, cluster.id, 'critical', { namespace: prof.namespace, job: prof.workloadName }, onset, endMs, 10 * MIN);
    alert(ctx, latAlert, cluster.id, 'warning', { namespace: prof.namespace, job: prof.workloadName }, onset, endMs, 5 * MIN);
  });
  return {
    id, kind: 'bad-rollout', isConfounder: false, startMs, endMs, clusters: targets.map((c) => c.id), component,
    rootCause: { failureMode: `${component}.bad-version`, component, version, changeId: firstChange },
    symptoms, severity: 'critical',
    description: `${component} ${version} rolled out to ${targets.length} clusters (only they run it): errors and p99 latency up, dependent workloads slower.`,
  };
}

export function buildRegional(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number): ScenarioInstance {
  const region = spec.region ?? 'eu-west-1';
  const targets = ctx.clusters.filter((c) => c.region === region);
  const symptoms: Symptom[] = [];
  for (const c of targets) {
    const k = hashKeys(id, c.id);
    const jitter = (k % 4) * MIN;
    const s = startMs + jitter;
    effect(ctx, c.id, 'apiserver', 'latency_p99', s, endMs, 'mul', 1 + 2.5 * mag);
    effect(ctx, c.id, 'apiserver', 'error_ratio', s, endMs, 'add', 0.012 * mag);
    effect(ctx, c.id, 'etcd', 'latency_p99', s, endMs, 'mul', 1 + 3 * mag);
    effect(ctx, c.id, 'ingress-gateway', 'error_ratio', s, endMs, 'add', 0.008 * mag);
    effect(ctx, c.id, 'ingress-gateway', 'latency_p99', s, endMs, 'mul', 1 + 0.8 * mag);
    effect(ctx, c.id, 'csi', 'error_ratio', s, endMs, 'add', 0.03 * mag);
    effect(ctx, c.id, 'csi', 'latency_p99', s, endMs, 'mul', 1 + 2 * mag);
    effect(ctx, c.id, 'workload', 'latency_p99', s, endMs, 'mul', 1 + 0.3 * mag);
    for (const [comp, sig, d] of [['apiserver', 'availability', 'down'], ['apiserver', 'latency_p99', 'up'], ['apiserver', 'error_ratio', 'up'], ['etcd', 'latency_p99', 'up'], ['ingress-gateway', 'availability', 'down'], ['ingress-gateway', 'error_ratio', 'up'], ['csi', 'error_ratio', 'up'], ['workload', 'latency_p99', 'up']] as const) symptom(symptoms, c.id, comp, sig, d);
    const topo = ctx.topology(c.id);
    const api = topo.pods.find((p) => p.component === 'apiserver')!;
    const csi = topo.pods.find((p) => p.component === 'csi')!;
    const app = topo.pods.find((p) => p.component === 'workload')!;
    logs(ctx, { cluster: c.id, namespace: api.namespace, pod: api.name, node: api.node, component: 'apiserver', level: 'error' }, s, endMs, 3 * MIN, () => 'etcdserver: request timed out');
    logs(ctx, { cluster: c.id, namespace: csi.namespace, pod: csi.name, node: csi.node, component: 'csi', level: 'error' }, s + MIN, endMs, 10 * MIN, () => `GRPC error: rpc error: code = Internal desc = Could not attach volume "vol-0${(k >>> 4).toString(16)}" to node: RequestLimitExceeded: Request limit exceeded.`);
    event(ctx, { tsMs: s + 6 * MIN, cluster: c.id, namespace: 'apps', involvedKind: 'Pod', involvedName: app.name, node: app.node, reason: 'FailedAttachVolume', type: 'Warning', message: 'AttachVolume.Attach failed for volume "pvc-data" : rpc error: code = DeadlineExceeded desc = context deadline exceeded', count: 4 });
    event(ctx, { tsMs: s + 8 * MIN, cluster: c.id, namespace: 'apps', involvedKind: 'Pod', involvedName: app.name, node: app.node, reason: 'FailedMount', type: 'Warning', message: 'Unable to attach or mount volumes: unmounted volumes=[data]: timed out waiting for the condition', count: 3 });
    alert(ctx, 'KubeAPIErrorBudgetBurn', c.id, 'critical', { long: '1h', short: '5m' }, s, endMs, 15 * MIN);
    alert(ctx, 'etcdGRPCRequestsSlow', c.id, 'critical', { grpc_method: 'Range', job: 'etcd' }, s, endMs, 10 * MIN);
    alert(ctx, 'KubePersistentVolumeErrors', c.id, 'warning', { namespace: 'apps' }, s, endMs, 5 * MIN);
  }
  return {
    id, kind: 'regional-degradation', isConfounder: false, startMs, endMs, clusters: targets.map((c) => c.id), component: 'apiserver',
    rootCause: { failureMode: 'cloud.regional-degradation', component: 'apiserver', region },
    symptoms, severity: 'critical',
    description: `Cloud degradation in ${region}: control-plane and storage APIs slow and failing in all ${targets.length} clusters of the region.`,
  };
}

export function buildStoppedReporting(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, _endMs: number, _mag: number): ScenarioInstance {
  const cluster = spec.clusters?.[0] ?? pickClusters(ctx, 1)[0].id;
  ctx.used.add(cluster);
  const endMs = ctx.rangeMs.endMs;
  effect(ctx, cluster, CLUSTER_SCOPE, '!nan', startMs, Infinity, 'nan', 0, 0);
  ctx.darkSince.set(cluster, startMs);
  const agent = { cluster, namespace: 'monitoring', pod: `prometheus-agent-0`, component: 'prometheus-agent', level: 'warn' as const };
  logs(ctx, agent, startMs - 20 * MIN, startMs, 4 * MIN, (i) => `level=warn component=remote msg="Failed to send batch, retrying" err="Post \\"https://metrics-gw.internal/api/v1/push\\": dial tcp ${podIp(hashKeys(cluster, i))}:443: i/o timeout"`);
  alert(ctx, 'TargetDown', cluster, 'warning', { job: 'prometheus-agent', namespace: 'monitoring', service: 'prometheus-agent' }, startMs, endMs, 10 * MIN);
  alert(ctx, 'PrometheusTargetMissing', cluster, 'critical', { job: 'federate' }, startMs, endMs, 5 * MIN);
  const symptoms: Symptom[] = ['availability', 'request_rate'].map((signal) => ({ cluster, component: 'apiserver', signal, direction: 'down' as const }));
  return {
    id, kind: 'stopped-reporting', isConfounder: false, startMs, endMs, clusters: [cluster], component: 'apiserver',
    rootCause: { failureMode: 'cluster.stopped-reporting', component: 'prometheus-agent', cluster },
    symptoms, severity: 'critical',
    description: `${cluster} stopped reporting: every series is missing from the onset (remote write to the central store failing).`,
  };
}

