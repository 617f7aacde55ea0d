/**
 * The fleet knowledge graph: clusters, nodes, pods, components and their dependencies, built from the
 * inventory and topology; `walk` instantiates the failure model's causal chains on concrete entities.
 */
import type { Symptom } from '../rca/failure-model/failure-model-schema.js';
import { walkCauses, type CauseCandidate } from '../rca/failure-model/walk-causes.js';
import type { FailureModel } from '../rca/failure-model/failure-model-schema.js';
import type { Cluster, Topology } from './types.js';
import { nodeId, type GraphEdge, type GraphEdgeKind, type GraphNode } from './knowledge-graph/graph-types.js';

export { nodeId, type GraphEdge, type GraphEdgeKind, type GraphNode, type GraphNodeKind } from './knowledge-graph/graph-types.js';

export interface KnowledgeGraph {
  readonly nodes: ReadonlyMap<string, GraphNode>;
  get(id: string): GraphNode | undefined;
  /** Targets of `id`'s outgoing edges of a kind (sorted). */
  out(id: string, kind: GraphEdgeKind): GraphNode[];
  /** Sources of `id`'s incoming edges of a kind (sorted). */
  in(id: string, kind: GraphEdgeKind): GraphNode[];
}

/** Build from clusters and their topologies; clusters without a topology get only a cluster node. */
export function buildKnowledgeGraph(clusters: Cluster[], topologies: ReadonlyMap<string, Topology>): KnowledgeGraph {
  const nodes = new Map<string, GraphNode>();
  const edges: GraphEdge[] = [];
  const add = (n: GraphNode): void => void (nodes.has(n.id) || nodes.set(n.id, n));
  for (const c of clusters) {
    add({ id: nodeId.cluster(c.id), kind: 'cluster', cluster: c.id, name: c.id, attrs: { region: c.region, substrate: c.substrate } });
    const t = topologies.get(c.id);
    if (t) addTopology(c, t, add, edges);
  }
  return indexGraph(nodes, edges);
}

function addTopology(c: Cluster, t: Topology, add: (n: GraphNode) => void, edges: GraphEdge[]): void {
  const comp = (name: string): string => {
    const id = nodeId.component(c.id, name);
    add({ id, kind: 'component', cluster: c.id, name, attrs: c.versions[name as never] ? { version: String(c.versions[name as never]) } : {} });
    return id;
  };
  for (const n of t.nodes) {
    add({ id: nodeId.node(c.id, n.name), kind: 'node', cluster: c.id, name: n.name, attrs: { pool: n.pool, nicBytesPerSecond: String(n.nicBytesPerSecond) } });
    edges.push({ from: nodeId.cluster(c.id), to: nodeId.node(c.id, n.name), kind: 'contains' });
  }
  for (const p of t.pods) {
    const id = nodeId.pod(c.id, p.namespace, p.name);
    add({ id, kind: 'pod', cluster: c.id, name: p.name, attrs: { namespace: p.namespace, component: String(p.component), node: p.node } });
    // a pending pod (node '') is on no node
    if (p.node) edges.push({ from: nodeId.node(c.id, p.node), to: id, kind: 'hosts' });
    edges.push({ from: comp(String(p.component)), to: id, kind: 'runs' });
  }
  for (const d of t.dependencies) edges.push({ from: comp(d.from), to: comp(d.to), kind: 'depends-on' });
}

function indexGraph(nodes: Map<string, GraphNode>, edges: GraphEdge[]): KnowledgeGraph {
  const outIdx = new Map<string, GraphEdge[]>();
  const inIdx = new Map<string, GraphEdge[]>();
  // appended in place: copying the list per edge took 30-50 s for 30,000 pods of one component
  for (const e of edges) {
    for (const [idx, key] of [[outIdx, e.from], [inIdx, e.to]] as const) {
      const list = idx.get(key);
      if (list) list.push(e);
      else idx.set(key, [e]);
    }
  }
  const pick = (list: GraphEdge[] | undefined, kind: GraphEdgeKind, end: 'from' | 'to'): GraphNode[] =>
    [...new Set((list ?? []).filter((e) => e.kind === kind).map((e) => e[end]))].sort().map((id) => nodes.get(id)!).filter(Boolean);
  return { nodes, get: (id) => nodes.get(id), out: (id, k) => pick(outIdx.get(id), k, 'to'), in: (id, k) => pick(inIdx.get(id), k, 'from') };
}

/** A failure-model cause placed on concrete entities of one cluster. */
export interface GraphCandidate extends CauseCandidate {
  cluster: string;
  /** Graph ids from the observed symptom's entity back to the cause entities (for narratives). */
  chain: string[];
  /** Candidate nodes when the cause sits on a node (e.g. the nodes hosting the symptomatic pods). */
  nodes: string[];
  /** Pods that could be the actor on those nodes (neighbours of the symptomatic pods), or the cause component's pods. */
  pods: string[];
  /** The component the cause sits on, when it is a component. */
  component?: string;
}

/**
 * Walk the failure model backwards from a symptom observed in `cluster`, and place each cause on the
 * graph: a node-level cause through the pods of the component next in the chain (CoreDNS pods → their
 * nodes → the other pods on those nodes); a component cause on that component's pods.
 */
export function walk(graph: KnowledgeGraph, model: FailureModel, cluster: string, observed: Symptom, opts: { maxDepth?: number } = {}): GraphCandidate[] {
  return walkCauses(model, observed, opts).map((c) => place(graph, cluster, observed, c));
}

function place(graph: KnowledgeGraph, cluster: string, observed: Symptom, c: CauseCandidate): GraphCandidate {
  const causeEntity = c.path[0].component;
  const chain = [nodeId.component(cluster, observed.component)];
  if (causeEntity !== 'node') {
    const comp = causeEntity === 'any' ? observed.component : causeEntity;
    const pods = graph.out(nodeId.component(cluster, comp), 'runs').map((p) => p.id);
    return { ...c, cluster, chain: [...chain, nodeId.component(cluster, comp)], nodes: [], pods, component: comp };
  }
  // The component through which the node cause shows (path[1]); without one, every node is a candidate.
  const via = c.path[1]?.component;
  const viaPods = via && via !== 'node' && via !== 'any' ? graph.out(nodeId.component(cluster, via), 'runs') : [];
  // a pending pod (node '') is on no node
  const placed = viaPods.filter((p) => p.attrs.node);
  const nodes = placed.length
    ? [...new Set(placed.map((p) => nodeId.node(cluster, p.attrs.node)))].sort()
    : graph.out(nodeId.cluster(cluster), 'contains').map((n) => n.id);
  const viaIds = new Set(viaPods.map((p) => p.id));
  const pods = nodes.flatMap((n) => graph.out(n, 'hosts').map((p) => p.id)).filter((id) => !viaIds.has(id));
  const viaChain = via ? [nodeId.component(cluster, via), ...viaPods.map((p) => p.id)] : [];
  return { ...c, cluster, chain: [...chain, ...viaChain, ...nodes], nodes, pods };
}
