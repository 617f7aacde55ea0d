import type { OperationRequest } from '../../adapters/cluster-ops/types.js';
import type { SafeOperation } from '../catalog/index.js';
import type { HpaFacts, PdbFacts, WorkloadFacts } from './cluster-reader.js';
import type { GuardrailLimits, GuardrailState } from './guardrail-state.js';

/** What one guardrail judges: the operation, the request with catalog defaults, state, limits. */
export interface GuardContext {
  op: SafeOperation;
  req: OperationRequest;
  params: Record<string, unknown>;
  state: GuardrailState;
  limits: GuardrailLimits;
}

/** A failure that may pass later without anyone acting (a canary not yet verified): judged again on a later run. */
export interface Waiting {
  waiting: string;
}

/** A guardrail: undefined when it passes, else the reason it fails (people read it in the thread). */
export type Guardrail = (g: GuardContext) => Promise<string | Waiting | undefined>;

export const WORKLOAD_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'] as const;
const HOUR_MS = 3_600_000;

export const withinLastHour = (g: GuardContext, atMs: number) => atMs > g.state.nowMs - HOUR_MS;

export const describeTarget = (g: GuardContext) => {
  const t = g.req.target;
  return `${t.kind} ${t.namespace ? `${t.namespace}/` : ''}${t.name}`;
};

/** The HPA a request concerns: the target itself, or the HPA scaling the target workload. */
export async function hpaOfTarget(g: GuardContext): Promise<HpaFacts | undefined> {
  const t = g.req.target;
  if (!t.namespace) return undefined;
  return t.kind === 'HorizontalPodAutoscaler'
    ? g.state.reader.hpa(t.cluster, t.namespace, { name: t.name })
    : g.state.reader.hpa(t.cluster, t.namespace, { targetKind: t.kind, targetName: t.name });
}

/** The workload a request concerns (an HPA's scale target, a pod's owner); undefined if none. */
export async function workloadOfTarget(g: GuardContext): Promise<WorkloadFacts | undefined> {
  const t = g.req.target;
  if (!t.namespace) return undefined;
  let kind: string = t.kind;
  let name = t.name;
  if (t.kind === 'HorizontalPodAutoscaler') {
    const hpa = await hpaOfTarget(g);
    if (!hpa) return undefined;
    ({ kind, name } = hpa.target);
  } else if (t.kind === 'Pod') {
    const owner = (await g.state.reader.pod(t.cluster, t.namespace, t.name))?.owner;
    if (!owner) return undefined;
    ({ kind, name } = owner);
  }
  if (!(WORKLOAD_KINDS as readonly string[]).includes(kind)) return undefined;
  return g.state.reader.workload(t.cluster, kind as WorkloadFacts['kind'], t.namespace, name);
}

export const blockingPdb = (pdbs: PdbFacts[]) => pdbs.find((p) => p.disruptionsAllowed < 1);
