import {
  AppsV1Api, AutoscalingV2Api, CoreV1Api, PatchStrategy, PolicyV1Api, type ConfigurationOptions, type KubeConfig, type ObservableMiddleware,
} from '@kubernetes/client-node';
// The object-parameter API runs middleware as the generator's minimal observables (as the library's
// own setHeaderMiddleware does); client-node 1.4.0 has no exports map, so this deep import is stable for the pin.
import { of } from '@kubernetes/client-node/dist/gen/rxjsStub.js';
import type { KubeApi, PatchStrategyName, Workload, WorkloadKind } from '../../../remediation/ops/index.js';
import { evictionBody, KubeApiError } from '../../../remediation/ops/index.js';
import { toKubeApiError } from './kube-error.js';

export interface KubeClientOptions {
  cluster: string;
  kubeConfig: KubeConfig;
  timeoutMs: number;
  signal?: AbortSignal;
  retries: number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

const CONTENT_TYPE: Record<PatchStrategyName, string> = {
  strategic: PatchStrategy.StrategicMergePatch, merge: PatchStrategy.MergePatch, json: PatchStrategy.JsonPatch,
};

/** Per-call options: a deadline tied to the job's signal, and the patch content type. */
function callOptions(o: KubeClientOptions, contentType?: string): ConfigurationOptions {
  const mw: ObservableMiddleware = {
    pre: (ctx) => {
      const timeout = AbortSignal.timeout(o.timeoutMs);
      ctx.setSignal(o.signal ? AbortSignal.any([o.signal, timeout]) : timeout);
      if (contentType) ctx.setHeaderParam('Content-Type', contentType);
      return of(ctx);
    },
    post: (res) => of(res),
  };
  return { middleware: [mw], middlewareMergeStrategy: 'append' };
}

/** Retries 5xx (and 429 unless `throttleIsFinal`, as for evictions where 429 means a PDB) with backoff, honouring Retry-After. */
async function withRetry<T>(o: KubeClientOptions, what: string, fn: () => Promise<T>, throttleIsFinal = false): Promise<T> {
  for (let attempt = 0; ; attempt++) {
    try {
      return await fn();
    } catch (raw) {
      const err = toKubeApiError(raw, what);
      const retryable = err instanceof KubeApiError && (err.status >= 500 || (err.status === 429 && !throttleIsFinal));
      if (!retryable || attempt >= o.retries || o.signal?.aborted) throw err;
      await o.sleep(err.details.retryAfterSeconds !== undefined ? err.details.retryAfterSeconds * 1000 : 500 * 2 ** attempt, o.signal);
    }
  }
}

/** The KubeApi of one target cluster, through @kubernetes/client-node with that cluster's own KubeConfig. */
export function createKubeClient(o: KubeClientOptions): KubeApi {
  const core = o.kubeConfig.makeApiClient(CoreV1Api);
  const apps = o.kubeConfig.makeApiClient(AppsV1Api);
  const hpa = o.kubeConfig.makeApiClient(AutoscalingV2Api);
  const policy = o.kubeConfig.makeApiClient(PolicyV1Api);
  const opt = (ct?: string) => callOptions(o, ct);
  const call = <T>(what: string, fn: () => Promise<T>) => withRetry(o, what, fn);
  const readers: Record<WorkloadKind, (p: { namespace: string; name: string }) => Promise<Workload>> = {
    Deployment: (p) => apps.readNamespacedDeployment(p, opt()),
    StatefulSet: (p) => apps.readNamespacedStatefulSet(p, opt()),
    DaemonSet: (p) => apps.readNamespacedDaemonSet(p, opt()),
  };
  const patchers: Record<WorkloadKind, (p: { namespace: string; name: string; body: object }, s: PatchStrategyName) => Promise<Workload>> = {
    Deployment: (p, s) => apps.patchNamespacedDeployment(p, opt(CONTENT_TYPE[s])),
    StatefulSet: (p, s) => apps.patchNamespacedStatefulSet(p, opt(CONTENT_TYPE[s])),
    DaemonSet: (p, s) => apps.patchNamespacedDaemonSet(p, opt(CONTENT_TYPE[s])),
  };
  return {
    cluster: o.cluster,
    server: o.kubeConfig.getCurrentCluster()?.server,
    readWorkload: (kind, namespace, name) => call(`read ${kind} ${namespace}/${name}`, () => readers[kind]({ namespace, name })),
    patchWorkload: (kind, namespace, name, body, s) => call(`patch ${kind} ${namespace}/${name}`, () => patchers[kind]({ namespace, name, body }, s)),
    readScale: (kind, namespace, name) => call(`read scale of ${kind} ${namespace}/${name}`, () => (kind === 'Deployment'
      ? apps.readNamespacedDeploymentScale({ namespace, name }, opt()) : apps.readNamespacedStatefulSetScale({ namespace, name }, opt()))),
    replaceScale: (kind, namespace, name, body) => call(`scale ${kind} ${namespace}/${name}`, () => (kind === 'Deployment'
      ? apps.replaceNamespacedDeploymentScale({ namespace, name, body }, opt()) : apps.replaceNamespacedStatefulSetScale({ namespace, name, body }, opt()))),
    listHpas: (namespace) => call(`list HPAs in ${namespace}`, async () => (await hpa.listNamespacedHorizontalPodAutoscaler({ namespace }, opt())).items),
    patchHpa: (namespace, name, body) => call(`patch HPA ${namespace}/${name}`, () => hpa.patchNamespacedHorizontalPodAutoscaler({ namespace, name, body }, opt(PatchStrategy.MergePatch))),
    readNode: (name) => call(`read node ${name}`, () => core.readNode({ name }, opt())),
    listNodes: () => call('list nodes', async () => (await core.listNode({}, opt())).items),
    patchNode: (name, body) => call(`patch node ${name}`, () => core.patchNode({ name, body }, opt(PatchStrategy.StrategicMergePatch))),
    readPod: (namespace, name) => call(`read pod ${namespace}/${name}`, () => core.readNamespacedPod({ namespace, name }, opt())),
    listPodsOnNode: (node) => call(`list pods on ${node}`, async () => (await core.listPodForAllNamespaces({ fieldSelector: `spec.nodeName=${node}` }, opt())).items),
    listActivePods: () => call('list pods', async () => (await core.listPodForAllNamespaces({ fieldSelector: 'status.phase!=Succeeded,status.phase!=Failed' }, opt())).items),
    evictPod: (namespace, name, grace) => withRetry(o, `evict pod ${namespace}/${name}`, async () => {
      await core.createNamespacedPodEviction({ namespace, name, body: evictionBody(namespace, name, grace) }, opt());
    }, true),
    listReplicaSets: (namespace, labelSelector) => call(`list ReplicaSets in ${namespace}`, async () => (await apps.listNamespacedReplicaSet({ namespace, labelSelector }, opt())).items),
    listControllerRevisions: (namespace, labelSelector) => call(`list ControllerRevisions in ${namespace}`,
      async () => (await apps.listNamespacedControllerRevision({ namespace, labelSelector }, opt())).items),
    listPdbs: (namespace) => call(`list PDBs in ${namespace}`, async () => (await policy.listNamespacedPodDisruptionBudget({ namespace }, opt())).items),
  };
}
