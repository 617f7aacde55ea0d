/**
 * Inventory derived from Prometheus. Labels read (kube-state-metrics and node-exporter names):
 * - clusters: `kube_node_info` (one per node) grouped by the cluster label; a cluster with no
 *   `kube_node_info` now but some within `expectedWithinHours` is still listed, with what its series
 *   last said (its metrics stopped: the scan reports it silent); one gone longer is decommissioned;
 * - attributes: `region`, `environment`, `tier` labels on `kube_node_info` when present (external
 *   labels of the sending Prometheus; a value outside the known ones counts as absent), else
 *   `label_topology_kubernetes_io_region` of `kube_node_labels`; substrate from `provider_id`
 *   (aws://, gce://, azure://, otherwise on-prem);
 * - node pools: `kube_node_labels` `label_node_pool` (configurable) and
 *   `label_node_kubernetes_io_instance_type`;
 * - versions: the image tag of `kube_pod_container_info` per component (component matchers),
 *   kubelet from `kube_node_info{kubelet_version}`; each the one most pods or nodes run;
 * - topology: `kube_node_info` nodes, `kube_pod_info` pods (pod → node), `node_network_speed_bytes`.
 * The fleet's queries are counted per cluster in Prometheus, so an answer grows with clusters, not
 * nodes. Queries are retried on 429/5xx/network errors and on partial answers (Thanos/Mimir
 * warnings): an inventory without the clusters of a store that did not answer would hide them.
 */
import { ExternalServiceError, NotFoundError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Cluster, Environment, Substrate, Tier, Topology } from '../../../fleet/types.js';
import { DEFAULT_COMPONENT_MATCHERS } from '../../../signals/component-matchers.js';
import { clusterMatcher } from '../../../signals/render-promql.js';
import type { HttpCallOptions } from '../../http-call-options.js';
import type { PrometheusConnection } from '../../metrics/prometheus/connection.js';
import { withDriver } from '../../metrics/prometheus/driver-client.js';
import { isPartialWarning } from '../../metrics/prometheus/partial-warning.js';
import type { Inventory } from '../types.js';
import { compileMatchers } from './label-matchers.js';
import { InstantSamples, type InstantSample } from './schema.js';
import { abortableSleep, withBackoff, withTimeout } from '../../../core/backoff.js';

export interface PrometheusInventoryOptions extends PrometheusConnection, HttpCallOptions {
  clusterLabel?: string;
  nodePoolLabel?: string;
  componentMatchers?: Readonly<Record<string, string>>;
  /** Component dependency edges; Prometheus does not know them. */
  dependencies?: Topology['dependencies'];
  /** NIC capacity when node_network_speed_bytes is absent (10 Gbit/s). */
  defaultNicBytesPerSecond?: number;
  /** How long after its last kube_node_info sample a cluster is still expected to report (6). */
  expectedWithinHours?: number;
}

/** A selector as read: its samples now, or its last ones within the window. */
type At = (series: string) => string;

/** The scheme of a node's provider_id (aws://, gce://, azure://); any other is on-prem. */
const SUBSTRATES: Record<string, Substrate | undefined> = { aws: 'aws', gce: 'gcp', azure: 'azure' };
const ENVIRONMENTS: readonly string[] = ['prod', 'staging', 'dev'] satisfies Environment[];
const TIERS: readonly string[] = ['tier-0', 'tier-1', 'tier-2'] satisfies Tier[];

export function createPrometheusInventory(opts: PrometheusInventoryOptions): Inventory {
  const cl = opts.clusterLabel ?? 'cluster';
  const matchers = opts.componentMatchers ?? DEFAULT_COMPONENT_MATCHERS;
  const instant = (promql: string, signal?: AbortSignal) => instantQuery(opts, promql, signal);
  const now: At = (series) => series;
  // a cluster that stopped reporting, as its series last were within the window
  const lastSeen: At = (series) => `last_over_time(${series}[${opts.expectedWithinHours ?? 6}h])`;
  const all = `${cl}!=""`;
  const pool = opts.nodePoolLabel ?? 'label_node_pool';
  // counted per cluster and attributes, not a series per node: 7,000 clusters × 10 nodes answered 130 MB that way
  const attributes = (sel: string, at: At, signal?: AbortSignal) => Promise.all([
    instant(`count by (${cl}, region, environment, tier, kubelet_version, provider_scheme) (label_replace(${at(`kube_node_info{${sel}}`)}, "provider_scheme", "$1", "provider_id", "([a-z0-9]+)://.*"))`, signal),
    instant(`count by (${cl}, ${pool}, label_node_kubernetes_io_instance_type, label_topology_kubernetes_io_region) (${at(`kube_node_labels{${sel}}`)})`, signal),
    Promise.all(Object.entries(matchers).map(async ([c, m]) => [c, await instant(`count by (${cl}, image) (${at(`kube_pod_container_info{${sel}, ${m}}`)})`, signal)] as const)),
  ]);
  const topology = (sel: string, at: At, signal?: AbortSignal) => Promise.all([
    instant(at(`kube_node_info{${sel}}`), signal), instant(at(`kube_node_labels{${sel}}`), signal),
    instant(at(`kube_pod_info{${sel}}`), signal), instant(`max by (node) (${at(`node_network_speed_bytes{${sel}, device!~"lo|veth.*"}`)})`, signal),
  ]);

  return {
    async listClusters(signal) {
      const [current, stopped] = await Promise.all([
        attributes(all, now, signal),
        instant(`group by (${cl}) (${lastSeen(`kube_node_info{${all}}`)}) unless on (${cl}) kube_node_info{${all}}`, signal),
      ]);
      // only the clusters that stopped are read over the window: the whole fleet's pods over hours would be costly
      const past = stopped.length ? await attributes(clusterMatcher(cl, stopped.map((s) => s.metric.labels[cl])), lastSeen, signal) : [[], [], []] as const;
      return buildClusters([...current[0], ...past[0]], [...current[1], ...past[1]], [...current[2], ...past[2]], cl, pool, opts.logger);
    },
    async getTopology(clusterId, signal) {
      const sel = clusterMatcher(cl, [clusterId]);
      let [nodes, labels, pods, speed] = await topology(sel, now, signal);
      if (nodes.length === 0) [nodes, labels, pods, speed] = await topology(sel, lastSeen, signal);
      if (nodes.length === 0) throw new NotFoundError(`cluster ${clusterId} has no kube_node_info series in Prometheus within ${opts.expectedWithinHours ?? 6} h; check the cluster id and label ${cl}`);
      const poolOf = new Map(labels.map((s) => [s.metric.labels.node, s.metric.labels[pool] ?? 'default']));
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

/** One instant query at the clock's now, retried on 429/5xx/network errors and on a partial answer. */
function instantQuery(opts: PrometheusInventoryOptions, promql: string, signal?: AbortSignal): Promise<InstantSample[]> {
  return withBackoff(() => withTimeout(signal, opts.timeoutMs ?? 60_000, async (s) => {
    const { value, state } = await withDriver(opts, opts.clock, s, (d) => d.instantQuery(promql, opts.clock.nowMs()));
    const partial = state.warnings.filter(isPartialWarning);
    if (partial.length) throw new ExternalServiceError(`Prometheus inventory answer is partial (clusters may be missing): ${partial.slice(0, 3).join('; ')}`, { service: 'prometheus', retryable: true });
    return InstantSamples.parse(value.result);
  }), {
    retries: opts.retries ?? 3, baseDelayMs: opts.retryBaseDelayMs ?? 500, maxDelayMs: opts.retryMaxDelayMs ?? 30_000, sleep: opts.sleep ?? abortableSleep,
    onRetry: (err, attempt, delayMs) => opts.logger.warn({ status: err.details.status, attempt, delayMs, err: err.message }, 'inventory query retried'),
  }, signal);
}

function buildClusters(nodes: InstantSample[], labels: InstantSample[], images: readonly (readonly [string, InstantSample[]])[], cl: string, poolLabel: string, logger: Logger): Cluster[] {
  const clusters = new Map<string, Cluster>();
  // what most of a cluster's nodes say wins (an upgrade in progress shows two kubelet versions)
  for (const { metric: { labels: l } } of [...nodes].sort((a, b) => b.value.value - a.value.value)) {
    const c = clusters.get(l[cl]) ?? newCluster(l, cl, logger);
    if (l.kubelet_version) c.versions.kubelet ??= l.kubelet_version;
    clusters.set(c.id, c);
  }
  for (const s of labels) {
    const l = s.metric.labels;
    const c = clusters.get(l[cl]);
    if (!c) continue;
    if (c.region === 'unknown' && l.label_topology_kubernetes_io_region) c.region = l.label_topology_kubernetes_io_region;
    const name = l[poolLabel] ?? 'default';
    const pool = c.nodePools.find((p) => p.name === name) ?? c.nodePools[c.nodePools.push({ name, instanceType: l.label_node_kubernetes_io_instance_type ?? 'unknown', nodeCount: 0 }) - 1];
    pool.nodeCount += s.value.value;
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

function newCluster(l: Record<string, string>, cl: string, logger: Logger): Cluster {
  const environment = l.environment ?? 'prod';
  const tier = l.tier ?? 'tier-1';
  const known = { environment: ENVIRONMENTS.includes(environment), tier: TIERS.includes(tier) };
  if (!known.environment || !known.tier) logger.warn({ cluster: l[cl], environment: l.environment, tier: l.tier }, 'unknown environment or tier label on kube_node_info; read as absent');
  return {
    id: l[cl], region: l.region ?? 'unknown', substrate: SUBSTRATES[l.provider_scheme] ?? 'on-prem', versions: {}, nodePools: [],
    environment: (known.environment ? environment : 'prod') as Environment, tier: (known.tier ? tier : 'tier-1') as Tier,
  };
}
