import { ownBounds } from '../ops/rollout-bounds.js';
import type { V1Node, V1Pod, V1PodSpec, V2HorizontalPodAutoscaler } from '@kubernetes/client-node';
import {
  argoManagedBy, controllerRevisions, drainablePods, isKubeStatus, parseQuantity, rolloutStatus, selectorQuery, type ArgoCdApi, type KubeApi,
} from '../ops/index.js';
import type { ClusterReader, HpaFacts, NodeFacts, PodFacts, Resources, WorkloadFacts } from './cluster-reader.js';

export interface KubeClusterReaderOptions {
  kubeFor(cluster: string): Promise<KubeApi>;
  /** Workload CPU utilisation from metrics (usage / requests); default: unknown. */
  utilisation?(cluster: string, kind: string, namespace: string, name: string): Promise<number | undefined>;
  argo?: ArgoCdApi;
}

export function podRequests(spec: V1PodSpec | undefined): Resources {
  const sum = (r: 'cpu' | 'memory') => (spec?.containers ?? []).reduce((s, c) => s + (parseQuantity(c.resources?.requests?.[r]) ?? 0), 0);
  return { cpu: sum('cpu'), memory: sum('memory') };
}

const notFoundAsUndefined = <T>(p: Promise<T>): Promise<T | undefined> => p.catch((err: unknown) => {
  if (isKubeStatus(err, 404)) return undefined;
  throw err;
});

function nodeFacts(n: V1Node, pods: V1Pod[]): NodeFacts {
  const mine = pods.filter((p) => p.spec?.nodeName === n.metadata?.name).map((p) => podRequests(p.spec));
  return {
    name: n.metadata?.name ?? '',
    ready: (n.status?.conditions ?? []).some((c) => c.type === 'Ready' && c.status === 'True'),
    schedulable: n.spec?.unschedulable !== true,
    allocatable: { cpu: parseQuantity(n.status?.allocatable?.cpu) ?? 0, memory: parseQuantity(n.status?.allocatable?.memory) ?? 0 },
    requested: { cpu: mine.reduce((s, r) => s + r.cpu, 0), memory: mine.reduce((s, r) => s + r.memory, 0) },
  };
}

function hpaFacts(h: V2HorizontalPodAutoscaler): HpaFacts {
  return {
    namespace: h.metadata?.namespace ?? '', name: h.metadata?.name ?? '',
    target: { kind: h.spec?.scaleTargetRef.kind ?? '', name: h.spec?.scaleTargetRef.name ?? '' },
    minReplicas: h.spec?.minReplicas ?? 1, maxReplicas: h.spec?.maxReplicas ?? 1,
    currentReplicas: h.status?.currentReplicas ?? 0, desiredReplicas: h.status?.desiredReplicas ?? 0,
    argoApp: argoManagedBy(h.metadata),
  };
}

/** A ClusterReader over each cluster's KubeApi (the same per-cluster credentials as the operations). */
export function createKubeClusterReader(o: KubeClusterReaderOptions): ClusterReader {
  const revisionCount = async (kube: KubeApi, kind: WorkloadFacts['kind'], ns: string, w: Awaited<ReturnType<KubeApi['readWorkload']>>) => {
    const app = argoManagedBy(w.metadata);
    if (app && o.argo) return (await o.argo.getApplication(app)).history.length;
    if (kind === 'Deployment') {
      return (await kube.listReplicaSets(ns, selectorQuery(w.spec?.selector))).filter((rs) => (rs.metadata?.ownerReferences ?? []).some((r) => r.uid === w.metadata?.uid)).length;
    }
    return (await controllerRevisions(kube, { kind, namespace: ns, name: w.metadata?.name ?? '' }, w)).length;
  };
  return {
    async workload(cluster, kind, ns, name) {
      const kube = await o.kubeFor(cluster);
      const w = await notFoundAsUndefined(kube.readWorkload(kind, ns, name));
      if (!w) return undefined;
      const status = rolloutStatus(kind, w);
      return {
        kind, namespace: ns, name, desired: status.desired, available: status.available, rolloutInProgress: status.inProgress, rolloutReason: status.reason,
        podLabels: w.spec?.template.metadata?.labels ?? {}, podRequests: podRequests(w.spec?.template.spec),
        revisions: await revisionCount(kube, kind, ns, w), argoApp: argoManagedBy(w.metadata), restartBounds: ownBounds(kind, w),
      };
    },
    async pod(cluster, ns, name) {
      const kube = await o.kubeFor(cluster);
      const p = await notFoundAsUndefined(kube.readPod(ns, name));
      if (!p) return undefined;
      const ref = p.metadata?.ownerReferences?.find((r) => r.controller) ?? p.metadata?.ownerReferences?.[0];
      let owner = ref && { kind: ref.kind, name: ref.name };
      if (ref?.kind === 'ReplicaSet') {
        const rs = (await kube.listReplicaSets(ns, '')).find((r) => r.metadata?.name === ref.name);
        const dep = rs?.metadata?.ownerReferences?.find((r) => r.kind === 'Deployment');
        owner = dep ? { kind: 'Deployment', name: dep.name } : owner;
      }
      return { ...podFactsOf(p), owner };
    },
    async podsOnNode(cluster, node) {
      const pods = await (await o.kubeFor(cluster)).listPodsOnNode(node);
      const drainable = new Set(drainablePods(pods));
      return pods.map((p) => ({ ...podFactsOf(p), drainable: drainable.has(p) }));
    },
    async nodes(cluster) {
      const kube = await o.kubeFor(cluster);
      const [nodes, pods] = await Promise.all([kube.listNodes(), kube.listActivePods()]);
      return nodes.map((n) => nodeFacts(n, pods));
    },
    async hpa(cluster, ns, by) {
      const hpas = await (await o.kubeFor(cluster)).listHpas(ns);
      const h = 'name' in by ? hpas.find((x) => x.metadata?.name === by.name)
        : hpas.find((x) => x.spec?.scaleTargetRef.kind === by.targetKind && x.spec.scaleTargetRef.name === by.targetName);
      return h && hpaFacts(h);
    },
    async pdbs(cluster, ns) {
      const pdbs = await (await o.kubeFor(cluster)).listPdbs(ns);
      return pdbs.map((p) => ({ namespace: ns, name: p.metadata?.name ?? '', selector: p.spec?.selector, disruptionsAllowed: p.status?.disruptionsAllowed ?? 0 }));
    },
    utilisation: (cluster, kind, ns, name) => (o.utilisation ? o.utilisation(cluster, kind, ns, name) : Promise.resolve(undefined)),
  };
}

function podFactsOf(p: V1Pod): PodFacts {
  return {
    namespace: p.metadata?.namespace ?? '', name: p.metadata?.name ?? '', labels: p.metadata?.labels ?? {}, nodeName: p.spec?.nodeName,
    requests: podRequests(p.spec), drainable: drainablePods([p]).length === 1,
  };
}
