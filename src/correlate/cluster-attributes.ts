import type { Cluster } from '../fleet/types.js';

/** `name=value` keys of the attributes a cluster has; the vocabulary of correlation. */
export function clusterAttributes(c: Cluster): string[] {
  const out = [`region=${c.region}`, `substrate=${c.substrate}`, `environment=${c.environment}`, `tier=${c.tier}`];
  for (const [component, version] of Object.entries(c.versions)) if (version) out.push(`version:${component}=${version}`);
  for (const t of new Set(c.nodePools.map((p) => p.instanceType))) out.push(`instanceType=${t}`);
  return out;
}

export function splitAttribute(key: string): { name: string; value: string } {
  const i = key.indexOf('=');
  return { name: key.slice(0, i), value: key.slice(i + 1) };
}

/** How many fleet clusters have each attribute: the base rates lift is measured against. */
export function attributeCounts(clusters: Cluster[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const c of clusters) for (const a of clusterAttributes(c)) counts.set(a, (counts.get(a) ?? 0) + 1);
  return counts;
}
