/**
 * Inventory derived from Prometheus. Labels read (kube-state-metrics and node-exporter names):
 * - clusters: `kube_node_info` (one per node) grouped by the cluster label;
 * - attributes: `region`, `environment`, `tier` labels on `kube_node_info` when present (external
 *   labels of the sending Prometheus), else `label_topology_kubernetes_io_region` of
 *   `kube_node_labels`; substrate from `provider_id` (aws://, gce://, azure://, otherwise on-prem);
 * - node pools: `kube_node_labels` `label_node_pool` (configurable) and
 *   `label_node_kubernetes_io_instance_type`;
 * - versions: the image tag of `kube_pod_container_info` per component (component matchers),
 *   kubelet from `kube_node_info{kubelet_version}`;
 * - topology: `kube_node_info` nodes, `kube_pod_info` pods (pod → node), `node_network_speed_bytes`.
 */
import type { Clock } from '../../../core/clock.js';
import { NotFoundError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Cluster, Environment, Substrate, Tier, Topology } from '../../../fleet/types.js';
import { DEFAULT_COMPONENT_MATCHERS } from '../../../signals/component-matchers.js';
import { clusterMatcher } from '../../../signals/render-promql.js';
import type { PrometheusConnection } from '../../metrics/prometheus/connection.js';
import { withDriver } from '../../metrics/prometheus/driver-client.js';
import type { Inventory } from '../types.js';
import { compileMatchers } from './label-matchers.js';
import { InstantSamples, type InstantSample } from './schema.js';
import { withTimeout } from '../../../core/backoff.js';

export interface PrometheusInventoryOptions extends PrometheusConnection {
  clusterLabel?: string;
  nodePoolLabel?: string;
  componentMatchers?: Readonly<Record<string, string>>;
  /** Component dependency edges; Prometheus does not know them. */
  dependencies?: Topology['dependencies'];
  /** NIC capacity when node_network_speed_bytes is absent (10 Gbit/s). */
  defaultNicBytesPerSecond?: number;
  logger: Logger;
  clock: Clock;
}

export function createPrometheusInventory(opts: PrometheusInventoryOptions): Inventory {
  const cl = opts.clusterLabel ?? 'cluster';
  const matchers = opts.componentMatchers ?? DEFAULT_COMPONENT_MATCHERS;
  const instant = async (promql: string, signal?: AbortSignal): Promise<InstantSample[]> => {
    const { value } = await withTimeout(signal, opts.timeoutMs ?? 60_000, (s) => withDriver(opts, opts.clock, s, (d) => d.instantQuery(promql, opts.clock.nowMs())));
    return InstantSamples.parse(value.result);
  };

  return {
    async listClusters(signal) {
      const [nodes, labels, images] = await Promise.all([
        instant(`kube_node_info{${cl}!=""}`, signal),
        instant(`kube_node_labels{${cl}!=""}`, signal),
        Promise.all(Object.entries(matchers).map(async ([c, m]) => [c, await instant(`count by (${cl}, image) (kube_pod_container_info{${cl}!="", ${m}})`, signal)] as const)),
      ]);
      return buildClusters(nodes, labels, images, cl, opts.nodePoolLabel ?? 'label_node_pool');
    },
    async getTopology(clusterId, signal) {
      const sel = clusterMatcher(cl, [clusterId]);
      const [nodes, labels, pods, speed] = await Promise.all([
        instant(`kube_node_info{${sel}}`, signal), instant(`kube_node_labels{${sel}}`, signal),
        instant(`kube_pod_info{${sel}}`, signal), instant(`max by (node) (node_network_speed_bytes{${sel}, device!~"lo|veth.*"})`, signal),
      ]);
      if (nodes.length === 0) throw new NotFoundError(`cluster ${clusterId} has no kube_node_info series in Prometheus; check the cluster id and label ${cl}`);
      const poolOf = new Map(labels.map((s) => [s.metric.labels.node, s.metric.labels[opts.nodePoolLabel ?? 'label_node_pool'] ?? 'default']));
      const nic = new Map(speed.map((s) => [s.metric.labels.node, s.value.value]));
      const classify = Object.entries(matchers).map(([c, m]) => [c, compileMatchers(m)] as const);
      return {
        cluster: clusterId,
        nodes: nodes.map((s) => ({ name: s.metric.labels.node, pool: poolOf.get(s.metric.labels.node) ?? 'default', nicBytesPerSecond: nic.get(s.metric.labels.node) ?? opts.defaultNicBytesPerSecond ?? 1.25e9 })),
        pods: pods.map(({ metric: { labels: l } }) => ({ name: l.pod, namespace: l.namespace, node: l.node ?? '', component: classify.find(([, test]) => test(l))?.[0] ?? 'unknown' })),
        dependencies: opts.dependencies ?? [],
      };
    },
  };
}

function buildClusters(nodes: InstantSample[], labels: InstantSample[], images: (readonly [string, InstantSample[]])[], cl: string, poolLabel: string): Cluster[] {
  const clusters = new Map<string, Cluster>();
  for (const { metric: { labels: l } } of nodes) {
    const c = clusters.get(l[cl]) ?? { id: l[cl], region: l.region ?? 'unknown', substrate: substrateOf(l.provider_id), environment: (l.environment ?? 'prod') as Environment, tier: (l.tier ?? 'tier-1') as Tier, versions: {}, nodePools: [] };
    if (l.kubelet_version) c.versions.kubelet = l.kubelet_version;
    clusters.set(c.id, c);
  }
  for (const { metric: { labels: l } } of labels) {
    const c = clusters.get(l[cl]);
    if (!c) continue;
    if (c.region === 'unknown' && l.label_topology_kubernetes_io_region) c.region = l.label_topology_kubernetes_io_region;
    const name = l[poolLabel] ?? 'default';
    const pool = c.nodePools.find((p) => p.name === name) ?? c.nodePools[c.nodePools.push({ name, instanceType: l.label_node_kubernetes_io_instance_type ?? 'unknown', nodeCount: 0 }) - 1];
    pool.nodeCount++;
  }
  for (const [component, samples] of images) {
    const best = new Map<string, { tag: string; n: number }>();
    for (const s of samples) {
      const tag = s.metric.labels.image?.split(':').at(-1) ?? '';
      const prev = best.get(s.metric.labels[cl]);
      if (tag && (!prev || s.value.value > prev.n)) best.set(s.metric.labels[cl], { tag, n: s.value.value });
    }
    for (const [id, { tag }] of best) if (clusters.get(id)) (clusters.get(id) as Cluster).versions[component as keyof Cluster['versions']] = tag;
  }
  return [...clusters.values()].sort((a, b) => a.id.localeCompare(b.id));
}

function substrateOf(providerId: string | undefined): Substrate {
  if (providerId?.startsWith('aws://')) return 'aws';
  if (providerId?.startsWith('gce://')) return 'gcp';
  if (providerId?.startsWith('azure://')) return 'azure';
  return 'on-prem';
}
