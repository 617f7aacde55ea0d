import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { loadSafeOperationCatalog, type SafeOperationCatalog } from '../../../remediation/catalog/index.js';
import { planningArgo, planningKube, runOperation, type ArgoCdApi, type KubeApi } from '../../../remediation/ops/index.js';
import type { ClusterRegistry } from '../../../remediation/registry/index.js';
import type { ClusterOps, OperationOutcome, OperationRequest } from '../types.js';
import { createKubeClient } from './kube-client.js';

export interface KubernetesClusterOpsOptions {
  registry: ClusterRegistry;
  /** Argo CD, for objects it manages; without it such objects are refused, never patched. */
  argo?: ArgoCdApi;
  catalog?: SafeOperationCatalog;
  clock: Clock;
  logger: Logger;
  /** Per request; default 30 s. */
  timeoutMs?: number;
  /** Retries of 429/5xx per call (never of an eviction's 429, which is a PDB refusal); default 3. */
  retries?: number;
  availabilityFloor?: number;
  sleep?(ms: number, signal?: AbortSignal): Promise<void>;
}

export interface KubernetesClusterOps extends ClusterOps {
  /** A KubeApi on one registered cluster with its own credentials (also for guardrail reads). */
  kubeApiFor(cluster: string, signal?: AbortSignal): Promise<KubeApi>;
}

const realSleep = (ms: number, signal?: AbortSignal) => new Promise<void>((resolve, reject) => {
  const t = setTimeout(resolve, ms);
  signal?.addEventListener('abort', () => { clearTimeout(t); reject(signal.reason as Error); }, { once: true });
});

/** ClusterOps against the Kubernetes API of each registered cluster, reached only with that cluster's KubeConfig. */
export function createKubernetesClusterOps(o: KubernetesClusterOpsOptions): KubernetesClusterOps {
  const catalog = o.catalog ?? loadSafeOperationCatalog();
  const sleep = o.sleep ?? realSleep;
  const kubeApiFor = async (cluster: string, signal?: AbortSignal): Promise<KubeApi> => createKubeClient({
    cluster, kubeConfig: await o.registry.kubeConfigFor(cluster), timeoutMs: o.timeoutMs ?? 30_000, retries: o.retries ?? 3, sleep, signal,
  });
  const run = async (mode: 'execute' | 'rollback', req: OperationRequest): Promise<OperationOutcome> => {
    let kube: KubeApi;
    try {
      kube = await kubeApiFor(req.target.cluster, req.abortSignal);
    } catch (err) {
      o.logger.error({ cluster: req.target.cluster, operationId: req.operationId, err }, 'cluster unreachable through the registry');
      return { status: 'failed', calls: [], message: `refused: ${(err as Error).message}`, checkpoint: req.checkpoint };
    }
    const outcome = await runOperation(mode, req, { kube, argo: o.argo, catalog, nowMs: o.clock.nowMs, sleep, availabilityFloor: o.availabilityFloor });
    o.logger.info({ cluster: req.target.cluster, operationId: req.operationId, operation: req.operation, mode, status: outcome.status, calls: outcome.calls.length }, 'safe operation finished');
    return outcome;
  };
  return {
    kind: 'kubernetes',
    kubeApiFor,
    async plan(req) {
      const kube = planningKube(await kubeApiFor(req.target.cluster, req.abortSignal));
      const argo = o.argo && planningArgo(o.argo);
      const outcome = await runOperation('execute', { ...req, onCheckpoint: undefined }, { kube, argo, catalog, nowMs: o.clock.nowMs, sleep: async () => undefined, availabilityFloor: o.availabilityFloor });
      return { calls: outcome.calls, status: outcome.status, message: outcome.message };
    },
    execute: (req) => run('execute', req),
    rollback: (req) => run('rollback', req),
  };
}
