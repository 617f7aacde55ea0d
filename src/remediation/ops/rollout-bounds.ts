import type { V1DaemonSet, V1Deployment, V1StatefulSet } from '@kubernetes/client-node';
import type { Workload, WorkloadKind } from './kube-api.js';

/** How many pods a rolling update may take down, and start beyond the desired count, at once. */
export interface PodBounds {
  unavailable: number;
  surge: number;
}

/** A workload's rolling-update strategy as fleetops reads and writes it (Kubernetes IntOrString values). */
export interface RollingUpdateFields {
  maxUnavailable: number | string | null;
  maxSurge: number | string | null;
}

/** What a restart of this workload may do to its pods under its own strategy, or why it cannot be bounded. */
export type OwnBounds =
  | { ok: true; pods: number; bounds: PodBounds; noSurge?: boolean }
  | { ok: false; reason: string };

type IntOrString = number | string | undefined | null;

/**
 * An IntOrString against `total` pods, as the controllers resolve it: "25%" of 10 is 2 rounded down
 * (maxUnavailable of Deployments and StatefulSets) or 3 rounded up (maxSurge; DaemonSets round both up).
 */
export function scaledValue(v: IntOrString, total: number, roundUp: boolean, fallback: IntOrString): number {
  const value = v ?? fallback;
  if (typeof value === 'number') return Math.max(0, Math.trunc(value));
  const m = /^\s*(\d+(?:\.\d+)?)\s*%\s*$/.exec(String(value ?? ''));
  if (!m) return Math.max(0, Math.trunc(Number(value) || 0));
  const raw = (Number(m[1]) * total) / 100;
  return Math.max(0, roundUp ? Math.ceil(raw - 1e-9) : Math.floor(raw + 1e-9));
}

/** Whether the DaemonSet's pods bind ports of their node (hostPort, or container ports on the host network). */
function bindsHostPorts(ds: V1DaemonSet): boolean {
  const spec = ds.spec?.template.spec;
  const containers = [...(spec?.containers ?? []), ...(spec?.initContainers ?? [])];
  return containers.some((c) => (c.ports ?? []).some((p) => p.hostPort !== undefined || spec?.hostNetwork === true));
}

const field = (v: IntOrString): number | string | null => (v === undefined ? null : v);

/** The pods a restart of `w` may disturb under its own strategy, with Kubernetes' defaults and rounding. */
export function ownBounds(kind: WorkloadKind, w: Workload): OwnBounds {
  const where = `${kind} ${w.metadata?.namespace}/${w.metadata?.name}`;
  if (kind === 'Deployment') {
    const d = w as V1Deployment;
    const pods = d.spec?.replicas ?? 1;
    if (d.spec?.strategy?.type === 'Recreate') {
      return { ok: false, reason: `${where} uses the Recreate strategy: a restart takes all ${pods} pods down at once` };
    }
    const ru = d.spec?.strategy?.rollingUpdate;
    const surge = scaledValue(ru?.maxSurge, pods, true, '25%');
    let unavailable = scaledValue(ru?.maxUnavailable, pods, false, '25%');
    // the Deployment controller's fencepost: both 0 would never progress, so one pod may go
    if (surge === 0 && unavailable === 0) unavailable = 1;
    return { ok: true, pods, bounds: { unavailable, surge } };
  }
  if (kind === 'StatefulSet') {
    const s = w as V1StatefulSet;
    const pods = s.spec?.replicas ?? 1;
    const strategy = s.spec?.updateStrategy;
    if (strategy?.type === 'OnDelete') return { ok: false, reason: `${where} uses the OnDelete update strategy: a restart would replace no pod` };
    const partition = strategy?.rollingUpdate?.partition ?? 0;
    if (partition > 0) return { ok: false, reason: `${where} has a rolling-update partition of ${partition}: a restart would replace only the pods from ordinal ${partition} on` };
    const unavailable = Math.max(1, scaledValue(strategy?.rollingUpdate?.maxUnavailable, pods, false, 1));
    return { ok: true, pods, bounds: { unavailable, surge: 0 } };
  }
  const ds = w as V1DaemonSet;
  const pods = ds.status?.desiredNumberScheduled ?? 0;
  const strategy = ds.spec?.updateStrategy;
  if (strategy?.type === 'OnDelete') return { ok: false, reason: `${where} uses the OnDelete update strategy: a restart would replace no pod` };
  if (bindsHostPorts(ds)) {
    // a surge pod would need the same host port on the same node: it stays Pending, and so would the rollout
    const unavailable = Math.max(1, scaledValue(strategy?.rollingUpdate?.maxUnavailable, pods, true, 1));
    return { ok: true, pods, bounds: { unavailable, surge: 0 }, noSurge: true };
  }
  const ru = strategy?.rollingUpdate;
  const surge = scaledValue(ru?.maxSurge, pods, true, 0);
  let unavailable = scaledValue(ru?.maxUnavailable, pods, true, 1);
  if (surge === 0 && unavailable === 0) unavailable = 1;
  return { ok: true, pods, bounds: { unavailable, surge } };
}

/**
 * The approved parameters in pods of `total`: maxUnavailablePercent rounds down and maxSurgePercent
 * up, as the Deployment controller resolves percentages; StatefulSets cannot surge.
 */
export function approvedBounds(kind: WorkloadKind, params: Record<string, unknown>, total: number, noSurge = kind === 'StatefulSet'): PodBounds {
  const pct = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : 0);
  return {
    unavailable: scaledValue(`${pct(params.maxUnavailablePercent)}%`, total, false, 0),
    surge: noSurge ? 0 : scaledValue(`${pct(params.maxSurgePercent)}%`, total, true, 0),
  };
}

/**
 * The bounds to hold during the restart: the workload's own where they are within the approved ones
 * (undefined: nothing to change), else the tighter of each, with a surge pod from the approval where
 * a rolling update would otherwise have nothing to move with. A workload that cannot surge (a
 * StatefulSet, a DaemonSet binding host ports) always replaces at least one pod at a time, the
 * gentlest restart it has: the approval caps how many more. A string says why no strategy can keep
 * the restart within the approval.
 */
export function boundsToHold(kind: WorkloadKind, own: PodBounds, approved: PodBounds, pods: number, noSurge = kind === 'StatefulSet'): PodBounds | undefined | string {
  if (noSurge) {
    const allowed = Math.max(1, approved.unavailable);
    return own.unavailable <= allowed ? undefined : { unavailable: allowed, surge: 0 };
  }
  if (own.unavailable <= approved.unavailable && own.surge <= approved.surge) return undefined;
  const hold = { unavailable: Math.min(own.unavailable, approved.unavailable), surge: Math.min(own.surge, approved.surge) };
  if (hold.unavailable === 0 && hold.surge === 0) hold.surge = approved.surge;
  if (hold.unavailable === 0 && hold.surge === 0) return `the approved bounds allow neither an unavailable pod nor a surge pod of ${pods}, so no pod could be replaced`;
  return hold;
}

/**
 * What a restart of a workload whose own strategy allows `own` must hold under the approved
 * parameters: undefined (its own strategy keeps within them), the bounds to hold, or why none can.
 */
export function holdFor(kind: WorkloadKind, own: Extract<OwnBounds, { ok: true }>, params: Record<string, unknown>): PodBounds | undefined | string {
  const noSurge = own.noSurge ?? kind === 'StatefulSet';
  return boundsToHold(kind, own.bounds, approvedBounds(kind, params, own.pods, noSurge), own.pods, noSurge);
}

/** The strategy fields of `kind` as a patch: Deployments keep them under spec.strategy, the others under spec.updateStrategy. */
export function strategyPatch(kind: WorkloadKind, fields: RollingUpdateFields): Record<string, unknown> {
  const rollingUpdate = kind === 'StatefulSet' ? { maxUnavailable: fields.maxUnavailable } : { maxUnavailable: fields.maxUnavailable, maxSurge: fields.maxSurge };
  return kind === 'Deployment' ? { strategy: { rollingUpdate } } : { updateStrategy: { rollingUpdate } };
}

/** The rolling-update fields as the workload holds them now. */
export function currentFields(kind: WorkloadKind, w: Workload): RollingUpdateFields {
  const ru = kind === 'Deployment' ? (w as V1Deployment).spec?.strategy?.rollingUpdate
    : kind === 'StatefulSet' ? (w as V1StatefulSet).spec?.updateStrategy?.rollingUpdate
      : (w as V1DaemonSet).spec?.updateStrategy?.rollingUpdate;
  const surge = kind === 'StatefulSet' ? undefined : (ru as { maxSurge?: IntOrString } | undefined)?.maxSurge;
  return { maxUnavailable: field(ru?.maxUnavailable), maxSurge: field(surge) };
}

/** The fields as people read them; a StatefulSet has no maxSurge (null), so none is named. */
export const describeFields = (f: RollingUpdateFields): string =>
  `maxUnavailable ${f.maxUnavailable ?? 'default'}${f.maxSurge === null ? '' : `, maxSurge ${f.maxSurge}`}`;
