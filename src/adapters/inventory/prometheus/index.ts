/**
 * Inventory derived from Prometheus. Labels read (kube-state-metrics and node-exporter names):
 * - clusters: `kube_node_info` (one per node) grouped by the cluster label; a cluster with no
 *   `kube_node_info` now but some within `expectedWithinHours` is still listed, with what its series
 *   said at its last sample (its metrics stopped: the scan reports it silent); one gone longer is decommissioned;
 * - attributes: `region`, `environment`, `tier` labels on `kube_node_info` when present (external
 *   labels of the sending Prometheus; a value outside the known ones counts as absent), else
 *   `label_topology_kubernetes_io_region` of `kube_node_labels`; substrate from `provider_id`
 *   (aws://, gce://, azure://, otherwise on-prem);
 * - node pools: `kube_node_labels` `label_node_pool` (configurable) and
 *   `label_node_kubernetes_io_instance_type`;
 * - versions: the image tag (else digest, else `latest`) of `kube_pod_container_info` per component
 *   (component matchers), kubelet from `kube_node_info{kubelet_version}`; each the one most pods or
 *   nodes run, a tie broken in label order;
 * - topology: `kube_node_info` nodes, `kube_pod_info` pods (pod → node), `node_network_speed_bytes`.
 * The fleet's queries are counted per cluster in Prometheus, so an answer grows with clusters, not
 * nodes. Queries are retried on 429/5xx/network errors and on partial answers (Thanos/Mimir
 * warnings): an inventory without the clusters of a store that did not answer would hide them.
 */
import { ExternalServiceError, NotFoundError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import type { Cluster, Environment, Substrate, Tier, Topology } from '../../../fleet/types.js';
import { DEFAULT_COMPONENT_MATCHERS, nicMatcher } from '../../../signals/component-matchers.js';
import { clusterMatcher } from '../../../signals/render-promql.js';
import type { HttpCallOptions } from '../../http-call-options.js';
import type { PrometheusConnection } from '../../metrics/prometheus/connection.js';
import { withDriver } from '../../metrics/prometheus/driver-client.js';
import { isPartialWarning } from '../../metrics/prometheus/partial-warning.js';
import type { Inventory } from '../types.js';
import { compileMatchers, matcherLabels } from './label-matchers.js';
import { InstantSamples, type InstantSample } from './schema.js';
import { abortableSleep, withBackoff, withTimeout } from '../../../core/backoff.js';
import { compareText } from '../../../core/compare-text.js';

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

/**
 * NIC speed per node. node-exporter's series name the node by a `node` label where the scrape adds one,
 * else by `instance` (kube-prometheus relabels `instance` to the node name, as the node drill-downs
 * assume); before, only a `node` label was read, so on kube-prometheus every node got the default speed.
 */
function nicSpeed(sel: string, at: At): string {
  // a speed node-exporter cannot read (virtual NICs) is -1: that NIC gets the default, not a negative capacity
  const speed = (node: string) => `(${at(`node_network_speed_bytes{${sel}, ${nicMatcher('device')}, node${node}}`)} > 0)`;
  return `max by (node) (${speed('!=""')}) or max by (node) (label_replace(${speed('=""')}, "node", "$1", "instance", "(.+)"))`;
}

/** A selector as read: its samples now, or its last ones within the window. */
type At = (series: string) => string;

/** How far before its cluster's last sample a series' last one may be and still count: a current read's lookback (5 min). */
const LAST_SAMPLE_SLACK_SECONDS = 300;

/**
 * A stopped cluster's series as they were at its last sample: the last value of each series whose own
 * last sample is within the slack of the cluster's. Over the whole window, a node replaced before the
 * cluster went silent was counted beside its successor. timestamp() of a selector is the sample's own
 * time, and a 1 min subquery step is within the lookback (5 min by default), so no last sample is missed.
 * The stopped clusters only: a subquery over the fleet's series would be costly.
 */
function lastSample(series: string, window: string, cl: string): string {
  const lastMs = `last_over_time(timestamp(${series})[${window}:1m])`;
  return `(last_over_time(${series}[${window}]) and (${lastMs} >= on (${cl}) group_left () (max by (${cl}) (${lastMs}) - ${LAST_SAMPLE_SLACK_SECONDS})))`;
}

/** One instant query, at the time of the listing or topology it is part of. */
type Query = (promql: string) => Promise<InstantSample[]>;

/** The scheme of a node's provider_id (aws://, gce://, azure://); any other is on-prem. */
const SUBSTRATES: Record<string, Substrate | undefined> = { aws: 'aws', gce: 'gcp', azure: 'azure' };
const ENVIRONMENTS: readonly string[] = ['prod', 'staging', 'dev'] satisfies Environment[];
const TIERS: readonly string[] = ['tier-0', 'tier-1', 'tier-2'] satisfies Tier[];

export function createPrometheusInventory(opts: PrometheusInventoryOptions): Inventory {
  const cl = opts.clusterLabel ?? 'cluster';
  const matchers = opts.componentMatchers ?? DEFAULT_COMPONENT_MATCHERS;
  // every query of one listing or topology at one time: a cluster that stops or resumes between two
  // of them (a retry waits seconds) would otherwise be in both the current and the stopped answer, or in neither
  const queryAt = (signal?: AbortSignal): Query => {
    const atMs = opts.clock.nowMs();
    return (promql) => instantQuery(opts, promql, atMs, signal);
  };
  const now: At = (series) => series;
  const window = `${opts.expectedWithinHours ?? 6}h`;
  const lastSeen: At = (series) => lastSample(series, window, cl);
  const all = `${cl}!=""`;
  const pool = opts.nodePoolLabel ?? 'label_node_pool';
  // counted per cluster and attributes, not a series per node: 7,000 clusters × 10 nodes answered 130 MB that way.
  // Nodes and pods are grouped first: two kube-state-metrics replicas, or one restarted within the
  // window, export each in two series (`instance` differs), which counted every node twice
  const nodeInfo = `${cl}, region, environment, tier, kubelet_version, provider_scheme`;
  const nodeLabels = `${cl}, ${pool}, label_node_kubernetes_io_instance_type, label_topology_kubernetes_io_region`;
  const attributes = (q: Query, sel: string, at: At) => Promise.all([
    q(`count by (${nodeInfo}) (group by (${nodeInfo}, node) (label_replace(${at(`kube_node_info{${sel}}`)}, "provider_scheme", "$1", "provider_id", "([a-z0-9]+)://.*")))`),
    q(`count by (${nodeLabels}) (group by (${nodeLabels}, node) (${at(`kube_node_labels{${sel}}`)}))`),
    Promise.all(Object.entries(matchers).map(async ([c, m]) => [c, await q(`count by (${cl}, image) (group by (${cl}, namespace, pod, container, image) (${at(`kube_pod_container_info{${sel}, ${m}}`)}))`)] as const)),
  ]);
  // only the labels read: a pod's series carries a dozen more (uid, IPs, owner), and 100,000 pods answered them all
  const podLabels = [...new Set(['namespace', 'pod', 'node', ...Object.values(matchers).flatMap(matcherLabels)])].join(', ');
  const topology = (q: Query, sel: string, at: At) => Promise.all([
    q(`group by (node) (${at(`kube_node_info{${sel}}`)})`), q(`group by (node, ${pool}) (${at(`kube_node_labels{${sel}}`)})`),
    q(`group by (${podLabels}) (${at(`kube_pod_info{${sel}}`)})`), q(nicSpeed(sel, at)),
  ]);

  return {
    async listClusters(signal) {
      const q = queryAt(signal);
      const [current, stopped] = await Promise.all([
        attributes(q, all, now),
        q(`group by (${cl}) (last_over_time(kube_node_info{${all}}[${window}])) unless on (${cl}) kube_node_info{${all}}`),
      ]);
      // only the clusters that stopped are read over the window: the whole fleet's pods over hours would be costly
      const past = stopped.length ? await attributes(q, clusterMatcher(cl, stopped.map((s) => s.metric.labels[cl])), lastSeen) : [[], [], []] as const;
      return buildClusters([...current[0], ...past[0]], [...current[1], ...past[1]], [...current[2], ...past[2]], cl, pool, opts.logger);
    },
    async getTopology(clusterId, signal) {
      const sel = clusterMatcher(cl, [clusterId]);
      const q = queryAt(signal);
      let [nodes, labels, pods, speed] = await topology(q, sel, now);
      if (nodes.length === 0) [nodes, labels, pods, speed] = await topology(q, sel, lastSeen);
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

/** One instant query at `atMs`, retried on 429/5xx/network errors and on a partial answer. */
function instantQuery(opts: PrometheusInventoryOptions, promql: string, atMs: number, signal?: AbortSignal): Promise<InstantSample[]> {
  return withBackoff(() => withTimeout(signal, opts.timeoutMs ?? 60_000, async (s) => {
    const { value, state } = await withDriver(opts, opts.clock, s, (d) => d.instantQuery(promql, atMs));
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
  for (const { metric: { labels: l } } of byCount(nodes)) {
    const c = clusters.get(l[cl]) ?? newCluster(l, cl, logger);
    if (l.kubelet_version) c.versions.kubelet ??= l.kubelet_version;
    clusters.set(c.id, c);
  }
  for (const s of byCount(labels)) {
    const l = s.metric.labels;
    const c = clusters.get(l[cl]);
    if (!c) continue;
    if (c.region === 'unknown' && l.label_topology_kubernetes_io_region) c.region = l.label_topology_kubernetes_io_region;
    const name = l[poolLabel] ?? 'default';
    const pool = c.nodePools.find((p) => p.name === name) ?? c.nodePools[c.nodePools.push({ name, instanceType: l.label_node_kubernetes_io_instance_type ?? 'unknown', nodeCount: 0 }) - 1];
    pool.nodeCount += s.value.value;
  }
  for (const [component, samples] of images) {
    const done = new Set<string>();
    for (const s of byCount(samples)) {
      const c = clusters.get(s.metric.labels[cl]);
      const tag = imageVersion(s.metric.labels.image);
      if (!c || !tag || done.has(c.id)) continue;
      c.versions[component as keyof Cluster['versions']] = tag;
      done.add(c.id);
    }
  }
  return [...clusters.values()].sort((a, b) => compareText(a.id, b.id));
}

/** Most first; a tie (half the nodes upgraded) in label order, whatever order the answer listed them in. */
function byCount(samples: InstantSample[]): InstantSample[] {
  const keyed = samples.map((s) => ({ s, key: JSON.stringify(Object.entries(s.metric.labels).sort(([x], [y]) => (x < y ? -1 : 1))) }));
  keyed.sort((a, b) => b.s.value.value - a.s.value.value || (a.key < b.key ? -1 : a.key > b.key ? 1 : 0));
  return keyed.map((k) => k.s);
}

/**
 * The version an image reference names: its tag (`reg:5000/coredns:v1.11.3@sha256:…` → v1.11.3),
 * else its digest, else `latest` (what a reference without either pulls).
 */
function imageVersion(image: string | undefined): string | undefined {
  if (!image) return undefined;
  if (/^sha256:[0-9a-f]+$/.test(image)) return image;
  const [name, digest] = image.split('@');
  const last = name.slice(name.lastIndexOf('/') + 1);
  return last.includes(':') ? last.slice(last.indexOf(':') + 1) : digest ?? 'latest';
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
