import type { OperationRequest } from '../../adapters/cluster-ops/types.js';
import { SafetyViolationError } from '../../core/errors.js';
import type { ArgoAppRef, ArgoCdApi } from './argo-cd-api.js';
import { isKubeStatus, type KubeApi, type WorkloadKind } from './kube-api.js';

/** What one operation step sees: recording clients, the request with catalog defaults, and its checkpoint. */
export interface OpContext {
  kube: KubeApi;
  /** Absent when no Argo CD connection is configured: Argo-managed objects are then refused. */
  argo?: ArgoCdApi;
  req: OperationRequest;
  params: Record<string, unknown>;
  nowMs(): number;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  /** Availability (available / desired) below which disruptive steps are refused. */
  availabilityFloor: number;
  checkpoint: Record<string, unknown>;
  /** Merges `update` into the checkpoint and persists it through the request's onCheckpoint. */
  save(update: Record<string, unknown>): Promise<void>;
}

export interface OpResult {
  status: 'succeeded' | 'failed' | 'blocked';
  message: string;
  /** With `blocked`: the operation started and is still under way (a rollout); check again later, do not roll back. */
  inProgress?: boolean;
}

export interface SafeOperationImpl {
  execute(ctx: OpContext): Promise<OpResult>;
  rollback(ctx: OpContext): Promise<OpResult>;
  /**
   * What the checkpoint says the operation still holds that it holds only while it runs (a restart's
   * held strategy), in words; undefined when nothing. Its `rollback` puts that back, idempotently,
   * even where the operation itself cannot be undone.
   */
  held?(checkpoint: Record<string, unknown>): string | undefined;
}

export const ok = (message: string): OpResult => ({ status: 'succeeded', message });
export const failed = (message: string): OpResult => ({ status: 'failed', message });
export const blocked = (message: string): OpResult => ({ status: 'blocked', message });

const WORKLOAD_KINDS: readonly string[] = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** The target as a namespaced workload, or a SafetyViolationError naming what is wrong. */
export function workloadTarget(ctx: OpContext, allowed: readonly string[] = WORKLOAD_KINDS): { kind: WorkloadKind; namespace: string; name: string } {
  const { kind, namespace, name } = ctx.req.target;
  if (!allowed.includes(kind)) throw new SafetyViolationError(`${ctx.req.operation} cannot act on a ${kind} (allowed: ${allowed.join(', ')})`);
  if (!namespace) throw new SafetyViolationError(`${ctx.req.operation} on ${kind} ${name} needs target.namespace`);
  return { kind: kind as WorkloadKind, namespace, name };
}

/** Read-modify-write with optimistic concurrency: on 409 (stale resourceVersion) read again and retry. */
export async function withFreshRead<T, R>(read: () => Promise<T>, write: (fresh: T) => Promise<R>, attempts = 3): Promise<R> {
  for (let i = 1; ; i++) {
    const fresh = await read();
    try {
      return await write(fresh);
    } catch (err) {
      if (!isKubeStatus(err, 409) || i >= attempts) throw err;
    }
  }
}

export const argoRefusal = (app: ArgoAppRef, what: string): OpResult =>
  failed(`refused: ${what} is managed by Argo CD application ${app.name}; change its desired state in Git (a direct patch would be reverted by self-heal)`);

export const noArgoConnection = (app: ArgoAppRef): OpResult =>
  failed(`refused: managed by Argo CD application ${app.name} but no Argo CD connection is configured; a direct patch would be reverted by self-heal`);

export const num = (v: unknown, fallback: number): number => (typeof v === 'number' && Number.isFinite(v) ? v : fallback);
