export { checkGuardrails, GUARDRAILS, FLEET_GUARDRAILS, type GuardrailFailure, type GuardrailResult } from './check-guardrails.js';
export { ChangeFreezeWindow, GuardrailLimits, type GuardrailState, type RecentOperation, type FleetAction } from './guardrail-state.js';
export type { ClusterReader, WorkloadFacts, PodFacts, NodeFacts, HpaFacts, PdbFacts, Resources } from './cluster-reader.js';
export { createKubeClusterReader, podRequests, type KubeClusterReaderOptions } from './kube-cluster-reader.js';
export type { Guardrail, GuardContext, Waiting } from './guard-context.js';
export { OPERATION_STATES, recentOperationsFrom } from './recent-operations.js';
export { fleetActionOf, loadFleetAction, type ClusterFacts } from './fleet-action.js';
