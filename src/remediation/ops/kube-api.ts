import type {
  V1ControllerRevision, V1DaemonSet, V1Deployment, V1Node, V1Pod, V1PodDisruptionBudget, V1ReplicaSet, V1Scale,
  V1StatefulSet, V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';

export type WorkloadKind = 'Deployment' | 'StatefulSet' | 'DaemonSet';
export type ScalableKind = 'Deployment' | 'StatefulSet';
export type Workload = V1Deployment | V1StatefulSet | V1DaemonSet;
export type PatchStrategyName = 'strategic' | 'merge' | 'json';

/**
 * The Kubernetes calls the safe operations make against one cluster, in wire-format objects.
 * Implementations: the real API through @kubernetes/client-node (adapters/cluster-ops/kubernetes)
 * and an in-memory cluster (dry-run, unit tests). Failures throw KubeApiError with the HTTP status.
 */
export interface KubeApi {
  readonly cluster: string;
  /** The API server URL, where known (the real client); Argo CD destinations name clusters by it. */
  readonly server?: string;
  readWorkload(kind: WorkloadKind, namespace: string, name: string): Promise<Workload>;
  /** `resourceVersion` in the patch's metadata makes it conditional: a stale one answers 409. */
  patchWorkload(kind: WorkloadKind, namespace: string, name: string, patch: object, strategy: PatchStrategyName): Promise<Workload>;
  readScale(kind: ScalableKind, namespace: string, name: string): Promise<V1Scale>;
  /** PUT of the scale subresource carrying the read resourceVersion: 409 when someone changed it since. */
  replaceScale(kind: ScalableKind, namespace: string, name: string, scale: V1Scale): Promise<V1Scale>;
  listHpas(namespace: string): Promise<V2HorizontalPodAutoscaler[]>;
  patchHpa(namespace: string, name: string, patch: object): Promise<V2HorizontalPodAutoscaler>;
  readNode(name: string): Promise<V1Node>;
  listNodes(): Promise<V1Node[]>;
  patchNode(name: string, patch: object): Promise<V1Node>;
  readPod(namespace: string, name: string): Promise<V1Pod>;
  /** Pods bound to a node, all namespaces (`fieldSelector=spec.nodeName=<node>`). */
  listPodsOnNode(node: string): Promise<V1Pod[]>;
  /** Pods of all namespaces that are not finished; for capacity accounting. */
  listActivePods(): Promise<V1Pod[]>;
  /** Eviction API: the server refuses with 429 when a PodDisruptionBudget would be violated. */
  evictPod(namespace: string, name: string, gracePeriodSeconds: number): Promise<void>;
  listReplicaSets(namespace: string, labelSelector: string): Promise<V1ReplicaSet[]>;
  listControllerRevisions(namespace: string, labelSelector: string): Promise<V1ControllerRevision[]>;
  listPdbs(namespace: string): Promise<V1PodDisruptionBudget[]>;
}

/** A refusal or failure of one Kubernetes call, with what the server said. */
export class KubeApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly details: { reason?: string; retryAfterSeconds?: number } = {},
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'KubeApiError';
  }
}

export function isKubeStatus(err: unknown, status: number): err is KubeApiError {
  return err instanceof KubeApiError && err.status === status;
}
