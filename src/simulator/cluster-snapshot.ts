import type { V1Node, V1Pod } from '@kubernetes/client-node';
import type { ClusterSnapshot } from '../remediation/ops/snapshot-kube.js';
import type { SimulatedFleet } from './fleet.js';

/**
 * The simulated cluster as Kubernetes objects (nodes with allocatable capacity, pods with requests),
 * so the dry-run executor and the guardrails judge the same world the digest explained.
 */
export function simulatedClusterSnapshot(fleet: SimulatedFleet, clusterId: string): ClusterSnapshot {
  const topo = fleet.topology(clusterId);
  const nodes: V1Node[] = topo.nodes.map((n) => ({
    metadata: { name: n.name, labels: { 'node.kubernetes.io/pool': n.pool }, resourceVersion: '1' },
    spec: {},
    status: { allocatable: { cpu: '8', memory: '32Gi', pods: '110' }, conditions: [{ type: 'Ready', status: 'True' }] },
  }));
  const pods: V1Pod[] = topo.pods.map((p) => ({
    metadata: { name: p.name, namespace: p.namespace, labels: { 'app.kubernetes.io/name': String(p.component) } },
    spec: { nodeName: p.node, containers: [{ name: String(p.component), resources: { requests: { cpu: '250m', memory: '256Mi' } } }] },
    status: { phase: 'Running' },
  }));
  return { nodes, pods };
}
