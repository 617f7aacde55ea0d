import type { OwnBounds } from '../ops/rollout-bounds.js';
import type { V1LabelSelector } from '@kubernetes/client-node';
import type { ArgoAppRef } from '../ops/index.js';

/** CPU in cores and memory in bytes. */
export interface Resources {
  cpu: number;
  memory: number;
}

export interface WorkloadFacts {
  kind: 'Deployment' | 'StatefulSet' | 'DaemonSet';
  namespace: string;
  name: string;
  desired: number;
  available: number;
  rolloutInProgress: boolean;
  rolloutReason?: string;
  podLabels: Record<string, string>;
  /** Sum of container requests of one pod. */
  podRequests: Resources;
  /** Revisions kept by the controller (ReplicaSets or ControllerRevisions) or, when Argo-managed, Argo CD syncs. */
  revisions: number;
  argoApp?: ArgoAppRef;
  /** What a restart may do to its pods under its own rolling-update strategy; absent where the reader cannot say. */
  restartBounds?: OwnBounds;
}

export interface PodFacts {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  nodeName?: string;
  /** The controlling workload, resolved through its ReplicaSet for Deployments; undefined for a bare pod. */
  owner?: { kind: string; name: string };
  requests: Resources;
  /** Evicted by a drain (not DaemonSet-owned, not a mirror pod, not finished). */
  drainable: boolean;
}

export interface NodeFacts {
  name: string;
  ready: boolean;
  schedulable: boolean;
  allocatable: Resources;
  /** Sum of requests of the active pods bound to the node. */
  requested: Resources;
}

export interface HpaFacts {
  namespace: string;
  name: string;
  target: { kind: string; name: string };
  minReplicas: number;
  maxReplicas: number;
  currentReplicas: number;
  desiredReplicas: number;
  argoApp?: ArgoAppRef;
}

export interface PdbFacts {
  namespace: string;
  name: string;
  selector?: V1LabelSelector;
  disruptionsAllowed: number;
}

/**
 * Current facts of a target cluster that guardrails judge by. Reads only; each method may throw,
 * and a guardrail that cannot read its facts fails closed.
 */
export interface ClusterReader {
  workload(cluster: string, kind: WorkloadFacts['kind'], namespace: string, name: string): Promise<WorkloadFacts | undefined>;
  pod(cluster: string, namespace: string, name: string): Promise<PodFacts | undefined>;
  podsOnNode(cluster: string, node: string): Promise<PodFacts[]>;
  nodes(cluster: string): Promise<NodeFacts[]>;
  /** The HPA named, or the one whose scaleTargetRef is the given workload. */
  hpa(cluster: string, namespace: string, by: { name: string } | { targetKind: string; targetName: string }): Promise<HpaFacts | undefined>;
  pdbs(cluster: string, namespace: string): Promise<PdbFacts[]>;
  /** CPU usage over requests of a workload's pods, 0–1+ (from metrics); undefined when unknown. */
  utilisation(cluster: string, kind: string, namespace: string, name: string): Promise<number | undefined>;
}
