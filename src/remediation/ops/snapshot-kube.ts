import type {
  V1ControllerRevision, V1Node, V1Pod, V1PodDisruptionBudget, V1ReplicaSet, V2HorizontalPodAutoscaler,
} from '@kubernetes/client-node';
import type { KubeApi, Workload, WorkloadKind } from './kube-api.js';

/** Objects of one cluster, in wire format, for a read-only in-memory KubeApi. */
export interface ClusterSnapshot {
  workloads?: (Workload & { kind: WorkloadKind })[];
  pods?: V1Pod[];
  nodes?: V1Node[];
  hpas?: V2HorizontalPodAutoscaler[];
  replicaSets?: V1ReplicaSet[];
  controllerRevisions?: V1ControllerRevision[];
  pdbs?: V1PodDisruptionBudget[];
}

const inNs = (ns: string) => (o: { metadata?: { namespace?: string } }) => o.metadata?.namespace === ns;

/** A one-replica, fully rolled-out workload standing in for an object the snapshot does not hold. */
function placeholderWorkload(kind: WorkloadKind, namespace: string, name: string): Workload {
  const meta = { name, namespace, generation: 1, resourceVersion: '1', uid: `placeholder-${name}` };
  const template = { metadata: { labels: { app: name } }, spec: { containers: [{ name }] } };
  const spec = { replicas: 1, selector: { matchLabels: { app: name } }, template };
  if (kind === 'DaemonSet') {
    return { metadata: meta, spec, status: { desiredNumberScheduled: 1, currentNumberScheduled: 1, numberMisscheduled: 0, numberReady: 1, numberAvailable: 1, updatedNumberScheduled: 1, observedGeneration: 1 } };
  }
  return { metadata: meta, spec, status: { replicas: 1, readyReplicas: 1, availableReplicas: 1, updatedReplicas: 1, observedGeneration: 1 } } as Workload;
}

/**
 * A read-only KubeApi over a snapshot. Objects it does not hold are answered with placeholders, so a
 * dry-run without cluster access still previews every write an operation makes.
 */
export function snapshotKube(cluster: string, snap: ClusterSnapshot = {}): KubeApi {
  const workload = (kind: WorkloadKind, ns: string, name: string): Workload =>
    snap.workloads?.find((w) => w.kind === kind && w.metadata?.namespace === ns && w.metadata?.name === name) ?? placeholderWorkload(kind, ns, name);
  const node = (name: string): V1Node => snap.nodes?.find((n) => n.metadata?.name === name)
    ?? { metadata: { name, resourceVersion: '1' }, status: { conditions: [{ type: 'Ready', status: 'True' }] } };
  const refuse = async (): Promise<never> => { throw new Error('snapshotKube is read-only: wrap it in planningKube'); };
  return {
    cluster,
    readWorkload: async (k, ns, n) => workload(k, ns, n),
    readScale: async (k, ns, n) => {
      const w = workload(k, ns, n);
      return { metadata: { name: n, namespace: ns, resourceVersion: w.metadata?.resourceVersion }, spec: { replicas: (w.spec as { replicas?: number }).replicas ?? 1 } };
    },
    listHpas: async (ns) => (snap.hpas ?? []).filter(inNs(ns)),
    readNode: async (n) => node(n),
    listNodes: async () => snap.nodes ?? [],
    readPod: async (ns, n) => snap.pods?.find((p) => p.metadata?.namespace === ns && p.metadata.name === n) ?? { metadata: { namespace: ns, name: n } },
    listPodsOnNode: async (n) => (snap.pods ?? []).filter((p) => p.spec?.nodeName === n),
    listActivePods: async () => (snap.pods ?? []).filter((p) => p.status?.phase !== 'Succeeded' && p.status?.phase !== 'Failed'),
    listReplicaSets: async (ns) => (snap.replicaSets ?? []).filter(inNs(ns)),
    listControllerRevisions: async (ns) => (snap.controllerRevisions ?? []).filter(inNs(ns)),
    listPdbs: async (ns) => (snap.pdbs ?? []).filter(inNs(ns)),
    patchWorkload: refuse, replaceScale: refuse, patchHpa: refuse, patchNode: refuse, evictPod: refuse,
  };
}
