import { matchesSelector } from '../ops/index.js';
import { holdFor } from '../ops/rollout-bounds.js';
import { blockingPdb, describeTarget, hpaOfTarget, workloadOfTarget, type Guardrail } from './guard-context.js';

const ARGO_OPERATIONS = ['rollout-restart', 'rollback-revision'];

/** No pod the operation disrupts is covered by a PodDisruptionBudget that allows no disruption now. */
export const pdbRespected: Guardrail = async (g) => {
  const t = g.req.target;
  const r = g.state.reader;
  let labelSets: { pod: string; labels: Record<string, string>; namespace: string }[];
  if (t.kind === 'Node') {
    labelSets = (await r.podsOnNode(t.cluster, t.name)).filter((p) => p.drainable).map((p) => ({ pod: `${p.namespace}/${p.name}`, labels: p.labels, namespace: p.namespace }));
  } else if (t.kind === 'Pod') {
    const pod = await r.pod(t.cluster, t.namespace ?? '', t.name);
    if (!pod) return `pod ${t.namespace}/${t.name} not found`;
    labelSets = [{ pod: `${pod.namespace}/${pod.name}`, labels: pod.labels, namespace: pod.namespace }];
  } else {
    const w = await workloadOfTarget(g);
    if (!w) return `${describeTarget(g)} not found`;
    labelSets = [{ pod: `pods of ${w.kind} ${w.namespace}/${w.name}`, labels: w.podLabels, namespace: w.namespace }];
  }
  const pdbsByNs = new Map<string, Awaited<ReturnType<typeof r.pdbs>>>();
  for (const s of labelSets) {
    if (!pdbsByNs.has(s.namespace)) pdbsByNs.set(s.namespace, await r.pdbs(t.cluster, s.namespace));
    const pdb = blockingPdb(pdbsByNs.get(s.namespace)!.filter((p) => matchesSelector(p.selector, s.labels)));
    if (pdb) return `PodDisruptionBudget ${pdb.namespace}/${pdb.name} allows no disruption now (covers ${s.pod})`;
  }
  return undefined;
};

/** The workload is not mid-rollout (a second change would stack on an unfinished one). */
export const noRolloutInProgress: Guardrail = async (g) => {
  const w = await workloadOfTarget(g);
  if (!w) return `${describeTarget(g)} not found`;
  return w.rolloutInProgress ? `a rollout of ${w.kind} ${w.namespace}/${w.name} is in progress (${w.rolloutReason})` : undefined;
};

/** Enough is available before disrupting: replicas of the workload, or ready nodes of the cluster for a drain. */
export const availabilityFloor: Guardrail = async (g) => {
  const floor = g.limits.availabilityFloor;
  const t = g.req.target;
  if (t.kind === 'Node') {
    const nodes = await g.state.reader.nodes(t.cluster);
    const ready = nodes.filter((n) => n.ready && n.schedulable).length;
    return nodes.length > 0 && ready / nodes.length >= floor ? undefined : `only ${ready} of ${nodes.length} nodes are ready and schedulable (floor ${floor})`;
  }
  const w = await workloadOfTarget(g);
  if (!w) return t.kind === 'Pod' ? `pod ${t.namespace}/${t.name} has no controller: evicting it would delete it for good` : `${describeTarget(g)} not found`;
  if (w.desired === 0) return undefined;
  return w.available / w.desired >= floor ? undefined : `${w.kind} ${w.namespace}/${w.name} has ${w.available}/${w.desired} available, below the floor ${floor}`;
};

/** There is a revision to go back to (ReplicaSet, ControllerRevision or Argo CD sync). */
export const previousRevisionExists: Guardrail = async (g) => {
  const w = await workloadOfTarget(g);
  if (!w) return `${describeTarget(g)} not found`;
  return w.revisions >= 2 ? undefined : `${w.kind} ${w.namespace}/${w.name} has no previous revision (${w.revisions} kept)`;
};

/** An Argo CD-managed object is changed only through Argo CD, and only by operations Argo CD can perform. */
export const argoManagedViaArgo: Guardrail = async (g) => {
  const viaHpa = g.op.id === 'scale-workload' ? await hpaOfTarget(g) : undefined;
  const app = viaHpa ? viaHpa.argoApp : (await workloadOfTarget(g))?.argoApp;
  if (!app) return undefined;
  if (!ARGO_OPERATIONS.includes(g.op.id)) return `${describeTarget(g)} is managed by Argo CD application ${app.name}: change its desired state in Git (self-heal would revert a patch)`;
  return g.state.argoCdConfigured ? undefined : `${describeTarget(g)} is managed by Argo CD application ${app.name} but no Argo CD connection is configured`;
};

/**
 * A restart can keep within the approved maxUnavailablePercent / maxSurgePercent: the workload's own
 * strategy does, or the restart can hold it there (not through Argo CD, whose restart action keeps
 * the strategy in Git). The operation checks the same again against what it reads when it runs.
 */
export const restartWithinBounds: Guardrail = async (g) => {
  const w = await workloadOfTarget(g);
  if (!w) return `${describeTarget(g)} not found`;
  const own = w.restartBounds;
  if (!own) return undefined;
  if (!own.ok) return own.reason;
  const hold = holdFor(w.kind, own, g.params);
  if (typeof hold === 'string') return `${w.kind} ${w.namespace}/${w.name}: ${hold}`;
  if (hold && w.argoApp) {
    return `${w.kind} ${w.namespace}/${w.name} is managed by Argo CD application ${w.argoApp.name} and its strategy allows ${own.bounds.unavailable} unavailable and ${own.bounds.surge} surge of ${own.pods} pods, more than approved; tighten it in Git or approve larger bounds`;
  }
  return undefined;
};
