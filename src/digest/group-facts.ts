import type { DigestIncidentGroup, HypothesisEntity, SharedAttribute } from './rca-contract.js';

const MAX_LISTED = 8;

/** `2026-11-29 10:05` (UTC, minutes). */
export function utcMinute(ms: number): string {
  return new Date(ms).toISOString().slice(0, 16).replace('T', ' ');
}

export function percent(fraction: number, digits = 0): string {
  return `${(fraction * 100).toFixed(digits)}%`;
}

/** `a, b, c and 4 more`. */
export function listSome(items: readonly string[], max = MAX_LISTED): string {
  if (items.length <= max) return items.join(', ');
  return `${items.slice(0, max).join(', ')} and ${items.length - max} more`;
}

/** `region=eu-west-1: 95% of the group vs 8% of the fleet (lift 11.9×)`. */
export function describeAttribute(a: SharedAttribute): string {
  return `${a.name}=${String(a.value)}: ${percent(a.coverage)} of the group vs ${percent(a.baseRate)} of the fleet (lift ${a.lift.toFixed(1)}×)`;
}

/** `coredns 1.11.3 on node n-2 (pod coredns-x) in c-eu-1`: the hypothesis' entity for people. */
export function describeEntity(e: HypothesisEntity): string {
  const parts: string[] = [];
  if (e.component) parts.push(e.version ? `${e.component} ${e.version}` : e.component);
  else if (e.version) parts.push(`version ${e.version}`);
  if (e.node) parts.push(`on node ${e.node}`);
  if (e.pod) parts.push(`(pod ${e.pod})`);
  if (e.cluster) parts.push(`in ${e.cluster}`);
  if (e.region) parts.push(`in region ${e.region}`);
  if (e.changeId) parts.push(`after change ${e.changeId}`);
  return parts.join(' ') || 'an unidentified entity';
}

/**
 * Deterministic facts about a group, formatted for people; the LLM may quote numbers from them
 * (the grounding check accepts numbers that appear here).
 */
export function groupFacts(g: DigestIncidentGroup): string[] {
  const kinds = new Map<string, number>();
  for (const f of g.findings) kinds.set(f.kind, (kinds.get(f.kind) ?? 0) + 1);
  const kindText = [...kinds].map(([k, n]) => `${n} ${k}`).join(', ');
  return [
    `${g.clusters.length} cluster${g.clusters.length === 1 ? '' : 's'} affected: ${listSome(g.clusters)}`,
    `components: ${listSome(g.components)}; signals: ${listSome(g.signals)}`,
    `from ${utcMinute(g.startMs)} to ${utcMinute(g.endMs)} UTC`,
    `severity ${g.severity}; ${g.findings.length} findings (${kindText || 'none'})`,
    ...g.sharedAttributes.slice(0, 5).map(describeAttribute),
  ];
}
