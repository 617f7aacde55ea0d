import type { PlannedCall } from '../../adapters/cluster-ops/types.js';
import type { KubeApi, WorkloadKind } from './kube-api.js';

const WORKLOAD_PLURAL: Record<WorkloadKind, string> = { Deployment: 'deployments', StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' };
const enc = encodeURIComponent;

export const workloadPath = (kind: WorkloadKind, ns: string, name: string): string =>
  `/apis/apps/v1/namespaces/${enc(ns)}/${WORKLOAD_PLURAL[kind]}/${enc(name)}`;
export const hpaPath = (ns: string, name = ''): string =>
  `/apis/autoscaling/v2/namespaces/${enc(ns)}/horizontalpodautoscalers${name ? `/${enc(name)}` : ''}`;
export const nodePath = (name = ''): string => `/api/v1/nodes${name ? `/${enc(name)}` : ''}`;
export const podPath = (ns: string, name: string): string => `/api/v1/namespaces/${enc(ns)}/pods/${enc(name)}`;

const get = (path: string, description: string): PlannedCall => ({ method: 'GET', path, description });

/**
 * Wraps a KubeApi so every call is appended to `calls` as the exact HTTP request it stands for.
 * Dry-run and the real client share this wrapper, so a preview lists the same calls an execution makes.
 */
export function recordingKube(api: KubeApi, calls: PlannedCall[]): KubeApi {
  const rec = <T>(call: PlannedCall, run: () => Promise<T>): Promise<T> => {
    calls.push(call);
    return run();
  };
  return {
    cluster: api.cluster,
    server: api.server,
    readWorkload: (k, ns, n) => rec(get(workloadPath(k, ns, n), `read ${k} ${ns}/${n}`), () => api.readWorkload(k, ns, n)),
    patchWorkload: (k, ns, n, patch, s) => rec({ method: 'PATCH', path: workloadPath(k, ns, n), body: patch, description: `patch ${k} ${ns}/${n} (${s} merge)` },
      () => api.patchWorkload(k, ns, n, patch, s)),
    readScale: (k, ns, n) => rec(get(`${workloadPath(k, ns, n)}/scale`, `read scale of ${k} ${ns}/${n}`), () => api.readScale(k, ns, n)),
    replaceScale: (k, ns, n, scale) => rec({ method: 'PUT', path: `${workloadPath(k, ns, n)}/scale`, body: scale, description: `set ${k} ${ns}/${n} replicas to ${scale.spec?.replicas}` },
      () => api.replaceScale(k, ns, n, scale)),
    listHpas: (ns) => rec(get(hpaPath(ns), `list HPAs in ${ns}`), () => api.listHpas(ns)),
    patchHpa: (ns, n, patch) => rec({ method: 'PATCH', path: hpaPath(ns, n), body: patch, description: `patch HPA ${ns}/${n} bounds` }, () => api.patchHpa(ns, n, patch)),
    readNode: (n) => rec(get(nodePath(n), `read node ${n}`), () => api.readNode(n)),
    listNodes: () => rec(get(nodePath(), 'list nodes'), () => api.listNodes()),
    patchNode: (n, patch) => rec({ method: 'PATCH', path: nodePath(n), body: patch, description: `patch node ${n}` }, () => api.patchNode(n, patch)),
    readPod: (ns, n) => rec(get(podPath(ns, n), `read pod ${ns}/${n}`), () => api.readPod(ns, n)),
    listPodsOnNode: (node) => rec(get(`/api/v1/pods?fieldSelector=${enc(`spec.nodeName=${node}`)}`, `list pods on node ${node}`), () => api.listPodsOnNode(node)),
    listActivePods: () => rec(get(`/api/v1/pods?fieldSelector=${enc('status.phase!=Succeeded,status.phase!=Failed')}`, 'list running pods'), () => api.listActivePods()),
    evictPod: (ns, n, grace) => rec({ method: 'POST', path: `${podPath(ns, n)}/eviction`, body: evictionBody(ns, n, grace), description: `evict pod ${ns}/${n}` },
      () => api.evictPod(ns, n, grace)),
    listReplicaSets: (ns, sel) => rec(get(`/apis/apps/v1/namespaces/${enc(ns)}/replicasets?labelSelector=${enc(sel)}`, `list ReplicaSets in ${ns}`), () => api.listReplicaSets(ns, sel)),
    listControllerRevisions: (ns, sel) => rec(get(`/apis/apps/v1/namespaces/${enc(ns)}/controllerrevisions?labelSelector=${enc(sel)}`, `list ControllerRevisions in ${ns}`),
      () => api.listControllerRevisions(ns, sel)),
    listPdbs: (ns) => rec(get(`/apis/policy/v1/namespaces/${enc(ns)}/poddisruptionbudgets`, `list PodDisruptionBudgets in ${ns}`), () => api.listPdbs(ns)),
  };
}

export function evictionBody(namespace: string, name: string, gracePeriodSeconds: number): object {
  return { apiVersion: 'policy/v1', kind: 'Eviction', metadata: { name, namespace }, deleteOptions: { gracePeriodSeconds } };
}
