/** Domain vocabulary shared by every module: clusters, components, golden signals, topology. */

export const COMPONENTS = [
  'coredns', 'ingress-gateway', 'apiserver', 'etcd', 'kubelet', 'cni', 'csi',
  'service-mesh', 'cert-manager', 'cluster-autoscaler', 'metrics-server', 'workload',
] as const;
export type ComponentId = (typeof COMPONENTS)[number];

export const SIGNALS = [
  'availability', 'error_ratio', 'latency_p99', 'request_rate',
  'cpu_saturation', 'memory_saturation', 'network_saturation',
] as const;
/** A golden signal id of the built-in catalog; user catalogs may add more (plain strings). */
export type SignalId = (typeof SIGNALS)[number];

export const SUBSTRATES = ['aws', 'gcp', 'azure', 'on-prem'] as const;
export type Substrate = (typeof SUBSTRATES)[number];
export type Environment = 'prod' | 'staging' | 'dev';
export type Tier = 'tier-0' | 'tier-1' | 'tier-2';

export interface NodePool {
  name: string;
  instanceType: string;
  nodeCount: number;
}

export interface Cluster {
  id: string;
  region: string;
  substrate: Substrate;
  environment: Environment;
  tier: Tier;
  /** Platform component → version string running in this cluster. */
  versions: Partial<Record<ComponentId, string>>;
  nodePools: NodePool[];
}

export interface TopologyNode {
  name: string;
  pool: string;
  /** NIC capacity in bytes per second. */
  nicBytesPerSecond: number;
}

export interface TopologyPod {
  name: string;
  namespace: string;
  component: ComponentId | string;
  node: string;
}

export interface Topology {
  cluster: string;
  nodes: TopologyNode[];
  pods: TopologyPod[];
  /** Component dependency edges: `from` depends on `to`. */
  dependencies: { from: ComponentId; to: ComponentId }[];
}

/** One regularly sampled series; NaN marks a missing sample. */
export interface Series {
  cluster: string;
  component: string;
  signal: string;
  /** Extra identifying labels (node, pod) for drill-down series. */
  labels?: Record<string, string>;
  startMs: number;
  stepMs: number;
  values: Float64Array;
}

export interface TimeRange {
  startMs: number;
  endMs: number;
}
