import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createPrometheusInventory } from '../../../src/adapters/inventory/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { NotFoundError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { errorBody, startPrometheusFake, type PrometheusFake } from '../../fakes/prometheus-fake.js';

const T0 = Date.UTC(2025, 5, 4);
let fake: PrometheusFake;

const vector = (rows: Record<string, string>[], value = 1) => ({ status: 'success', data: { resultType: 'vector', result: rows.map((metric) => ({ metric, value: [T0 / 1000, String(value)] })) } });

/** Answers by the metric the instant query selects: counts per cluster for the fleet, series for one cluster. */
function answer(query: string) {
  if (query.startsWith('count by (cluster, region')) return vector([{ cluster: 'a', provider_scheme: 'aws', kubelet_version: 'v1.30.6', region: 'eu-west-1', environment: 'staging' }], 2);
  if (query.startsWith('count by (cluster, label_node_pool')) return vector([{ cluster: 'a', label_node_pool: 'system', label_node_kubernetes_io_instance_type: 'm6i.xlarge' }], 2);
  if (query.startsWith('group by (node) (kube_node_info')) {
    return query.includes('"gone"') ? vector([]) : vector([
      { cluster: 'a', node: 'n1', provider_id: 'aws://eu-west-1a/i-1', kubelet_version: 'v1.30.6', region: 'eu-west-1', environment: 'staging' },
      { cluster: 'a', node: 'n2', provider_id: 'aws://eu-west-1b/i-2', kubelet_version: 'v1.30.6', region: 'eu-west-1', environment: 'staging' },
    ]);
  }
  if (query.startsWith('group by (node, label_node_pool) (kube_node_labels')) return vector([{ cluster: 'a', node: 'n1', label_node_pool: 'system', label_node_kubernetes_io_instance_type: 'm6i.xlarge' }, { cluster: 'a', node: 'n2', label_node_pool: 'system', label_node_kubernetes_io_instance_type: 'm6i.xlarge' }]);
  if (query.includes('kube_pod_container_info') && query.includes('coredns')) return vector([{ cluster: 'a', image: 'registry.k8s.io/coredns/coredns:v1.11.3' }], 2);
  if (query.includes('(kube_pod_info{')) return vector([{ cluster: 'a', namespace: 'kube-system', pod: 'coredns-abc-1', node: 'n1' }, { cluster: 'a', namespace: 'apps', pod: 'checkout-api-x', node: 'n2' }]);
  if (query.includes('node_network_speed_bytes')) return vector([{ node: 'n1' }], 3.125e9);
  return vector([]);
}

beforeEach(async () => {
  sleeps = [];
  fake = await startPrometheusFake();
  fake.route('/api/v1/query', (req) => ({ body: answer(req.params.get('query') ?? '') }));
});
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

let sleeps: number[] = [];
/** Backoff sleeps go to this test's list: a query still retrying when its test ended must not add to the next one's. */
const inventory = (logger = silentLogger, into = sleeps) => createPrometheusInventory({ baseUrl: fake.url, tenant: 'fleet', logger, clock: fixedClock(T0), retries: 2, sleep: async (ms) => void into.push(ms) });

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
  it('retries a 5xx and a 429 (after its Retry-After) and then lists the fleet', async () => {
    const failures = new Map([['count by (cluster, region', { status: 503, body: errorBody('unavailable', 'ingester down') }], ['count by (cluster, label_node_pool', { status: 429, headers: { 'retry-after': '7' }, body: errorBody('too_many_requests', 'slow down') }]]);
    fake.route('/api/v1/query', (req) => {
      const query = req.params.get('query') ?? '';
      const metric = [...failures.keys()].find((m) => query.startsWith(m));
      const failure = metric === undefined ? undefined : failures.get(metric);
      if (metric !== undefined) failures.delete(metric);
      return failure ?? { body: answer(query) };
    });

    const clusters = await inventory().listClusters();

    expect(clusters.map((c) => c.nodePools)).toEqual([[{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 2 }]]);
    expect(sleeps).toHaveLength(2);
    expect(sleeps).toContain(7000);
  });

  it('refuses a partial answer (Thanos/Mimir warnings) after its retries, instead of listing part of the fleet', async () => {
    fake.route('/api/v1/query', (req) => {
      const query = req.params.get('query') ?? '';
      const body = answer(query) as Record<string, unknown>;
      return { body: query.startsWith('count by (cluster, region') ? { ...body, warnings: ['store eu-west-1 did not answer: partial response'] } : body };
    });

    const listed = inventory().listClusters();

    await expect(listed).rejects.toThrow(/Prometheus inventory answer is partial.*store eu-west-1 did not answer/);
    expect(sleeps).toHaveLength(2);
  });

  it('keeps PromQL info annotations as a complete answer', async () => {
    fake.route('/api/v1/query', (req) => {
      const body = answer(req.params.get('query') ?? '') as Record<string, unknown>;
      return { body: { ...body, infos: ['PromQL info: metric might not be a counter, name does not end in _total/_sum/_count/_bucket: "kube_node_info"'] } };
    });

    const clusters = await inventory().listClusters();

    expect(clusters.map((c) => c.id)).toEqual(['a']);
    expect(sleeps).toEqual([]);
  });

  it('reads an environment or tier label it does not know as absent, and says so', async () => {
    fake.route('/api/v1/query', (req) => {
      const query = req.params.get('query') ?? '';
      return { body: query.startsWith('count by (cluster, region') ? vector([{ cluster: 'b', environment: 'production', tier: 'gold' }]) : vector([]) };
    });
    const warnings: unknown[] = [];
    const logger = { ...silentLogger, warn: (obj: unknown) => void warnings.push(obj) } as unknown as typeof silentLogger;

    const [cluster] = await inventory(logger).listClusters();

    expect([cluster.environment, cluster.tier]).toEqual(['prod', 'tier-1']);
    expect(warnings).toEqual([{ cluster: 'b', environment: 'production', tier: 'gold' }]);
  });
  it('asks for the fleet counted per cluster, not a series per node, and takes the kubelet most nodes run', async () => {
    fake.route('/api/v1/query', (req) => {
      const query = req.params.get('query') ?? '';
      if (!query.startsWith('count by (cluster, region')) return { body: answer(query) };
      return { body: { status: 'success', data: { resultType: 'vector', result: [
        { metric: { cluster: 'a', provider_scheme: 'gce', kubelet_version: 'v1.30.6' }, value: [T0 / 1000, '40'] },
        { metric: { cluster: 'a', provider_scheme: 'gce', kubelet_version: 'v1.29.9' }, value: [T0 / 1000, '3'] },
      ] } } };
    });

    const [cluster] = await inventory().listClusters();

    expect(fake.requests.map((r) => r.params.get('query')).every((q) => /^(count|group) by \(cluster\b/.test(q ?? ''))).toBe(true);
    expect([cluster.substrate, cluster.versions.kubelet, cluster.nodePools[0].nodeCount]).toEqual(['gcp', 'v1.30.6', 2]);
  });
});

describe('createPrometheusInventory on real-world answers', () => {
  const DIGEST = `sha256:${'ab12'.repeat(16)}`;
  /** The fleet counts with these image rows per component matcher (the pods' namespace tells them apart). */
  const withImages = (images: Record<string, string>) => fake.route('/api/v1/query', (req) => {
    const query = req.params.get('query') ?? '';
    const ns = Object.keys(images).find((n) => query.includes('kube_pod_container_info') && query.includes(`namespace="${n}"`) && (n !== 'kube-system' || query.includes('coredns')));
    return { body: ns ? vector([{ cluster: 'a', image: images[ns] }], 2) : answer(query) };
  });

  it('reads the tag of a digest-pinned or registry-port image, a bare digest as it is, and no tag as latest', async () => {
    withImages({ 'kube-system': `registry.corp:5000/coredns/coredns:v1.11.3@${DIGEST}`, 'ingress-nginx': `registry.k8s.io/ingress-nginx/controller@${DIGEST}`, 'istio-system': 'registry.corp:5000/istio/pilot', 'cert-manager': DIGEST });

    const [cluster] = await inventory().listClusters();

    expect(cluster.versions).toEqual({ kubelet: 'v1.30.6', coredns: 'v1.11.3', 'ingress-gateway': DIGEST, 'service-mesh': 'latest', 'cert-manager': DIGEST });
  });

  it('resolves a tie (an upgrade half done) the same whatever order the answer lists the rows in', async () => {
    const nodes: Record<string, string>[] = [{ cluster: 'a', kubelet_version: 'v1.29.9', provider_scheme: 'aws', region: 'eu-west-1' }, { cluster: 'a', kubelet_version: 'v1.30.6', provider_scheme: 'aws', region: 'eu-west-1' }];
    const pools = [{ cluster: 'a', label_node_pool: 'system', label_node_kubernetes_io_instance_type: 'm6i.xlarge' }, { cluster: 'a', label_node_pool: 'system', label_node_kubernetes_io_instance_type: 'm7i.xlarge' }];
    const images = [{ cluster: 'a', image: 'coredns:v1.11.1' }, { cluster: 'a', image: 'coredns:v1.11.3' }];
    const listed = async (order: <T>(rows: T[]) => T[]) => {
      fake.route('/api/v1/query', (req) => {
        const query = req.params.get('query') ?? '';
        const rows = query.startsWith('count by (cluster, region') ? nodes : query.startsWith('count by (cluster, label_node_pool') ? pools : query.includes('coredns') ? images : [];
        return { body: vector(order(rows), 2) };
      });
      return inventory().listClusters();
    };

    const forward = await listed((rows) => rows);
    const reversed = await listed((rows) => [...rows].reverse());

    expect(reversed).toEqual(forward);
    expect(forward[0].nodePools).toEqual([{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 4 }]);
  });

  it('evaluates a listing at one time: a cluster that resumes reporting while the queries run is still listed', async () => {
    // cluster b stopped (no sample in the last 5 min) until T0 + 1 s, then reports again
    fake.route('/api/v1/query', (req) => {
      const query = req.params.get('query') ?? '';
      const live = Number(req.params.get('time')) * 1000 > T0;
      if (query.startsWith('count by (cluster, region')) return { body: vector([{ cluster: 'a', provider_scheme: 'aws' }, ...(live && !query.includes('last_over_time') ? [{ cluster: 'b', provider_scheme: 'aws' }] : []), ...(query.includes('last_over_time') ? [{ cluster: 'b', provider_scheme: 'gce' }] : [])]) };
      if (query.startsWith('group by (cluster)')) return { body: vector(live ? [] : [{ cluster: 'b' }]) };
      return { body: vector([]) };
    });
    // every reading of the clock is a second later, as when a query is retried
    let nowMs = T0;
    const advancing = { nowMs: () => (nowMs += 1000) - 1000 };

    const clusters = await createPrometheusInventory({ baseUrl: fake.url, logger: silentLogger, clock: advancing, retries: 0 }).listClusters();

    expect(clusters.map((c) => [c.id, c.substrate])).toEqual([['a', 'aws'], ['b', 'gcp']]);
    expect(new Set(fake.requests.map((r) => r.params.get('time')))).toEqual(new Set([String(T0 / 1000)]));
  });
});
