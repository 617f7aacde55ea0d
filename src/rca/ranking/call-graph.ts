/** Call-graph helpers for the ranking: which nodes a symptom can come from. */

/** Direct callees of every node (`from` → set of `to`). */
export function calleesOf(edges: readonly (readonly [string, string])[]): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const [from, to] of edges) {
    if (from === to) continue;
    const set = out.get(from) ?? new Set<string>();
    set.add(to);
    out.set(from, set);
  }
  return out;
}

/**
 * Nodes reachable from `target` along call edges, the target included, with their hop distance.
 * A fault can only reach the target's symptom from something the target (transitively) calls.
 */
export function reachableFrom(target: string, callees: Map<string, Set<string>>): Map<string, number> {
  const depth = new Map<string, number>([[target, 0]]);
  let frontier = [target];
  while (frontier.length > 0) {
    const next: string[] = [];
    for (const node of frontier) {
      for (const callee of callees.get(node) ?? []) {
        if (depth.has(callee)) continue;
        depth.set(callee, (depth.get(node) ?? 0) + 1);
        next.push(callee);
      }
    }
    frontier = next;
  }
  return depth;
}

/**
 * Anomalous nodes below `node`: direct callees that are anomalous, looking through callees that
 * have no data at all (an unmonitored hop must not hide the anomaly behind it).
 */
export function anomalousBelow(
  node: string, callees: Map<string, Set<string>>, isAnomalous: (n: string) => boolean, hasData: (n: string) => boolean,
): string[] {
  const found = new Set<string>();
  const seen = new Set<string>([node]);
  const stack = [...(callees.get(node) ?? [])];
  while (stack.length > 0) {
    const n = stack.pop() as string;
    if (seen.has(n)) continue;
    seen.add(n);
    if (isAnomalous(n)) found.add(n);
    else if (!hasData(n)) stack.push(...(callees.get(n) ?? []));
  }
  return [...found].sort();
}
