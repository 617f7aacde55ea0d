import type { ClusterReader, HpaFacts, NodeFacts, PdbFacts, PodFacts, WorkloadFacts } from '../../../src/remediation/guardrails/index.js';

const GI = 2 ** 30;

/** Facts of one healthy cluster; each test changes what its guardrail judges. */
export interface World {
  workload: WorkloadFacts;
  pod: PodFacts;
  nodes: NodeFacts[];
  hpa?: HpaFacts;
  pdbs: PdbFacts[];
  utilisation?: number;
}

export function healthyWorld(): World {
  return {
    workload: {
      kind: 'Deployment', namespace: 'shop', name: 'web', desired: 3, available: 3, rolloutInProgress: false, podLabels: { app: 'web' },
      podRequests: { cpu: 0.5, memory: GI }, revisions: 2,
    },
    pod: { namespace: 'shop', name: 'web-1', labels: { app: 'web' }, nodeName: 'n1', owner: { kind: 'Deployment', name: 'web' }, requests: { cpu: 0.5, memory: GI }, drainable: true },
    nodes: ['n1', 'n2', 'n3', 'n4'].map((name) => ({ name, ready: true, schedulable: true, allocatable: { cpu: 4, memory: 16 * GI }, requested: { cpu: 1, memory: 4 * GI } })),
    pdbs: [{ namespace: 'shop', name: 'web-pdb', selector: { matchLabels: { app: 'web' } }, disruptionsAllowed: 1 }],
    utilisation: 0.3,
  };
}

export function readerOf(w: World): ClusterReader {
  return {
    workload: async (_c, kind, ns, name) => (kind === w.workload.kind && ns === w.workload.namespace && name === w.workload.name ? w.workload : undefined),
    pod: async (_c, ns, name) => (ns === w.pod.namespace && name === w.pod.name ? w.pod : undefined),
    podsOnNode: async (_c, node) => (w.pod.nodeName === node ? [w.pod] : []),
    nodes: async () => w.nodes,
    hpa: async (_c, _ns, by) => (w.hpa && ('name' in by ? by.name === w.hpa.name : by.targetName === w.hpa.target.name) ? w.hpa : undefined),
    pdbs: async () => w.pdbs,
    utilisation: async () => w.utilisation,
  };
}
