/** The metric families of the export and how each is derived from the simulator's lazy series. */
import { COMPONENTS, type ComponentId, type TopologyPod } from '../fleet/types.js';
import { COMPONENT_PROFILES, WORKLOAD_DEPLOYMENTS } from './catalog.js';
import { podShare } from './entity-series.js';
import { NIC_BYTES_PER_SECOND } from './inventory.js';
import { REQUEST_EXPORTS, type Part } from './openmetrics-requests.js';
import { hashKeys } from './random.js';
import { goldenInto } from './series.js';
import { counter, gauge, histogram, labelSet, type ExportScope } from './openmetrics-writers.js';
import { alertsFamily, inventoryFamilies, nodeFamilies, versionFamilies } from './openmetrics-inventory.js';

export type { ExportScope } from './openmetrics-writers.js';

export interface Family {
  name: string;
  type: 'counter' | 'gauge' | 'histogram' | 'summary' | 'unknown';
  emit(cluster: string): void;
}

const GiB = 1024 ** 3;
const CPU_LIMIT: Partial<Record<ComponentId, number>> = { apiserver: 2, 'ingress-gateway': 2, workload: 2, 'service-mesh': 2, etcd: 2 };
const MEM_LIMIT: Partial<Record<ComponentId, number>> = { apiserver: 4 * GiB, workload: 2 * GiB, 'service-mesh': 2 * GiB, etcd: 4 * GiB, 'ingress-gateway': GiB };
export const cpuLimit = (c: ComponentId): number => CPU_LIMIT[c] ?? 0.5;
export const memLimit = (c: ComponentId): number => MEM_LIMIT[c] ?? 512 * 1024 ** 2;

/** Golden series without gaps (the process keeps counting while a scrape is missed). */
export function golden(scope: ExportScope, cluster: string, component: ComponentId, signal: 'request_rate' | 'error_ratio' | 'latency_p99' | 'cpu_saturation' | 'memory_saturation' | 'network_saturation'): Float64Array {
  const out = new Float64Array(scope.n);
  goldenInto(scope.fleet.seriesContext, out, cluster, component, signal, scope.firstMs, scope.firstMs + scope.n * scope.stepMs, false);
  return out;
}

/** Pods (of the base topology) of one component; the kubelet has none (it is a host process). */
export function componentPods(scope: ExportScope, cluster: string, component: ComponentId): TopologyPod[] {
  return scope.fleet.topology(cluster).pods.filter((p) => p.component === component && component !== 'kubelet'
    && (component !== 'workload' || WORKLOAD_DEPLOYMENTS.some((d) => p.name.startsWith(`${d}-`))));
}

export const containerName = (component: ComponentId, pod: string): string =>
  component === 'workload' ? pod.split('-').slice(0, 2).join('-') : COMPONENT_PROFILES[component].workloadName;

interface Server { labels: Record<string, string>; key: number; share?: Float64Array }

/** Serving endpoints of a component's request metrics, with their own labels. */
function servers(scope: ExportScope, cluster: string, component: ComponentId): Server[] {
  const spec = REQUEST_EXPORTS[component];
  if (component === 'kubelet') {
    return scope.fleet.topology(cluster).nodes.map((n) => ({ labels: { job: 'kubelet', node: n.name, instance: n.name }, key: hashKeys(cluster, n.name, 'kubelet') }));
  }
  const all = component === 'etcd' ? componentPods(scope, cluster, 'apiserver') : componentPods(scope, cluster, component);
  const pods = spec.leaderOnly ? all.slice(0, 1) : all;
  return pods.map((p) => ({
    labels: { job: spec.job, namespace: p.namespace, pod: p.name, ...(component === 'workload' ? { destination_workload: containerName('workload', p.name) } : {}) },
    key: hashKeys(cluster, p.name),
    share: component === 'coredns' ? podShare(scope.fleet.seriesContext, cluster, p.name, scope.firstMs, scope.n) : undefined,
  }));
}

/** Per-step counts of one part (all/ok/err) for one server. */
function partCounts(scope: ExportScope, rr: Float64Array, err: Float64Array, part: Part, fraction: number, nServers: number, share?: Float64Array): Float64Array {
  const out = new Float64Array(scope.n);
  const step = scope.stepMs / 1000;
  for (let i = 0; i < scope.n; i++) {
    const all = (rr[i] * step * fraction) / nServers;
    const errs = rr[i] * err[i] * step * fraction * (share ? share[i] : 1 / nServers);
    out[i] = part === 'all' ? all : part === 'err' ? errs : all - errs;
  }
  return out;
}

/** Request counter and latency families, grouped by family name across components. */
function requestFamilies(scope: ExportScope): Family[] {
  const byName = new Map<string, ((cluster: string) => void)[]>();
  const families: Family[] = [];
  const add = (name: string, type: Family['type'], component: ComponentId, emitFor: (cluster: string) => void): void => {
    let parts = byName.get(name);
    if (!parts) {
      const list: ((cluster: string) => void)[] = (parts = []);
      byName.set(name, list);
      families.push({ name, type, emit: (cluster) => list.forEach((p) => p(cluster)) });
    }
    parts.push((cluster) => { if (scope.components.has(component)) emitFor(cluster); });
  };
  for (const component of COMPONENTS) {
    const spec = REQUEST_EXPORTS[component];
    const data = (cluster: string) => ({ rr: golden(scope, cluster, component, 'request_rate'), err: golden(scope, cluster, component, 'error_ratio'), mask: scope.mask(cluster, component), srv: servers(scope, cluster, component) });
    for (const fam of spec.counters) {
      add(fam.family, fam.type, component, (cluster) => {
        const d = data(cluster);
        for (const s of d.srv) for (const p of fam.parts) {
          counter(scope, p.sample, labelSet(scope, cluster, s.labels, p.labels), partCounts(scope, d.rr, d.err, p.part, p.fraction ?? 1, d.srv.length, s.share), d.mask, hashKeys(s.key, p.sample));
        }
      });
    }
    const lat = spec.latency;
    add(lat.family, lat.kind, component, (cluster) => {
      const d = data(cluster);
      const p99 = golden(scope, cluster, component, 'latency_p99').map((v) => v * lat.unitPerSecond);
      for (const s of d.srv) for (const p of lat.parts) {
        const counts = partCounts(scope, d.rr, d.err, p.part, p.fraction ?? 1, d.srv.length, s.share);
        const labels = labelSet(scope, cluster, s.labels, p.labels);
        if (lat.kind === 'histogram') histogram(scope, lat.family, labels, lat.bounds, counts, p99, d.mask, s.key);
        else summary(scope, lat.family, labels, counts, p99, d.mask, s.key);
      }
    });
  }
  return families;
}

function summary(scope: ExportScope, family: string, labels: string, counts: Float64Array, p99: Float64Array, mask: Uint8Array, key: number): void {
  gauge(scope, family, `${labels.slice(0, -1)},quantile="0.99"}`, p99, mask);
  counter(scope, `${family}_count`, labels, counts, mask, key);
  counter(scope, `${family}_sum`, labels, counts.map((c, i) => c * p99[i] * 0.4), mask, key);
}

/** cAdvisor container usage and kube-state-metrics limits, per pod of each exported component. */
function saturationFamilies(scope: ExportScope): Family[] {
  const each = (fn: (cluster: string, c: ComponentId, pods: TopologyPod[], mask: Uint8Array) => void) => (cluster: string): void => {
    for (const c of COMPONENTS) if (scope.components.has(c) && c !== 'kubelet') fn(cluster, c, componentPods(scope, cluster, c), scope.mask(cluster, c));
  };
  const step = scope.stepMs / 1000;
  const podLabels = (c: ComponentId, p: TopologyPod) => ({ namespace: p.namespace, pod: p.name, container: containerName(c, p.name), node: p.node });
  const kubelet = (fn: (cluster: string, node: string, mask: Uint8Array) => void) => (cluster: string): void => {
    if (!scope.components.has('kubelet')) return;
    const mask = scope.mask(cluster, 'kubelet');
    for (const n of scope.fleet.topology(cluster).nodes) fn(cluster, n.name, mask);
  };
  return [
    { name: 'container_cpu_usage_seconds', type: 'counter', emit: each((cluster, c, pods, mask) => {
      const inc = golden(scope, cluster, c, 'cpu_saturation').map((v) => v * cpuLimit(c) * step);
      for (const p of pods) counter(scope, 'container_cpu_usage_seconds_total', labelSet(scope, cluster, podLabels(c, p)), inc, mask, hashKeys(cluster, p.name));
    }) },
    { name: 'container_memory_working_set_bytes', type: 'gauge', emit: each((cluster, c, pods, mask) => {
      const v = golden(scope, cluster, c, 'memory_saturation').map((x) => Math.round(x * memLimit(c)));
      for (const p of pods) gauge(scope, 'container_memory_working_set_bytes', labelSet(scope, cluster, podLabels(c, p)), v, mask);
    }) },
    { name: 'container_network_transmit_bytes', type: 'counter', emit: each((cluster, c, pods, mask) => {
      const nic = NIC_BYTES_PER_SECOND[scope.fleet.cluster(cluster).substrate];
      const inc = golden(scope, cluster, c, 'network_saturation').map((v) => v * nic * step);
      for (const p of pods) counter(scope, 'container_network_transmit_bytes_total', labelSet(scope, cluster, { namespace: p.namespace, pod: p.name, interface: 'eth0', node: p.node }), inc, mask, hashKeys(cluster, p.name));
    }) },
    { name: 'kube_pod_container_resource_limits', type: 'gauge', emit: each((cluster, c, pods, mask) => {
      for (const p of pods) {
        gauge(scope, 'kube_pod_container_resource_limits', labelSet(scope, cluster, podLabels(c, p), { resource: 'cpu', unit: 'core' }), cpuLimit(c), mask);
        gauge(scope, 'kube_pod_container_resource_limits', labelSet(scope, cluster, podLabels(c, p), { resource: 'memory', unit: 'byte' }), memLimit(c), mask);
      }
    }) },
    { name: 'process_cpu_seconds', type: 'counter', emit: kubelet((cluster, node, mask) => {
      const inc = golden(scope, cluster, 'kubelet', 'cpu_saturation').map((v) => v * 0.5 * step);
      counter(scope, 'process_cpu_seconds_total', labelSet(scope, cluster, { job: 'kubelet', instance: node, node }), inc, mask, hashKeys(cluster, node, 'kubelet'));
    }) },
    { name: 'process_resident_memory_bytes', type: 'gauge', emit: kubelet((cluster, node, mask) => {
      const v = golden(scope, cluster, 'kubelet', 'memory_saturation').map((x) => Math.round(x * GiB));
      gauge(scope, 'process_resident_memory_bytes', labelSet(scope, cluster, { job: 'kubelet', instance: node, node }), v, mask);
    }) },
  ];
}

export function buildFamilies(scope: ExportScope, alerts: boolean): Family[] {
  return [
    ...inventoryFamilies(scope), ...versionFamilies(scope), ...nodeFamilies(scope),
    ...saturationFamilies(scope), ...requestFamilies(scope), ...(alerts ? [alertsFamily(scope)] : []),
  ];
}
