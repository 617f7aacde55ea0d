import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrometheusInventory } from '../../../src/adapters/inventory/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { NotFoundError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startPrometheusFake, type PrometheusFake } from '../../fakes/prometheus-fake.js';

const T0 = Date.UTC(2025, 5, 4);
let fake: PrometheusFake;

const vector = (rows: Record<string, string>[], value = 1) => ({ status: 'success', data: { resultType: 'vector', result: rows.map((metric) => ({ metric, value: [T0 / 1000, String(value)] })) } });

/** Answers by the metric the instant query selects. */
function answer(query: string) {
  if (query.startsWith('kube_node_info')) {
    return query.includes('"gone"') ? vector([]) : vector([
      { cluster: 'a', node: 'n1', provider_id: 'aws://eu-west-1a/i-1', kubelet_version: 'v1.30.6', region: 'eu-west-1', environment: 'staging' },
      { cluster: 'a', node: 'n2', provider_id: 'aws://eu-west-1b/i-2', kubelet_version: 'v1.30.6', region: 'eu-west-1', environment: 'staging' },
    ]);
  }
  if (query.startsWith('kube_node_labels')) return vector([{ cluster: 'a', node: 'n1', label_node_pool: 'system', label_node_kubernetes_io_instance_type: 'm6i.xlarge' }, { cluster: 'a', node: 'n2', label_node_pool: 'system', label_node_kubernetes_io_instance_type: 'm6i.xlarge' }]);
  if (query.includes('kube_pod_container_info') && query.includes('coredns')) return vector([{ cluster: 'a', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }], 2);
  if (query.startsWith('kube_pod_info')) return vector([{ cluster: 'a', namespace: 'kube-system', pod: 'coredns-abc-1', node: 'n1' }, { cluster: 'a', namespace: 'apps', pod: 'checkout-api-x', node: 'n2' }]);
  if (query.includes('node_network_speed_bytes')) return vector([{ node: 'n1' }], 3.125e9);
  return vector([]);
}

beforeEach(async () => {
  fake = await startPrometheusFake();
  fake.route('/api/v1/query', (req) => ({ body: answer(req.params.get('query') ?? '') }));
});
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

const inventory = () => createPrometheusInventory({ baseUrl: fake.url, tenant: 'fleet', logger: silentLogger, clock: fixedClock(T0) });

describe('createPrometheusInventory', () => {
  it('derives clusters, node pools and versions from kube-state-metrics', async () => {
    const clusters = await inventory().listClusters();

    expect(clusters).toEqual([{
      id: 'a', region: 'eu-west-1', substrate: 'aws', environment: 'staging', tier: 'tier-1',
      versions: { kubelet: 'v1.30.6', coredns: 'v1.11.3' },
      nodePools: [{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 2 }],
    }]);
    expect(fake.requests.every((r) => r.headers['x-scope-orgid'] === 'fleet' && r.params.get('time') === String(T0 / 1000))).toBe(true);
  });

  it('builds the topology: pods on nodes, components from the matchers, NIC speed', async () => {
    const topo = await inventory().getTopology('a');

    expect(topo.nodes).toEqual([{ name: 'n1', pool: 'system', nicBytesPerSecond: 3.125e9 }, { name: 'n2', pool: 'system', nicBytesPerSecond: 1.25e9 }]);
    expect(topo.pods).toEqual([
      { name: 'coredns-abc-1', namespace: 'kube-system', node: 'n1', component: 'coredns' },
      { name: 'checkout-api-x', namespace: 'apps', node: 'n2', component: 'workload' },
    ]);
  });

  it('throws NotFoundError for a cluster without nodes', async () => {
    await expect(inventory().getTopology('gone')).rejects.toThrow(NotFoundError);
  });
});
