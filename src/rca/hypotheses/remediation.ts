import type { RunbookIndex } from '../../runbooks/runbook-index.js';
import { findOperation, validateParameters, type SafeOperationCatalog } from '../../remediation/catalog/index.js';
import type { Cluster, Topology } from '../../fleet/types.js';
import type { Hypothesis } from './hypothesis.js';
import { compareText } from '../../core/compare-text.js';

export interface RunbookRef { id: string; title: string; section: string; line: number }
export interface ProposedOperation { id: string; target: { cluster: string; kind: string; namespace?: string; name: string }; params: Record<string, unknown> }

/** The runbook that answers the failure mode (front matter first, then BM25 order). */
export function matchRunbook(index: RunbookIndex, failureMode: string): RunbookRef | undefined {
  const hits = index.search({ failureMode }, 5);
  const hit = hits.find((h) => index.byId(h.runbookId)?.meta.failure_modes.includes(failureMode)) ?? hits[0];
  const rb = hit && index.byId(hit.runbookId);
  return rb ? { id: rb.id, title: rb.meta.title, section: hit.section, line: hit.line } : undefined;
}

/**
 * Platform workloads by their upstream names (kind, namespace, name): used when the cluster's topology
 * has no pod of the component. Otherwise the workload is read from its pods (the CNI is aws-node,
 * calico-node or cilium depending on the cluster).
 */
const WORKLOADS: Record<string, { kind: string; namespace: string; name: string }> = {
  coredns: { kind: 'Deployment', namespace: 'kube-system', name: 'coredns' },
  'ingress-gateway': { kind: 'Deployment', namespace: 'ingress-nginx', name: 'ingress-nginx-controller' },
  'service-mesh': { kind: 'Deployment', namespace: 'istio-system', name: 'istiod' },
  cni: { kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium' },
  'cert-manager': { kind: 'Deployment', namespace: 'cert-manager', name: 'cert-manager' },
  'prometheus-agent': { kind: 'StatefulSet', namespace: 'monitoring', name: 'prometheus-agent' },
};

// Kubernetes generated-name alphabet (no vowels, no 0/1/3): pod-template hash and pod suffix.
const K8S = '[bcdfghjklmnpqrstvwxz2456789]';
const POD_OWNERS: [RegExp, string][] = [
  [new RegExp(`^(.+)-${K8S}{4,10}-${K8S}{5}$`), 'Deployment'],
  [/^(.+)-\d+$/, 'StatefulSet'],
  [new RegExp(`^(.+)-${K8S}{5}$`), 'DaemonSet'],
];

/**
 * The workload a pod's generated name points to: `<deployment>-<pod-template-hash>-<id>`,
 * `<statefulset>-<ordinal>`, `<daemonset>-<id>` (a Job's pods are named like a DaemonSet's).
 */
export function podOwner(pod: string): { kind: string; name: string } | undefined {
  for (const [re, kind] of POD_OWNERS) {
    const m = re.exec(pod);
    if (m) return { kind, name: m[1] };
  }
  return undefined;
}

/** The workload most of the component's pods on the cluster belong to (the one its version is read from). */
function componentWorkload(component: string, topology: Topology | undefined): { kind: string; namespace: string; name: string } | undefined {
  const counts = new Map<string, { w: { kind: string; namespace: string; name: string }; n: number }>();
  for (const p of topology?.pods ?? []) {
    const owner = p.component === component ? podOwner(p.name) : undefined;
    if (!owner) continue;
    const key = `${owner.kind}/${p.namespace}/${owner.name}`;
    const c = counts.get(key) ?? { w: { ...owner, namespace: p.namespace }, n: 0 };
    c.n++;
    counts.set(key, c);
  }
  const usual = WORKLOADS[component]?.name;
  return [...counts.values()].sort((a, b) => b.n - a.n || Number(b.w.name === usual) - Number(a.w.name === usual) || compareText(a.w.name, b.w.name))[0]?.w;
}

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
    return ea - eb || ta - tb || compareText(a, b);
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
      const component = h.entity.component ?? '';
      // only platform components: an app version spans many Deployments
      if (!Object.hasOwn(WORKLOADS, component)) return undefined;
      const w = componentWorkload(component, topology.get(cluster)) ?? WORKLOADS[component];
      return { op: 'rollback-revision', target: { cluster, ...w } };
    }
    case 'cluster.stopped-reporting':
      // the agent's pods, when the config's `components` names them (vmagent, Grafana Alloy, prometheus-k8s…), else the default name
      return { op: 'rollout-restart', target: { cluster, ...(componentWorkload('prometheus-agent', topology.get(cluster)) ?? WORKLOADS['prometheus-agent']) } };
    case 'workload.oom-after-config': {
      // the OOM-killed pod's own workload; a Job's or DaemonSet's pods are not told apart by name, so none
      const pod = h.entity.pod ? topology.get(cluster)?.pods.find((p) => p.name === h.entity.pod) : undefined;
      const owner = pod && podOwner(pod.name);
      return pod && owner && owner.kind !== 'DaemonSet' ? { op: 'rollback-revision', target: { cluster, kind: owner.kind, namespace: pod.namespace, name: owner.name } } : undefined;
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
