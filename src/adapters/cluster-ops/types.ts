/**
 * ClusterOps: the only way fleetops changes a cluster. Implementations: dry-run (default; records the
 * exact calls it would make), Kubernetes API, Argo Workflows. Every call is idempotent for a given
 * operation id: repeating it after a crash must not act twice.
 */

export interface OperationTarget {
  cluster: string;
  kind: 'Pod' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'Node' | 'HorizontalPodAutoscaler';
  namespace?: string;
  name: string;
}

/** One API call an operation makes (also the dry-run preview shown in the proposal message). */
export interface PlannedCall {
  method: 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
  path: string;
  body?: unknown;
  description: string;
}

export interface OperationRequest {
  /** Proposal id: the idempotency key (Workflow name, annotation value, audit subject). */
  operationId: string;
  /** Catalog operation id (`evict-pod`, `rollout-restart`, …). */
  operation: string;
  target: OperationTarget;
  params: Record<string, unknown>;
  /** Resume point from the last checkpoint (e.g. pods already evicted during a drain). */
  checkpoint?: Record<string, unknown>;
  /** Called after each completed step so a killed run resumes there. */
  onCheckpoint?: (checkpoint: Record<string, unknown>) => Promise<void>;
  abortSignal?: AbortSignal;
}

export interface OperationOutcome {
  status: 'succeeded' | 'failed' | 'blocked';
  /** Calls made (or, in dry-run, that would have been made). */
  calls: PlannedCall[];
  message: string;
  checkpoint?: Record<string, unknown>;
  /**
   * Still running elsewhere (an Argo Workflow Pending or Running): neither done nor failed. The
   * caller checks again on its next run and must not start a rollback alongside it.
   */
  inProgress?: boolean;
}

/** A dry run of an operation: its calls, and whether it would go through or stop (and why). */
export interface OperationPlan {
  calls: PlannedCall[];
  status: OperationOutcome['status'];
  message: string;
}

export interface ClusterOps {
  readonly kind: 'dry-run' | 'kubernetes' | 'argo-workflows';
  /**
   * The exact calls an operation would make, without making them, and how that dry run ended: a
   * refusal (`failed`/`blocked`) says the operation would stop there, as the preview tells approvers.
   */
  plan(req: OperationRequest): Promise<OperationPlan>;
  /** Perform (or resume) the operation. Never throws for an API refusal: returns `blocked`/`failed`. */
  execute(req: OperationRequest): Promise<OperationOutcome>;
  /** Undo where the operation allows it (uncordon, scale back, roll forward). */
  rollback(req: OperationRequest): Promise<OperationOutcome>;
  /**
   * Ask an operation still running elsewhere (an Argo Workflow) to stop; only executors whose
   * operations outlive the call have it. `succeeded` means the request was accepted, not that it ended.
   */
  stop?(req: OperationRequest, mode: 'execute' | 'rollback', message: string): Promise<OperationOutcome>;
}
