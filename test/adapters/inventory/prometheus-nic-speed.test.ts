/**
 * NIC speed per node from node-exporter, read from a real Prometheus (promtool backfill): a scrape that
 * adds a `node` label, and kube-prometheus's, which names the node in `instance` only.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusInventory } from '../../../src/adapters/inventory/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetrics, prometheusAvailable, startTestPrometheus, type TestPrometheus } from '../../support/prometheus.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping the Prometheus inventory NIC-speed test: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

const M = 60_000;
const NOW = Date.UTC(2026, 2, 10, 12);
const NODES = ['n1', 'n2'];
/** Cluster → how its node-exporter series name the node. */
const LAYOUTS: Record<string, (node: string) => string> = {
  labelled: (n) => `instance="10.0.0.${n.slice(1)}:9100",node="${n}"`,
  'kube-prometheus': (n) => `instance="${n}"`,
};
const SPEED = 3.125e9;

function openMetrics(): string {
  const lines: string[] = [];
  const series = (name: string, labels: (cluster: string, node: string) => string, value: (node: string) => number) => {
    lines.push(`# TYPE ${name} gauge`);
    for (const cluster of Object.keys(LAYOUTS)) for (const n of NODES) for (let t = NOW - 30 * M; t <= NOW; t += M) lines.push(`${name}{cluster="${cluster}",${labels(cluster, n)}} ${value(n)} ${t / 1000}`);
  };
  series('kube_node_info', (_c, n) => `instance="ksm:8080",node="${n}",provider_id="aws:///eu-west-1a/i-${n}",kubelet_version="v1.30.6"`, () => 1);
  series('kube_node_labels', (_c, n) => `instance="ksm:8080",node="${n}",label_node_pool="system",label_node_kubernetes_io_instance_type="m6i.xlarge"`, () => 1);
  // n2's eth0 is 10 Gbit/s less than n1's; lo must not count
  series('node_network_speed_bytes', (c, n) => `${LAYOUTS[c](n)},device="eth0"`, (n) => (n === 'n1' ? SPEED : SPEED / 2));
  series('node_network_speed_bytes', (c, n) => `${LAYOUTS[c](n)},device="lo"`, () => 1e12);
  return `${lines.join('\n')}\n# EOF\n`;
}

describe.skipIf(!available)('Prometheus inventory NIC speed, from a real Prometheus', () => {
  let prom: TestPrometheus;
  beforeAll(async () => { prom = await startTestPrometheus(backfillOpenMetrics(openMetrics())); }, 60_000);
  afterAll(async () => { await prom?.stop(); });

  it.each(Object.keys(LAYOUTS))('reads each node\'s NIC speed where node-exporter names the node as %s does', async (cluster) => {
    const topo = await createPrometheusInventory({ baseUrl: prom.url, logger: silentLogger, clock: fixedClock(NOW) }).getTopology(cluster);

    // before, on kube-prometheus: both nodes at the 1.25e9 default (10 Gbit/s)
    expect(topo.nodes).toEqual([{ name: 'n1', pool: 'system', nicBytesPerSecond: SPEED }, { name: 'n2', pool: 'system', nicBytesPerSecond: SPEED / 2 }]);
  });
});
