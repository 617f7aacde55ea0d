import type { V1DaemonSet, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { Workload, WorkloadKind } from './kube-api.js';

export interface RolloutStatus {
  inProgress: boolean;
  /** Why a rollout counts as in progress (kubectl rollout status wording). */
  reason?: string;
  desired: number;
  available: number;
}

function deployment(d: V1Deployment): RolloutStatus {
  const s = d.status ?? {};
  const desired = d.spec?.replicas ?? 1;
  const available = s.availableReplicas ?? 0;
  const base = { desired, available };
  if ((s.observedGeneration ?? 0) < (d.metadata?.generation ?? 0)) return { ...base, inProgress: true, reason: 'spec change not yet observed' };
  if ((s.updatedReplicas ?? 0) < desired) return { ...base, inProgress: true, reason: `${s.updatedReplicas ?? 0} of ${desired} replicas updated` };
  if ((s.replicas ?? 0) > (s.updatedReplicas ?? 0)) return { ...base, inProgress: true, reason: 'old replicas pending termination' };
  if (available < (s.updatedReplicas ?? 0)) return { ...base, inProgress: true, reason: `${available} of ${s.updatedReplicas} updated replicas available` };
  return { ...base, inProgress: false };
}

function statefulSet(ss: V1StatefulSet): RolloutStatus {
  const s = ss.status ?? { replicas: 0 };
  const desired = ss.spec?.replicas ?? 1;
  const base = { desired, available: s.availableReplicas ?? s.readyReplicas ?? 0 };
  if ((s.observedGeneration ?? 0) < (ss.metadata?.generation ?? 0)) return { ...base, inProgress: true, reason: 'spec change not yet observed' };
  if (s.updateRevision && s.currentRevision !== s.updateRevision) return { ...base, inProgress: true, reason: `revision ${s.updateRevision} rolling out` };
  if ((s.updatedReplicas ?? 0) < desired) return { ...base, inProgress: true, reason: `${s.updatedReplicas ?? 0} of ${desired} replicas updated` };
  return { ...base, inProgress: false };
}

function daemonSet(ds: V1DaemonSet): RolloutStatus {
  const s = ds.status ?? { currentNumberScheduled: 0, desiredNumberScheduled: 0, numberMisscheduled: 0, numberReady: 0 };
  const base = { desired: s.desiredNumberScheduled, available: s.numberAvailable ?? 0 };
  if ((s.observedGeneration ?? 0) < (ds.metadata?.generation ?? 0)) return { ...base, inProgress: true, reason: 'spec change not yet observed' };
  if ((s.updatedNumberScheduled ?? 0) < s.desiredNumberScheduled) {
    return { ...base, inProgress: true, reason: `${s.updatedNumberScheduled ?? 0} of ${s.desiredNumberScheduled} pods updated` };
  }
  // updatedNumberScheduled counts new pods before they are up: the rollout ends when they are available (as kubectl waits).
  if (base.available < s.desiredNumberScheduled) return { ...base, inProgress: true, reason: `${base.available} of ${s.desiredNumberScheduled} updated pods available` };
  return { ...base, inProgress: false };
}

/** Whether a workload is mid-rollout, and its availability, as `kubectl rollout status` judges it. */
export function rolloutStatus(kind: WorkloadKind, w: Workload): RolloutStatus {
  if (kind === 'Deployment') return deployment(w as V1Deployment);
  if (kind === 'StatefulSet') return statefulSet(w as V1StatefulSet);
  return daemonSet(w as V1DaemonSet);
}
