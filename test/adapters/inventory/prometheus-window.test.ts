/**
 * Which clusters a Prometheus inventory expects, read from a real Prometheus (promtool backfill): a
 * cluster whose metrics stopped an hour ago is still expected (so the scan reports it silent), with
 * the attributes it last had; one gone for longer than the window is taken as decommissioned. A silent
 * cluster is read as it was at its last sample: a node replaced earlier in the window is not counted.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusInventory } from '../../../src/adapters/inventory/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { NotFoundError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetrics, prometheusAvailable, startTestPrometheus, type TestPrometheus } from '../../support/prometheus.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping the Prometheus inventory window test: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

const M = 60_000;
const NOW = Date.UTC(2026, 2, 10, 12);
/** Cluster → when its metrics stopped (the last sample is a minute before). */
const STOPPED: Record<string, number> = { live: NOW + M, 'eu.prod+(1)': NOW - 30 * M, stopped: NOW - 60 * M, replaced: NOW - 120 * M, retired: NOW - 30 * 60 * M };
/** When `replaced` swapped its node n1 for n2 (a newer kubelet), an hour before its metrics stopped. */
const SWAP = STOPPED.replaced - 60 * M;
type Node = [suffix: string, kubelet: string, pool: string, fromMs?: number, toMs?: number];
/** Nodes of every cluster, each with a CoreDNS pod; `live` is upgrading its kubelets. */
const NODES = (cluster: string): Node[] => {
  if (cluster === 'live') return [['n1', 'v1.30.6', 'system'], ['n2', 'v1.30.6', 'system'], ['n3', 'v1.29.9', 'batch']];
  return cluster === 'replaced' ? [['n1', 'v1.30.6', 'system', undefined, SWAP], ['n2', 'v1.31.2', 'system', SWAP]] : [['n1', 'v1.30.6', 'system']];
};

function openMetrics(): string {
  const families: [string, (c: string, node: Node) => string][] = [
    ['kube_node_info', (c, [n, kubelet]) => `node="${c}-${n}",provider_id="aws://eu-west-1a/i-${n}",kubelet_version="${kubelet}",region="eu-west-1",tier="tier-0"`],
    ['kube_node_labels', (c, [n, , pool]) => `node="${c}-${n}",label_node_pool="${pool}",label_node_kubernetes_io_instance_type="m6i.xlarge",label_kubernetes_io_os="linux"`],
    ['kube_pod_container_info', (c, [n]) => `namespace="kube-system",pod="coredns-${c}-${n}",container="coredns",image="registry.k8s.io/coredns/coredns:v1.11.3"`],
    ['kube_pod_info', (c, [n]) => `namespace="kube-system",pod="coredns-${c}-${n}",node="${c}-${n}"`],
  ];
  const lines: string[] = [];
  for (const [name, labels] of families) {
    lines.push(`# TYPE ${name} gauge`);
    for (const [cluster, stopMs] of Object.entries(STOPPED)) {
      for (const node of NODES(cluster)) {
        const [, , , fromMs = NOW - 48 * 60 * M, toMs = stopMs] = node;
        for (let t = fromMs; t < toMs; t += M) lines.push(`${name}{cluster="${cluster}",${labels(cluster, node)}} 1 ${t / 1000}`);
      }
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

describe.skipIf(!available)('Prometheus inventory over time, from a real Prometheus', () => {
  let prom: TestPrometheus;
  beforeAll(async () => { prom = await startTestPrometheus(backfillOpenMetrics(openMetrics())); }, 60_000);
  afterAll(async () => { await prom?.stop(); });

  const inventory = () => createPrometheusInventory({ baseUrl: prom.url, logger: silentLogger, clock: fixedClock(NOW) });

  it('expects a cluster that stopped an hour ago, with its last attributes, but not one gone for a day', async () => {
    const clusters = await inventory().listClusters();

    expect(clusters.map((c) => c.id)).toEqual(['eu.prod+(1)', 'live', 'replaced', 'stopped']);
    expect(clusters.find((c) => c.id === 'eu.prod+(1)')?.versions).toEqual({ kubelet: 'v1.30.6', coredns: 'v1.11.3' });
    expect(clusters.find((c) => c.id === 'stopped')).toEqual({
      id: 'stopped', region: 'eu-west-1', substrate: 'aws', environment: 'prod', tier: 'tier-0',
      versions: { kubelet: 'v1.30.6', coredns: 'v1.11.3' }, nodePools: [{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 1 }],
    });
  });

  it('counts nodes per pool and takes the kubelet most nodes run', async () => {
    const live = (await inventory().listClusters()).find((c) => c.id === 'live');

    expect(live?.versions.kubelet).toBe('v1.30.6');
    expect(live?.nodePools.sort((a, b) => a.name.localeCompare(b.name))).toEqual([
      { name: 'batch', instanceType: 'm6i.xlarge', nodeCount: 1 }, { name: 'system', instanceType: 'm6i.xlarge', nodeCount: 2 },
    ]);
  });

  it('gives the last topology of silent clusters, one with regex characters in its id; NotFoundError past the window', async () => {
    const inv = inventory();

    const stopped = await inv.getTopology('stopped');
    const special = await inv.getTopology('eu.prod+(1)');

    expect(stopped.nodes.map((n) => n.name)).toEqual(['stopped-n1']);
    expect(stopped.pods).toEqual([{ name: 'coredns-stopped-n1', namespace: 'kube-system', node: 'stopped-n1', component: 'coredns' }]);
    expect(special.nodes.map((n) => n.name)).toEqual(['eu.prod+(1)-n1']);
    await expect(inv.getTopology('retired')).rejects.toThrow(NotFoundError);
  });

  it('reads a silent cluster as at its last sample: a node replaced an hour before is not counted', async () => {
    const inv = inventory();

    const replaced = (await inv.listClusters()).find((c) => c.id === 'replaced');
    const topo = await inv.getTopology('replaced');

    expect(replaced?.nodePools).toEqual([{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 1 }]);
    expect(replaced?.versions).toEqual({ kubelet: 'v1.31.2', coredns: 'v1.11.3' });
    expect(topo.nodes.map((n) => n.name)).toEqual(['replaced-n2']);
    expect(topo.pods.map((p) => `${p.node}/${p.name}`)).toEqual(['replaced-n2/coredns-replaced-n2']);
  });
});
