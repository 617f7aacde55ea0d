import { COMPONENTS } from '../../fleet/types.js';
/**
 * The fixed vocabulary shared by the failure model, runbooks, the simulator and RCA.
 * Ids here are part of the runbook format: renaming one breaks runbooks and stored RCA records.
 */

export const COMPONENT_IDS = COMPONENTS;
export type ComponentId = (typeof COMPONENT_IDS)[number];

/** Things a symptom can sit on: a component, a node, or `any` component (fleet-wide modes). */
export const ENTITY_IDS = [...COMPONENT_IDS, 'node', 'any'] as const;
export type EntityId = (typeof ENTITY_IDS)[number];

/** Golden signals, measured per cluster × component. */
export const SIGNAL_IDS = [
  'availability', 'error_ratio', 'latency_p99', 'request_rate',
  'cpu_saturation', 'memory_saturation', 'network_saturation',
] as const;

/** Drill-down signals, measured per node (or per pod and rolled up). */
export const NODE_SIGNAL_IDS = [
  'node_network_saturation', 'node_disk_usage', 'node_memory_pressure', 'node_ready',
  'pod_restarts', 'oom_kills', 'cert_expiry_seconds', 'dns_timeouts',
] as const;

export const ALL_SIGNAL_IDS = [...SIGNAL_IDS, ...NODE_SIGNAL_IDS] as const;
export type SignalId = (typeof ALL_SIGNAL_IDS)[number];

/** `absent` is for series that stop arriving: not a low value but no value at all. */
export const DIRECTIONS = ['up', 'down', 'absent'] as const;
export type Direction = (typeof DIRECTIONS)[number];

/**
 * Groups of the failure model: the components, the node, and causes above one component:
 * `cloud` (the provider), `cluster` (a whole cluster) and `fleet` (changes spread over many clusters).
 */
export const FAILURE_MODE_GROUPS = [...COMPONENT_IDS, 'node', 'cloud', 'cluster', 'fleet'] as const;
export type FailureModeGroup = (typeof FAILURE_MODE_GROUPS)[number];

export const SCENARIO_KINDS = [
  'bad-rollout', 'regional-degradation', 'node-disk-pressure', 'noisy-neighbour-dns',
  'cert-expiry', 'oom-after-config', 'stopped-reporting',
] as const;
export type ScenarioKind = (typeof SCENARIO_KINDS)[number];

/** The failure mode that is the true cause of each simulated scenario (RCA ground truth). */
export const SCENARIO_FAILURE_MODE: Record<ScenarioKind, string> = {
  'bad-rollout': 'fleet.bad-rollout',
  'regional-degradation': 'cloud.regional-degradation',
  'node-disk-pressure': 'node.disk-pressure',
  'noisy-neighbour-dns': 'node.nic-saturation',
  'cert-expiry': 'cert-manager.certificate-expired',
  'oom-after-config': 'workload.oom-after-config',
  'stopped-reporting': 'cluster.stopped-reporting',
};
