/**
 * A node or pod seen in two series, read from a real Prometheus (promtool backfill): kube-state-metrics
 * run as two replicas (each series twice, differing in `instance`), and a silent cluster whose
 * kube-state-metrics restarted within the window (the old pod's series and the new one's).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusInventory } from '../../../src/adapters/inventory/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetrics, prometheusAvailable, startTestPrometheus, type TestPrometheus } from '../../support/prometheus.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping the Prometheus inventory duplicate-series test: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

const M = 60_000;
const NOW = Date.UTC(2026, 2, 10, 12);
/** Cluster → the kube-state-metrics instances that exported its series, each from when to when. */
const EXPORTERS: Record<string, [instance: string, fromMs: number, toMs: number][]> = {
  replicated: [['10.0.0.1:8080', NOW - 120 * M, NOW + M], ['10.0.0.2:8080', NOW - 120 * M, NOW + M]],
  restarted: [['10.0.0.1:8080', NOW - 240 * M, NOW - 180 * M], ['10.0.0.9:8080', NOW - 180 * M, NOW - 60 * M]],
};
const NODES = ['n1', 'n2', 'n3'];

function openMetrics(): string {
  const families: [string, (node: string) => string][] = [
    ['kube_node_info', (n) => `node="${n}",provider_id="aws:///eu-west-1a/i-${n}",kubelet_version="v1.30.6"`],
    ['kube_node_labels', (n) => `node="${n}",label_node_pool="system",label_node_kubernetes_io_instance_type="m6i.xlarge"`],
    ['kube_pod_info', (n) => `namespace="kube-system",pod="coredns-${n}",node="${n}",uid="u-${n}"`],
    ['kube_pod_container_info', (n) => `namespace="kube-system",pod="coredns-${n}",container="coredns",image="registry.k8s.io/coredns/coredns:v1.11.3"`],
  ];
  const lines: string[] = [];
  for (const [name, labels] of families) {
    lines.push(`# TYPE ${name} gauge`);
    for (const [cluster, exporters] of Object.entries(EXPORTERS)) {
      for (const [instance, from, to] of exporters) for (const n of NODES) for (let t = from; t < to; t += M) lines.push(`${name}{cluster="${cluster}",instance="${instance}",${labels(n)}} 1 ${t / 1000}`);
    }
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

describe.skipIf(!available)('Prometheus inventory with a node in two series, from a real Prometheus', () => {
  let prom: TestPrometheus;
  beforeAll(async () => { prom = await startTestPrometheus(backfillOpenMetrics(openMetrics())); }, 60_000);
  afterAll(async () => { await prom?.stop(); });

  const inventory = () => createPrometheusInventory({ baseUrl: prom.url, logger: silentLogger, clock: fixedClock(NOW) });

  it('counts each node once in its pool', async () => {
    const clusters = await inventory().listClusters();

    expect(clusters.map((c) => [c.id, c.nodePools])).toEqual([
      ['replicated', [{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 3 }]],
      ['restarted', [{ name: 'system', instanceType: 'm6i.xlarge', nodeCount: 3 }]],
    ]);
  });

  it.each(Object.keys(EXPORTERS))('lists each node and pod of %s once in its topology', async (cluster) => {
    const topo = await inventory().getTopology(cluster);

    expect(topo.nodes.map((n) => n.name)).toEqual(NODES);
    expect(topo.pods.map((p) => `${p.node}/${p.name}`)).toEqual(NODES.map((n) => `${n}/coredns-${n}`));
  });
});
