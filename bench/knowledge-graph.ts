/**
 * Knowledge-graph build time for one large cluster: `tsx bench/knowledge-graph.ts [--pods 150000] [--nodes 5000]`.
 * The RCA builds the graph of the clusters a group reads; a big cluster holds tens of thousands of pods.
 */
import { parseArgs } from 'node:util';
import { buildKnowledgeGraph, nodeId } from '../src/fleet/knowledge-graph.js';
import type { Cluster, Topology } from '../src/fleet/types.js';

const { values: args } = parseArgs({ options: { pods: { type: 'string', default: '150000' }, nodes: { type: 'string', default: '5000' } } });
const nPods = Number(args.pods);
const nNodes = Number(args.nodes);
if (!(nPods > 0 && nNodes > 0)) throw new Error(`--pods and --nodes: expected positive numbers, found ${args.pods} and ${args.nodes}`);
const cluster: Cluster = { id: 'c', region: 'r', substrate: 'aws', environment: 'prod', tier: 'tier-0', versions: {}, nodePools: [] };
const topology: Topology = {
  cluster: 'c', dependencies: [],
  nodes: Array.from({ length: nNodes }, (_, i) => ({ name: `n${i}`, pool: 'p', nicBytesPerSecond: 1e9 })),
  pods: Array.from({ length: nPods }, (_, i) => ({ name: `p${i}`, namespace: 'apps', component: i % 10 === 0 ? 'coredns' : 'workload', node: `n${i % nNodes}` })),
};
const runs: number[] = [];
let edges = 0;
for (let r = 0; r < 5; r++) {
  const t0 = performance.now();
  const graph = buildKnowledgeGraph([cluster], new Map([['c', topology]]));
  runs.push(performance.now() - t0);
  edges = graph.out(nodeId.component('c', 'workload'), 'runs').length;
}
runs.sort((a, b) => a - b);
console.log(`knowledge graph: 1 cluster, ${nNodes} nodes, ${nPods} pods (${edges} in one component): build ${runs[2].toFixed(0)} ms (median of 5; ${runs.map((x) => x.toFixed(0)).join(', ')} ms)`);
