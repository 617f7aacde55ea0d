import type { RunbookIndex } from '../../runbooks/runbook-index.js';
import { findOperation, validateParameters, type SafeOperationCatalog } from '../../remediation/catalog/index.js';
import type { Cluster, Topology } from '../../fleet/types.js';
import type { Hypothesis } from './hypothesis.js';

export interface RunbookRef { id: string; title: string; section: string; line: number }
export interface ProposedOperation { id: string; target: { cluster: string; kind: string; namespace?: string; name: string }; params: Record<string, unknown> }

/** The runbook that answers the failure mode (front matter first, then BM25 order). */
export function matchRunbook(index: RunbookIndex, failureMode: string): RunbookRef | undefined {
  const hits = index.search({ failureMode }, 5);
  const hit = hits.find((h) => index.byId(h.runbookId)?.meta.failure_modes.includes(failureMode)) ?? hits[0];
  const rb = hit && index.byId(hit.runbookId);
  return rb ? { id: rb.id, title: rb.meta.title, section: hit.section, line: hit.line } : undefined;
}

/** Platform workloads the simulator and the default catalog know (kind, namespace, name). */
const WORKLOADS: Record<string, { kind: string; namespace: string; name: string }> = {
  coredns: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
  'ingress-gateway': { kind: 'Deployment', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
  'service-mesh': { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' },
  cni: { kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium' },
  'cert-manager': { kind: 'Deployment', namespace: 'cert-manager', name: 'cert-manager' },
  'prometheus-agent': { kind: 'StatefulSet', namespace: 'monitoring', name: 'prometheus-agent' },
};

/** A ReplicaSet pod name `<deployment>-<rs>-<id>` → its Deployment. */
const deploymentOf = (pod: string): string => pod.split('-').slice(0, -2).join('-');

const ENV_ORDER: Record<string, number> = { dev: 0, staging: 1, prod: 2 };
const TIER_ORDER: Record<string, number> = { 'tier-2': 0, 'tier-1': 1, 'tier-0': 2 };

/**
 * Where a fix for a group spanning clusters is proposed first: the least critical of them (dev before
 * staging before prod, then the lowest tier, then by id), so the first change of a fleet-wide fix
 * lands where a mistake costs least and its verification tells people whether to go on. Clusters the
 * inventory does not know come last.
 */
export function leastCriticalCluster(clusters: readonly string[], inventory: readonly Cluster[] = []): string | undefined {
  const known = new Map(inventory.map((c) => [c.id, c]));
  const rank = (id: string) => {
    const c = known.get(id);
    return c ? [ENV_ORDER[c.environment] ?? 3, TIER_ORDER[c.tier] ?? 3] : [4, 4];
  };
  return [...clusters].sort((a, b) => {
    const [ea, ta] = rank(a);
    const [eb, tb] = rank(b);
    return ea - eb || ta - tb || a.localeCompare(b);
  })[0];
}

function target(h: Hypothesis, clusters: string[], topology: Map<string, Topology>, inventory: readonly Cluster[]): { op: string; target: ProposedOperation['target'] } | undefined {
  const cluster = h.entity.cluster ?? leastCriticalCluster(clusters, inventory);
  if (!cluster) return undefined;
  switch (h.failureMode) {
    case 'node.nic-saturation':
    case 'node.disk-pressure':
      return h.entity.node ? { op: 'cordon-drain-node', target: { cluster, kind: 'Node', name: h.entity.node } } : undefined;
    case 'fleet.bad-rollout': {
      const w = WORKLOADS[h.entity.component ?? ''];
      return w ? { op: 'rollback-revision', target: { cluster, ...w } } : undefined;
    }
    case 'cluster.stopped-reporting':
      return { op: 'rollout-restart', target: { cluster, ...WORKLOADS['prometheus-agent'] } };
    case 'workload.oom-after-config': {
      const pod = topology.get(cluster)?.pods.find((p) => p.name.startsWith('payments-api-'));
      return pod ? { op: 'rollback-revision', target: { cluster, kind: 'Deployment', namespace: pod.namespace, name: deploymentOf(pod.name) } } : undefined;
    }
    default:
      return undefined;
  }
}

/**
 * A catalog operation for the top hypothesis, only when its target cluster is one of the group's, the
 * runbook allows it, the target kind fits and the parameters (the catalog defaults, narrowed to the
 * runbook's bounds) validate. Otherwise no proposal (undefined), as for every refusal here.
 */
export function proposeOperation(
  h: Hypothesis, runbook: RunbookRef | undefined, index: RunbookIndex, catalog: SafeOperationCatalog, clusters: string[], topology: Map<string, Topology>,
  inventory: readonly Cluster[] = [],
): ProposedOperation | undefined {
  const t = target(h, clusters, topology, inventory);
  // a hypothesis naming a cluster outside the group must not change that cluster
  if (t && !clusters.includes(t.target.cluster)) return undefined;
  const allowed = runbook && index.byId(runbook.id)?.meta.allowed_operations.find((a) => a.op === t?.op);
  const op = t && findOperation(catalog, t.op);
  if (!t || !allowed || !op || !op.target_kinds.includes(t.target.kind as never)) return undefined;
  const params: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(op.parameters)) {
    if (!('default' in spec) || spec.default === undefined) continue;
    const bound = allowed.parameters[name];
    const v = spec.default;
    params[name] = typeof v === 'number' && bound && typeof bound === 'object' && !Array.isArray(bound) ? Math.min(bound.max ?? v, Math.max(bound.min ?? v, v)) : v;
  }
  return validateParameters(op, params, allowed.parameters).length === 0 ? { id: op.id, target: t.target, params } : undefined;
}
