import { describe, expect, it } from 'vitest';
import { buildKnowledgeGraph, nodeId, walk } from '../../src/fleet/knowledge-graph.js';
import type { Cluster, Topology } from '../../src/fleet/types.js';
import { loadFailureModel } from '../../src/rca/failure-model/index.js';
import { analyseGroup, collectEvidence } from '../../src/rca/engine.js';
import { nicFixture } from '../rca/hypotheses/nic-fixture.js';

describe('knowledge graph', () => {
  it('links clusters, nodes, pods and component dependencies from the topology', () => {
    const { fleet, cluster } = nicFixture();
    const topo = fleet.topology(cluster);

    const graph = buildKnowledgeGraph(fleet.clusters, new Map([[cluster, topo]]));

    const dnsPods = graph.out(nodeId.component(cluster, 'coredns'), 'runs');
    expect(dnsPods.map((p) => p.name).sort()).toEqual(topo.pods.filter((p) => p.component === 'coredns').map((p) => p.name).sort());
    expect(graph.out(nodeId.component(cluster, 'workload'), 'depends-on').map((c) => c.name)).toContain('coredns');
    expect(graph.out(nodeId.cluster(cluster), 'contains')).toHaveLength(topo.nodes.length);
  });

  it('walks workload latency → DNS timeouts → CoreDNS pods → their node → NIC saturation, with the noisy pod among the node’s pods', () => {
    const { fleet, cluster, truth, ctx } = nicFixture();
    const graph = buildKnowledgeGraph(fleet.clusters, ctx.topology);

    const candidates = walk(graph, ctx.failureModel, cluster, { component: 'workload', signal: 'latency_p99', direction: 'up' });

    const nic = candidates.find((c) => c.failureModeId === 'node.nic-saturation');
    expect(nic).toBeDefined();
    expect(nic!.path.map((s) => `${s.component}/${s.signal}`)).toEqual(['node/node_network_saturation', 'coredns/dns_timeouts', 'workload/latency_p99']);
    expect(nic!.nodes).toContain(nodeId.node(cluster, truth.rootCause.node!));
    expect(nic!.pods).toContain(nodeId.pod(cluster, 'data', truth.rootCause.pod!));
    expect(nic!.pods.some((p) => p.includes('/coredns-'))).toBe(false);
  });

  it('ends, with evidence, at the saturated node and the noisy-neighbour pod, proposing to drain that node', async () => {
    const { group, ports, ctx, nowMs, truth } = nicFixture();

    const evidence = await collectEvidence(group, ports, { nowMs, fail: (p, e) => { throw new Error(`${p}: ${String(e)}`); } });
    const result = analyseGroup(group, evidence, ctx);

    expect(result.verdict).toBe('root-cause');
    expect(result.top).toMatchObject({ failureMode: 'node.nic-saturation', entity: { cluster: truth.rootCause.cluster, node: truth.rootCause.node, pod: truth.rootCause.pod } });
    const ids = new Set(evidence.map((e) => e.id));
    expect(result.top!.supporting.every((c) => c.evidenceIds.length > 0 && c.evidenceIds.every((id) => ids.has(id)))).toBe(true);
    expect(result.runbook?.id).toBe('nic-saturation-noisy-neighbour');
    expect(result.operation).toMatchObject({ id: 'cordon-drain-node', target: { cluster: truth.rootCause.cluster, kind: 'Node', name: truth.rootCause.node } });
  });

  const cluster: Cluster = { id: 'c', region: 'r', substrate: 'aws', environment: 'prod', tier: 'tier-0', versions: {}, nodePools: [] };
  const topology = (nodes: number, pods: Topology['pods']): Topology => ({
    cluster: 'c', nodes: Array.from({ length: nodes }, (_, i) => ({ name: `n${i}`, pool: 'p', nicBytesPerSecond: 1e9 })), pods, dependencies: [],
  });

  it('places a node cause on the nodes that run the pods, not on the empty node of a pending pod', () => {
    const pods = [{ name: 'coredns-1', namespace: 'kube-system', component: 'coredns', node: 'n0' }, { name: 'coredns-2', namespace: 'kube-system', component: 'coredns', node: '' }, { name: 'api-1', namespace: 'apps', component: 'workload', node: '' }];
    const graph = buildKnowledgeGraph([cluster], new Map([['c', topology(2, pods)]]));

    const nic = walk(graph, loadFailureModel(), 'c', { component: 'workload', signal: 'latency_p99', direction: 'up' }).find((x) => x.failureModeId === 'node.nic-saturation');

    expect(nic?.nodes).toEqual([nodeId.node('c', 'n0')]);
    expect(nic?.pods).toEqual([]);
  });

  // speed: `npm run bench:knowledge-graph` (30,000 pods in one component took 33-53 s when each edge copied the list)
  it('links every pod of a large component and every pod of a node, each once', () => {
    const pods = Array.from({ length: 30_000 }, (_, i) => ({ name: `p${i}`, namespace: 'apps', component: 'workload', node: `n${i % 1000}` }));

    const graph = buildKnowledgeGraph([cluster], new Map([['c', topology(1000, pods)]]));

    const runs = graph.out(nodeId.component('c', 'workload'), 'runs');
    expect(runs).toHaveLength(30_000);
    expect(new Set(runs.map((p) => p.name)).size).toBe(30_000);
    expect(graph.out(nodeId.cluster('c'), 'contains')).toHaveLength(1000);
  });
});
