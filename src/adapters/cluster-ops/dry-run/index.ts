import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import { loadSafeOperationCatalog, type SafeOperationCatalog } from '../../../remediation/catalog/index.js';
import {
  planningArgo, planningKube, runOperation, snapshotKube, type ArgoApplication, type ArgoCdApi, type ClusterSnapshot, type KubeApi,
} from '../../../remediation/ops/index.js';
import type { ClusterOps, OperationOutcome, OperationRequest, PlannedCall } from '../types.js';

export interface DryRunRecord {
  operationId: string;
  mode: 'plan' | 'execute' | 'rollback';
  cluster: string;
  calls: PlannedCall[];
}

export interface DryRunClusterOpsOptions {
  catalog?: SafeOperationCatalog;
  clock: Clock;
  logger: Logger;
  /** Read access to real clusters (e.g. a read-only KubeApi); default: `snapshots`, then placeholders. */
  reads?(cluster: string): Promise<KubeApi>;
  snapshots?: Record<string, ClusterSnapshot>;
  /** Argo CD reads; default: a placeholder application with two syncs and auto-sync on. */
  argo?: ArgoCdApi;
}

export interface DryRunClusterOps extends ClusterOps {
  /** Every plan/execute/rollback so far with its exact calls, oldest first. */
  records(): DryRunRecord[];
}

const placeholderArgo: ArgoCdApi = {
  getApplication: async (app): Promise<ArgoApplication> => ({ name: app.name, automated: { prune: true, selfHeal: true }, history: [{ id: 1, revision: 'previous' }, { id: 2, revision: 'current' }] }),
  runResourceAction: async () => undefined, setAutomatedSync: async () => undefined, rollback: async () => undefined,
};

/** The default ClusterOps: computes the exact calls of each operation and makes none of the writes. */
export function createDryRunClusterOps(o: DryRunClusterOpsOptions): DryRunClusterOps {
  const catalog = o.catalog ?? loadSafeOperationCatalog();
  const history: DryRunRecord[] = [];
  const readsFor = async (cluster: string) => (o.reads ? o.reads(cluster) : snapshotKube(cluster, o.snapshots?.[cluster]));
  const simulate = async (mode: DryRunRecord['mode'], req: OperationRequest): Promise<OperationOutcome> => {
    const kube = planningKube(await readsFor(req.target.cluster));
    // A dry run must not advance the real checkpoint: a later real execution would skip steps.
    const outcome = await runOperation(mode === 'rollback' ? 'rollback' : 'execute', { ...req, onCheckpoint: undefined }, {
      kube, argo: planningArgo(o.argo ?? placeholderArgo), catalog, nowMs: o.clock.nowMs, sleep: async () => undefined,
    });
    history.push({ operationId: req.operationId, mode, cluster: req.target.cluster, calls: outcome.calls });
    return { ...outcome, checkpoint: req.checkpoint };
  };
  return {
    kind: 'dry-run',
    records: () => [...history],
    async plan(req) {
      const { calls, status, message } = await simulate('plan', req);
      return { calls, status, message };
    },
    async execute(req) {
      const outcome = await simulate('execute', req);
      for (const call of outcome.calls.filter((c) => c.method !== 'GET')) {
        o.logger.info({ operationId: req.operationId, cluster: req.target.cluster, method: call.method, path: call.path }, `DRY-RUN: would ${call.description}`);
      }
      return { ...outcome, message: `DRY-RUN: ${outcome.message}` };
    },
    async rollback(req) {
      const outcome = await simulate('rollback', req);
      return { ...outcome, message: `DRY-RUN: ${outcome.message}` };
    },
  };
}
