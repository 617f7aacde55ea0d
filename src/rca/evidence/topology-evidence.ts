import type { Inventory } from '../../adapters/inventory/types.js';
import type { IncidentGroup } from '../../correlate/incident-group.js';
import { COMPONENTS } from '../../fleet/types.js';
import { fmt, type EvidenceDraft } from './evidence-row.js';
import type { EvidencePlan } from './evidence-plan.js';

/**
 * Which pods share a node with the affected components' pods, on the sampled clusters, with the
 * namespaces the component matchers name (platform components apart): a pod outside all of them is
 * no known component's.
 */
export async function topologyEvidence(inventory: Inventory, group: IncidentGroup, plan: EvidencePlan, abortSignal?: AbortSignal): Promise<EvidenceDraft[]> {
  const affected = new Set(group.components);
  const out: EvidenceDraft[] = [];
  const platform = (c: string) => c !== 'workload' && (COMPONENTS as readonly string[]).includes(c);
  const namespacesOf = (keep: (c: string) => boolean) => [...new Set(Object.entries(plan.componentNamespaces).filter(([c]) => keep(c)).flatMap(([, ns]) => ns))].sort();
  const platformNamespaces = namespacesOf(platform);
  const appNamespaces = namespacesOf((c) => !platform(c));
  for (const cluster of plan.sampled) {
    const t = await inventory.getTopology(cluster, abortSignal);
    const nodes = [...new Set(t.pods.filter((p) => affected.has(String(p.component))).map((p) => p.node))].sort();
    for (const node of nodes) {
      const pods = t.pods.filter((p) => p.node === node).map((p) => ({ name: p.name, namespace: p.namespace, component: String(p.component) }));
      const victims = pods.filter((p) => affected.has(p.component)).map((p) => p.name);
      const pool = t.nodes.find((n) => n.name === node)?.pool ?? '?';
      out.push({
        source: 'topology', query: `topology of ${cluster}: pods on node ${node}`, startMs: plan.onsetMs, endMs: plan.during.endMs,
        excerpt: `node ${node} (${cluster}, pool ${pool}) hosts ${pods.length} pods: ${victims.slice(0, 3).join(', ')} (affected) next to ${pods.filter((p) => !victims.includes(p.name)).map((p) => `${p.namespace}/${p.name}`).slice(0, 6).join(', ')}`,
        data: { fact: 'node-pods', cluster, node, pool, pods, platformNamespaces, appNamespaces },
      });
    }
  }
  return out;
}

/** The over-represented attributes correlation found, as citable evidence. */
export function attributeEvidence(group: IncidentGroup, fleetSize: number): EvidenceDraft[] {
  return group.sharedAttributes.map((a) => ({
    source: 'topology' as const, query: `inventory: ${a.name} of ${group.clusters.length} affected clusters vs ${fleetSize} in the fleet`, startMs: group.startMs, endMs: group.endMs,
    excerpt: `${a.name}=${a.value} on ${fmt(a.coverage * 100)}% of the ${group.clusters.length} affected clusters vs ${fmt(a.baseRate * 100)}% of the fleet (lift ${fmt(a.lift)})`,
    data: { fact: 'attribute', name: a.name, value: a.value, coverage: a.coverage, baseRate: a.baseRate, lift: a.lift, clusters: group.clusters.length },
  }));
}
