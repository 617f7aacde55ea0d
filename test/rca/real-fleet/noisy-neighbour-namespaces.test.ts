import { describe, expect, it } from 'vitest';
import type { IncidentGroup } from '../../../src/correlate/incident-group.js';
import type { TopologyPod } from '../../../src/fleet/types.js';
import { evidencePlan, evidenceRow, topologyEvidence } from '../../../src/rca/evidence/index.js';
import { checkNicSaturation } from '../../../src/rca/hypotheses/checks-node.js';
import { readFacts } from '../../../src/rca/hypotheses/evidence-facts.js';
import { DEFAULT_COMPONENT_MATCHERS } from '../../../src/signals/component-matchers.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const MIN = 60_000;
const NODE = 'ip-10-0-1-23.eu-west-1.compute.internal';
const GROUP: IncidentGroup = {
  id: 'ig-n', title: 'coredns availability', startMs: T0, endMs: T0 + 60 * MIN, clusters: ['prod-eu-1'], components: ['coredns'], signals: ['availability'],
  findings: [{ id: 'f1', runId: 'r', cluster: 'prod-eu-1', component: 'coredns', signal: 'availability', kind: 'dip', severity: 'critical', startMs: T0, endMs: T0 + 60 * MIN, score: 1, details: {} }],
  sharedAttributes: [], severity: 'critical',
};
// the fleet's apps run in `shop` (components.workload), not in the default matcher's `apps`
const MATCHERS = { ...DEFAULT_COMPONENT_MATCHERS, workload: 'namespace="shop"' };
const pod = (name: string, namespace: string, component: string): TopologyPod => ({ name, namespace, component, node: NODE });

async function facts(pods: TopologyPod[]) {
  const plan = evidencePlan(GROUP, T0 + 2 * 60 * MIN, 3, MATCHERS);
  const inventory = { listClusters: async () => [], getTopology: async (cluster: string) => ({ cluster, nodes: [{ name: NODE, pool: 'general', nicBytesPerSecond: 1.25e9 }], pods, dependencies: [] }) };
  const drafts = await topologyEvidence(inventory, GROUP, plan);
  const nic = { source: 'metrics' as const, query: 'node_network_saturation', startMs: T0, endMs: T0 + MIN, excerpt: 'nic', data: { fact: 'metric-shift', signal: 'node_network_saturation', cluster: 'prod-eu-1', component: 'node', node: NODE, before: 0.2, during: 0.9, peak: 0.97, series: [] } };
  return readFacts([...drafts, nic].map((d) => evidenceRow(GROUP.id, d, T0)));
}

describe('the noisy neighbour on a fleet whose apps are not in `apps`', () => {
  const platformAndApps = [pod('coredns-5d78c9869d-x7k2p', 'kube-system', 'coredns'), pod('aws-node-4xk9t', 'kube-system', 'cni'), pod('checkout-7c9f8d6b54-b5n8q', 'shop', 'workload'), pod('search-6d5f7c8b9-k2j4m', 'shop', 'workload')];

  it('blames no app pod of the configured app namespace for being "the only non-platform, non-app pod"', async () => {
    const f = await facts([...platformAndApps, pod('fluent-bit-z8v5r', 'logging', 'unknown'), pod('datadog-agent-q2w9z', 'datadog', 'unknown')]);

    const [h] = checkNicSaturation(f, () => undefined);

    expect(h.entity.pod).toBeUndefined();
    expect(h.supporting.map((c) => c.text).join('\n')).not.toMatch(/only non-platform/);
  });

  it('still names the one pod outside every known namespace', async () => {
    const f = await facts([...platformAndApps, pod('batch-export-6f7d8c9b5-m2n4p', 'data', 'unknown')]);

    const [h] = checkNicSaturation(f, () => undefined);

    expect(h.entity.pod).toBe('batch-export-6f7d8c9b5-m2n4p');
    expect(h.supporting.map((c) => c.text)).toContain(`batch-export-6f7d8c9b5-m2n4p shares ${NODE} with CoreDNS and is the only non-platform, non-app pod there (data)`);
  });
});
