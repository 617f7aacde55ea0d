import type { OperationOutcome, OperationRequest, PlannedCall } from '../../adapters/cluster-ops/types.js';
import { SafetyViolationError } from '../../core/errors.js';
import { findOperation, validateParameters, type SafeOperationCatalog, type SafeOperationId } from '../catalog/index.js';
import { recordingArgo, type ArgoCdApi } from './argo-cd-api.js';
import { cordonDrainNode } from './cordon-drain-node.js';
import { evictPod } from './evict-pod.js';
import { KubeApiError, type KubeApi } from './kube-api.js';
import type { OpContext, OpResult, SafeOperationImpl } from './operation-context.js';
import { raiseResources } from './raise-resources.js';
import { recordingKube } from './recording-kube.js';
import { rollbackRevision } from './rollback-revision.js';
import { rolloutRestart } from './rollout-restart.js';
import { scaleWorkload } from './scale-workload.js';

export const SAFE_OPERATIONS = {
  'evict-pod': evictPod,
  'rollout-restart': rolloutRestart,
  'cordon-drain-node': cordonDrainNode,
  'scale-workload': scaleWorkload,
  'raise-resources': raiseResources,
  'rollback-revision': rollbackRevision,
} satisfies Record<SafeOperationId, SafeOperationImpl>;

export interface RunOperationDeps {
  kube: KubeApi;
  argo?: ArgoCdApi;
  catalog: SafeOperationCatalog;
  nowMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Default 0.8: below this share of desired replicas available, restarts are refused. */
  availabilityFloor?: number;
}

/**
 * What an operation's checkpoint says it still holds only while running (a restart's held strategy),
 * in words, or undefined: a failed or given-up execution is to put that back through its rollback.
 */
export function heldBy(operation: string, checkpoint: Record<string, unknown> | undefined): string | undefined {
  const impl: SafeOperationImpl | undefined = Object.hasOwn(SAFE_OPERATIONS, operation) ? SAFE_OPERATIONS[operation as SafeOperationId] : undefined;
  return checkpoint && impl?.held?.(checkpoint);
}

/** The catalog entry and its parameters with defaults, or why the request may not run at all. */
function admit(req: OperationRequest, catalog: SafeOperationCatalog): { impl: SafeOperationImpl; params: Record<string, unknown> } | string {
  const op = findOperation(catalog, req.operation);
  if (!op) return `refused: ${req.operation} is not an operation in the safe-operation catalog`;
  if (!op.target_kinds.includes(req.target.kind)) return `refused: ${op.id} cannot act on a ${req.target.kind} (allowed: ${op.target_kinds.join(', ')})`;
  const errors = validateParameters(op, req.params);
  if (errors.length > 0) return `refused: ${errors.join('; ')}`;
  const defaults = Object.fromEntries(Object.entries(op.parameters).filter(([, s]) => s.default !== undefined).map(([k, s]) => [k, s.default]));
  return { impl: SAFE_OPERATIONS[op.id], params: { ...defaults, ...req.params } };
}

/** A refusal or failure as the outcome people read in the thread; unknown errors propagate. */
function describeError(err: unknown, req: OperationRequest): OpResult {
  const where = `${req.target.kind} ${req.target.namespace ? `${req.target.namespace}/` : ''}${req.target.name} in cluster ${req.target.cluster}`;
  if (err instanceof SafetyViolationError) return { status: 'failed', message: `refused: ${err.message}` };
  if (!(err instanceof KubeApiError)) return { status: 'failed', message: `${req.operation} on ${where} failed: ${(err as Error).message}` };
  switch (err.status) {
    case 403: return { status: 'failed', message: `forbidden: fleetops may not do this on ${where} (${err.message}); install k8s-cronjobs/target-cluster/clusterrole.yaml in that cluster` };
    case 404: return { status: 'failed', message: `not found: ${where} (${err.message})` };
    case 409: return { status: 'failed', message: `conflict on ${where}: it kept changing under us after fresh reads; retry later` };
    case 429: return { status: 'blocked', message: `refused by the API server for now on ${where} (${err.message}); retry later` };
    default: return { status: 'failed', message: `${req.operation} on ${where} failed with HTTP ${err.status}: ${err.message}` };
  }
}

/**
 * Runs (or resumes) one catalog operation, or its undo, against one cluster. Records every call;
 * API refusals become `blocked`/`failed` outcomes; an abort (job deadline) propagates so the
 * caller knows the run was cut short and resumes from the last checkpoint.
 */
export async function runOperation(mode: 'execute' | 'rollback', req: OperationRequest, deps: RunOperationDeps): Promise<OperationOutcome> {
  const calls: PlannedCall[] = [];
  const admitted = admit(req, deps.catalog);
  if (typeof admitted === 'string') return { status: 'failed', calls, message: admitted, checkpoint: req.checkpoint };
  const checkpoint: Record<string, unknown> = { ...req.checkpoint };
  const ctx: OpContext = {
    kube: recordingKube(deps.kube, calls),
    argo: deps.argo && recordingArgo(deps.argo, calls),
    req, params: admitted.params, nowMs: deps.nowMs, sleep: deps.sleep,
    availabilityFloor: deps.availabilityFloor ?? 0.8,
    checkpoint,
    async save(update) {
      Object.assign(checkpoint, update);
      await req.onCheckpoint?.({ ...checkpoint });
    },
  };
  try {
    const result = await admitted.impl[mode](ctx);
    return { ...result, calls, checkpoint };
  } catch (err) {
    if (req.abortSignal?.aborted) throw err;
    return { ...describeError(err, req), calls, checkpoint };
  }
}
