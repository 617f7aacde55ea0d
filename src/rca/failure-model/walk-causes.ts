import {
  listFailureModes, symptomKey, type FailureModel, type PropagationEdge, type Symptom,
} from './failure-model-schema.js';
import { compareText } from '../../core/compare-text.js';

export interface CauseCandidate {
  failureModeId: string;
  /** Group of the failure mode: a component id, `node` or `fleet`. */
  group: string;
  /** Number of propagation edges between the cause's own symptom and the observed one. */
  depth: number;
  /** Symptoms from the cause's own symptom to the observed symptom (length depth + 1). */
  path: Symptom[];
  /** The edges walked, in causal order (length depth). */
  edges: PropagationEdge[];
}

export interface WalkOptions {
  /** Longest causal chain to follow; deeper candidates are too speculative to rank. */
  maxDepth?: number;
}

/** `any` on either side matches every component, but never the node. */
function matches(declared: Symptom, observed: Symptom): boolean {
  if (declared.signal !== observed.signal || declared.direction !== observed.direction) return false;
  if (declared.component === observed.component) return true;
  const wildcard = declared.component === 'any' ? observed.component : observed.component === 'any' ? declared.component : null;
  return wildcard !== null && wildcard !== 'node';
}

interface Frontier {
  symptom: Symptom;
  path: Symptom[];
  edges: PropagationEdge[];
}

/**
 * Walks propagation edges backwards from an observed symptom to the failure modes that could
 * explain it. Breadth-first, so each failure mode is reported once with its shortest path;
 * results are ordered by depth, then id, which keeps the output stable across runs.
 */
export function walkCauses(model: FailureModel, observed: Symptom, options: WalkOptions = {}): CauseCandidate[] {
  const maxDepth = options.maxDepth ?? 4;
  const modes = listFailureModes(model);
  const edges = modes.flatMap((mode) => mode.propagates_to);
  const found = new Map<string, CauseCandidate>();
  const visited = new Set<string>([symptomKey(observed)]);
  let frontier: Frontier[] = [{ symptom: observed, path: [observed], edges: [] }];
  for (let depth = 0; depth <= maxDepth && frontier.length > 0; depth += 1) {
    const next: Frontier[] = [];
    for (const item of frontier) {
      for (const mode of modes) {
        if (found.has(mode.id) || !mode.symptoms.some((s) => matches(s, item.symptom))) continue;
        found.set(mode.id, { failureModeId: mode.id, group: mode.group, depth, path: item.path, edges: item.edges });
      }
      for (const edge of edges) {
        if (!matches(edge.to, item.symptom) || visited.has(symptomKey(edge.from))) continue;
        visited.add(symptomKey(edge.from));
        next.push({ symptom: edge.from, path: [edge.from, ...item.path], edges: [edge, ...item.edges] });
      }
    }
    frontier = next;
  }
  return [...found.values()].sort((a, b) => a.depth - b.depth || compareText(a.failureModeId, b.failureModeId));
}
