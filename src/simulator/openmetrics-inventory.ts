/** Inventory-like families (kube-state-metrics, build info), node-exporter, drill-down series, ALERTS. */
import { COMPONENTS, type ComponentId, type TopologyPod } from '../fleet/types.js';
import { COMPONENT_PROFILES, WORKLOAD_DEPLOYMENTS } from './catalog.js';
import { CERTIFICATES, entityInto, type EntitySignal } from './entity-series.js';
import { NIC_BYTES_PER_SECOND } from './inventory.js';
import type { Family } from './openmetrics-families.js';
import { componentPods, containerName } from './openmetrics-families.js';
import { counter, gauge, labelSet, type ExportScope } from './openmetrics-writers.js';
import { hashKeys } from './random.js';

const GiB = 1024 ** 3;

function entity(scope: ExportScope, cluster: string, name: string, signal: EntitySignal): Float64Array {
  const out = new Float64Array(scope.n);
  entityInto(scope.fleet.seriesContext, out, cluster, name, signal, scope.firstMs, scope.firstMs + scope.n * scope.stepMs);
  return out;
}

/** Version segments [from, to) over the export grid, from the cluster's deploy history. */
function versionSegments(scope: ExportScope, cluster: string, component: ComponentId): { from: number; to: number; version: string }[] {
  const current = scope.fleet.cluster(cluster).versions[component] ?? 'unknown';
  if (component === 'workload') return [{ from: 0, to: scope.n, version: current }];
  const deploys = scope.fleet.changes({ clusters: [cluster], startMs: -Infinity, endMs: Infinity })
    .filter((c) => c.component === component && c.kind === 'deploy' && c.toVersion);
  let version = deploys[0]?.fromVersion ?? current;
  const segs: { from: number; to: number; version: string }[] = [];
  let from = 0;
  for (const d of deploys) {
    const at = Math.min(scope.n, Math.max(0, Math.ceil((d.tsMs - scope.firstMs) / scope.stepMs)));
    if (at > from) segs.push({ from, to: at, version });
    from = Math.max(from, at);
    version = d.toVersion!;
  }
  if (from < scope.n) segs.push({ from, to: scope.n, version });
  return segs;
}

const eachPod = (scope: ExportScope, fn: (cluster: string, c: ComponentId, p: TopologyPod, mask: Uint8Array) => void) => (cluster: string): void => {
  const mask = scope.mask(cluster, 'kube-state-metrics');
  for (const c of COMPONENTS) if (scope.components.has(c)) for (const p of componentPods(scope, cluster, c)) fn(cluster, c, p, mask);
};

export function inventoryFamilies(scope: ExportScope): Family[] {
  const deployments = (cluster: string): { ns: string; name: string; replicas: number; pods: TopologyPod[] }[] => {
    const out = [];
    for (const c of COMPONENTS) {
      const prof = COMPONENT_PROFILES[c];
      if (!scope.components.has(c) || prof.replicas === 0 || c === 'workload' || c === 'apiserver' || c === 'etcd') continue;
      out.push({ ns: prof.namespace, name: prof.workloadName, replicas: prof.replicas, pods: componentPods(scope, cluster, c) });
    }
    if (scope.components.has('workload')) {
      const pods = componentPods(scope, cluster, 'workload');
      for (const d of WORKLOAD_DEPLOYMENTS) {
        const mine = pods.filter((p) => p.name.startsWith(`${d}-`));
        out.push({ ns: 'apps', name: d, replicas: mine.length, pods: mine });
      }
    }
    return out;
  };
  return [
    { name: 'kube_pod_info', type: 'gauge', emit: eachPod(scope, (cluster, c, p, mask) => {
      gauge(scope, 'kube_pod_info', labelSet(scope, cluster, { namespace: p.namespace, pod: p.name, node: p.node, created_by_kind: COMPONENT_PROFILES[c].replicas === 0 ? 'DaemonSet' : 'ReplicaSet' }), 1, mask);
    }) },
    { name: 'kube_pod_container_info', type: 'gauge', emit: eachPod(scope, (cluster, c, p, mask) => {
      const prof = COMPONENT_PROFILES[c];
      const container = containerName(c, p.name);
      const image = c === 'workload' ? `${prof.image}/${container}` : prof.image;
      for (const s of versionSegments(scope, cluster, c)) {
        gauge(scope, 'kube_pod_container_info', labelSet(scope, cluster, { namespace: p.namespace, pod: p.name, container, image: `${image}:${s.version}`}), 1, mask, s.from, s.to);
      }
    }) },
    { name: 'kube_pod_container_status_restarts', type: 'counter', emit: eachPod(scope, (cluster, c, p, mask) => {
      counter(scope, 'kube_pod_container_status_restarts_total', labelSet(scope, cluster, { namespace: p.namespace, pod: p.name, container: containerName(c, p.name) }), entity(scope, cluster, p.name, 'pod_restarts'), mask, hashKeys(cluster, p.name, 'restarts'), true);
    }) },
    { name: 'container_oom_events', type: 'counter', emit: eachPod(scope, (cluster, c, p, mask) => {
      const oom = entity(scope, cluster, p.name, 'oom_kills');
      counter(scope, 'container_oom_events_total', labelSet(scope, cluster, { namespace: p.namespace, pod: p.name, container: containerName(c, p.name), node: p.node }), oom, mask, hashKeys(cluster, p.name, 'oom'), true);
    }) },
    { name: 'kube_deployment_spec_replicas', type: 'gauge', emit: (cluster) => {
      const mask = scope.mask(cluster, 'kube-state-metrics');
      for (const d of deployments(cluster)) gauge(scope, 'kube_deployment_spec_replicas', labelSet(scope, cluster, { namespace: d.ns, deployment: d.name }), d.replicas, mask);
    } },
    { name: 'kube_deployment_status_replicas_available', type: 'gauge', emit: (cluster) => {
      const mask = scope.mask(cluster, 'kube-state-metrics');
      for (const d of deployments(cluster)) {
        const avail = new Float64Array(scope.n).fill(d.replicas);
        for (const p of d.pods) entity(scope, cluster, p.name, 'pod_restarts').forEach((r, i) => { if (r > 0) avail[i]--; });
        gauge(scope, 'kube_deployment_status_replicas_available', labelSet(scope, cluster, { namespace: d.ns, deployment: d.name }), avail, mask);
      }
    } },
    { name: 'certmanager_certificate_expiration_timestamp_seconds', type: 'gauge', emit: (cluster) => {
      if (!scope.components.has('cert-manager')) return;
      const mask = scope.mask(cluster, 'cert-manager');
      for (const cert of CERTIFICATES) {
        const v = entity(scope, cluster, cert, 'cert_expiry_seconds').map((x, i) => Math.round(x + (scope.firstMs + i * scope.stepMs) / 1000));
        const [namespace, name] = cert.split('/');
        gauge(scope, 'certmanager_certificate_expiration_timestamp_seconds', labelSet(scope, cluster, { job: 'cert-manager', namespace, name, issuer_name: 'letsencrypt-prod', issuer_kind: 'ClusterIssuer', issuer_group: 'cert-manager.io' }), v, mask);
      }
    } },
  ];
}

/** `*_build_info`-style version gauges of the exporters that have one. */
export function versionFamilies(scope: ExportScope): Family[] {
  const info = (name: string, component: ComponentId, labels: (v: string) => Record<string, string>, job: string): Family => ({
    name, type: 'gauge', emit: (cluster) => {
      if (!scope.components.has(component)) return;
      const mask = scope.mask(cluster, component);
      const targets = component === 'kubelet'
        ? scope.fleet.topology(cluster).nodes.map((n) => ({ job, node: n.name, instance: n.name }))
        : componentPods(scope, cluster, component).map((p) => ({ job, namespace: p.namespace, pod: p.name }));
      for (const s of versionSegments(scope, cluster, component)) for (const t of targets) gauge(scope, name, labelSet(scope, cluster, t, labels(s.version)), 1, mask, s.from, s.to);
    },
  });
  return [
    info('coredns_build_info', 'coredns', (v) => ({ version: v.replace(/^v/, '') }), 'coredns'),
    info('nginx_ingress_controller_build_info', 'ingress-gateway', (v) => ({ release: v }), 'ingress-nginx-controller-metrics'),
    info('etcd_server_version', 'etcd', (v) => ({ server_version: v.replace(/-\d+$/, '') }), 'etcd'),
    info('cilium_version', 'cni', (v) => ({ version: v.replace(/^v/, '') }), 'cilium-agent'),
    info('istio_build', 'service-mesh', (v) => ({ component: 'pilot', tag: v }), 'istiod'),
    {
      name: 'kubernetes_build_info', type: 'gauge', emit: (cluster) => {
        for (const f of [info('kubernetes_build_info', 'apiserver', (v) => ({ git_version: v }), 'apiserver'), info('kubernetes_build_info', 'kubelet', (v) => ({ git_version: v }), 'kubelet')]) f.emit(cluster);
      },
    },
  ];
}

/** node-exporter and kube-state-metrics node series, per node. */
export function nodeFamilies(scope: ExportScope): Family[] {
  const step = scope.stepMs / 1000;
  const perNode = (target: string, fn: (cluster: string, node: string, mask: Uint8Array) => void) => (cluster: string): void => {
    const mask = scope.mask(cluster, target);
    for (const n of scope.fleet.topology(cluster).nodes) fn(cluster, n.name, mask);
  };
  const ne = (node: string, extra: Record<string, string> = {}) => ({ job: 'node-exporter', instance: node, ...extra });
  const fs = { device: '/dev/nvme0n1p1', fstype: 'xfs', mountpoint: '/' };
  const diskBytes = 100 * GiB;
  const memBytes = 32 * GiB;
  return [
    { name: 'kube_node_info', type: 'gauge', emit: perNode('kube-state-metrics', (cluster, node, mask) => {
      const c = scope.fleet.cluster(cluster);
      gauge(scope, 'kube_node_info', labelSet(scope, cluster, { node, kubelet_version: c.versions.kubelet ?? '', container_runtime_version: 'containerd://1.7.22', provider_id: `${c.substrate}://${c.region}/${node}` }), 1, mask);
    }) },
    { name: 'kube_node_status_condition', type: 'gauge', emit: perNode('kube-state-metrics', (cluster, node, mask) => {
      const ready = entity(scope, cluster, node, 'node_ready');
      const disk = entity(scope, cluster, node, 'node_disk_usage').map((u) => (u > 0.9 ? 1 : 0));
      gauge(scope, 'kube_node_status_condition', labelSet(scope, cluster, { node, condition: 'Ready', status: 'true' }), ready, mask);
      gauge(scope, 'kube_node_status_condition', labelSet(scope, cluster, { node, condition: 'Ready', status: 'false' }), ready.map((r) => 1 - r), mask);
      gauge(scope, 'kube_node_status_condition', labelSet(scope, cluster, { node, condition: 'DiskPressure', status: 'true' }), disk, mask);
      gauge(scope, 'kube_node_status_condition', labelSet(scope, cluster, { node, condition: 'DiskPressure', status: 'false' }), disk.map((r) => 1 - r), mask);
    }) },
    { name: 'node_network_transmit_bytes', type: 'counter', emit: perNode('node-exporter', (cluster, node, mask) => {
      const nic = NIC_BYTES_PER_SECOND[scope.fleet.cluster(cluster).substrate];
      const inc = entity(scope, cluster, node, 'node_network_saturation').map((v) => v * nic * step);
      counter(scope, 'node_network_transmit_bytes_total', labelSet(scope, cluster, ne(node, { device: 'eth0' })), inc, mask, hashKeys(cluster, node, 'nic'));
    }) },
    { name: 'node_network_speed_bytes', type: 'gauge', emit: perNode('node-exporter', (cluster, node, mask) => {
      gauge(scope, 'node_network_speed_bytes', labelSet(scope, cluster, ne(node, { device: 'eth0' })), NIC_BYTES_PER_SECOND[scope.fleet.cluster(cluster).substrate], mask);
    }) },
    { name: 'node_filesystem_size_bytes', type: 'gauge', emit: perNode('node-exporter', (cluster, node, mask) => gauge(scope, 'node_filesystem_size_bytes', labelSet(scope, cluster, ne(node, fs)), diskBytes, mask)) },
    { name: 'node_filesystem_avail_bytes', type: 'gauge', emit: perNode('node-exporter', (cluster, node, mask) => {
      gauge(scope, 'node_filesystem_avail_bytes', labelSet(scope, cluster, ne(node, fs)), entity(scope, cluster, node, 'node_disk_usage').map((u) => Math.round((1 - u) * diskBytes)), mask);
    }) },
    { name: 'node_memory_MemTotal_bytes', type: 'gauge', emit: perNode('node-exporter', (cluster, node, mask) => gauge(scope, 'node_memory_MemTotal_bytes', labelSet(scope, cluster, ne(node)), memBytes, mask)) },
    { name: 'node_memory_MemAvailable_bytes', type: 'gauge', emit: perNode('node-exporter', (cluster, node, mask) => {
      gauge(scope, 'node_memory_MemAvailable_bytes', labelSet(scope, cluster, ne(node)), entity(scope, cluster, node, 'node_memory_pressure').map((u) => Math.round((1 - u) * memBytes)), mask);
    }) },
  ];
}

/** `ALERTS{alertstate="firing"} 1` at every step of every firing episode, one series per label set. */
export function alertsFamily(scope: ExportScope): Family {
  const episodes = scope.fleet.alerts({ startMs: scope.firstMs, endMs: scope.firstMs + scope.n * scope.stepMs });
  return {
    name: 'ALERTS', type: 'gauge', emit: (cluster) => {
      const groups = new Map<string, { labels: string; on: Uint8Array }>();
      for (const e of episodes) {
        if (e.cluster !== cluster) continue;
        const labels = labelSet(scope, cluster, { alertname: e.alertname, alertstate: 'firing', severity: e.severity }, e.labels);
        let g = groups.get(labels);
        if (!g) groups.set(labels, (g = { labels, on: new Uint8Array(scope.n) }));
        const from = Math.max(0, Math.ceil((e.startMs - scope.firstMs) / scope.stepMs));
        const to = Math.min(scope.n, Math.ceil((e.endMs - scope.firstMs) / scope.stepMs));
        g.on.fill(1, from, to);
      }
      for (const g of groups.values()) gauge(scope, 'ALERTS', g.labels, 1, g.on.map((x) => 1 - x));
    },
  };
}
