/**
 * The catalog's PromQL on series as managed clouds label them (a real Prometheus, promtool backfill):
 * an EKS node whose NIC is ens5 beside Amazon VPC CNI's eni* veths, with aws-node and ebs-csi-node
 * pods; a GKE node on eth0 with anetd and pdcsi-node. The simulator's export names the NIC eth0 and
 * the plugins cilium-* and csi-node-*.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusInventory } from '../../src/adapters/inventory/prometheus/index.js';
import { createPrometheusMetrics } from '../../src/adapters/metrics/prometheus/index.js';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { configCatalog } from '../../src/signals/catalog.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetrics, prometheusAvailable, startTestPrometheus, type TestPrometheus } from '../support/prometheus.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping the cloud-layouts test: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

const M = 60_000;
const NOW = Date.UTC(2026, 2, 10, 12);
const START = NOW - 120 * M;
const NIC_SPEED = 1.25e9;
/** Cluster → its node's devices: [name, bytes sent per second, reported speed]. */
const DEVICES: Record<string, [string, number, number][]> = {
  eks: [['ens5', 1e9, NIC_SPEED], ['eni3f2a1b9c8d7', 1.2e9, 2.5e9], ['lo', 5e9, 0]],
  gke: [['eth0', 0.5e9, NIC_SPEED], ['gke2f9a1c', 1.2e9, 2.5e9], ['cilium_host', 3e9, 2.5e9]],
  // a virtual NIC whose speed node-exporter cannot read: -1
  aks: [['eth0', 0.3e9, -1]],
};
/** Cluster → bytes received per second on its NIC (the busier direction on EKS). */
const RECEIVED: Record<string, number> = { eks: 1.1e9, gke: 0.1e9 };
/** Cluster → the node's filesystems: [mountpoint, fstype, used fraction]. Bottlerocket keeps kubelet and containerd data on /local. */
const FILESYSTEMS: Record<string, [string, string, number][]> = {
  eks: [['/', 'xfs', 0.4], ['/local', 'xfs', 0.92], ['/run', 'tmpfs', 0.99], ['/var/lib/containerd/io.containerd.runtime.v2.task/k8s.io/abc/rootfs', 'overlay', 0.99], ['/boot', 'vfat', 0.97]],
  gke: [['/', 'ext4', 0.5]],
  aks: [['/', 'ext4', 0.3]],
};
/** Cluster → [namespace, pod] of its CNI and CSI node plugins, and CoreDNS. */
const PODS: Record<string, [string, string][]> = {
  eks: [['kube-system', 'aws-node-5q8zr'], ['kube-system', 'ebs-csi-node-4r9tq'], ['kube-system', 'coredns-a'], ['my-net', 'my-cni-x1']],
  gke: [['kube-system', 'anetd-x2b9c'], ['kube-system', 'pdcsi-node-z8k4w'], ['kube-system', 'coredns-a'], ['my-net', 'my-cni-x1']],
  aks: [],
};

function family(name: string, type: string, series: { sample: string; labels: string; value: number; perMinute?: number }[]): string[] {
  const lines = [`# TYPE ${name} ${type}`];
  for (const s of series) for (let t = START, i = 0; t <= NOW; t += M, i++) lines.push(`${s.sample}{${s.labels}} ${s.value + i * (s.perMinute ?? 0)} ${t / 1000}`);
  return lines;
}

function openMetrics(): string {
  const clusters = Object.keys(DEVICES);
  const each = <T>(fn: (c: string) => T[]): T[] => clusters.flatMap(fn);
  const pod = (c: string, ns: string, p: string) => `cluster="${c}",namespace="${ns}",pod="${p}"`;
  return [
    ...family('kube_node_info', 'gauge', each((c) => [{ sample: 'kube_node_info', labels: `cluster="${c}",node="n1",provider_id="aws:///eu-west-1a/i-1",kubelet_version="v1.30.6"`, value: 1 }])),
    ...family('node_network_transmit_bytes', 'counter', each((c) => DEVICES[c].map(([device, perSecond]) => ({ sample: 'node_network_transmit_bytes_total', labels: `cluster="${c}",job="node-exporter",instance="n1",device="${device}"`, value: 0, perMinute: perSecond * 60 })))),
    ...family('node_network_speed_bytes', 'gauge', each((c) => DEVICES[c].filter(([, , speed]) => speed !== 0).map(([device, , speed]) => ({ sample: 'node_network_speed_bytes', labels: `cluster="${c}",job="node-exporter",instance="n1",device="${device}"`, value: speed })))),
    ...family('node_network_receive_bytes', 'counter', each((c) => (RECEIVED[c] ? [{ sample: 'node_network_receive_bytes_total', labels: `cluster="${c}",job="node-exporter",instance="n1",device="${DEVICES[c][0][0]}"`, value: 0, perMinute: RECEIVED[c] * 60 }] : []))),
    ...family('node_filesystem_size_bytes', 'gauge', each((c) => FILESYSTEMS[c].map(([mountpoint, fstype]) => ({ sample: 'node_filesystem_size_bytes', labels: `cluster="${c}",job="node-exporter",instance="n1",device="/dev/x",fstype="${fstype}",mountpoint="${mountpoint}"`, value: 1e11 })))),
    ...family('node_filesystem_avail_bytes', 'gauge', each((c) => FILESYSTEMS[c].map(([mountpoint, fstype, used]) => ({ sample: 'node_filesystem_avail_bytes', labels: `cluster="${c}",job="node-exporter",instance="n1",device="/dev/x",fstype="${fstype}",mountpoint="${mountpoint}"`, value: (1 - used) * 1e11 })))),
    ...family('kube_pod_info', 'gauge', each((c) => PODS[c].map(([ns, p]) => ({ sample: 'kube_pod_info', labels: `${pod(c, ns, p)},node="n1"`, value: 1 })))),
    ...family('kube_pod_container_resource_limits', 'gauge', each((c) => PODS[c].map(([ns, p]) => ({ sample: 'kube_pod_container_resource_limits', labels: `${pod(c, ns, p)},container="main",resource="cpu",unit="core"`, value: 0.5 })))),
    ...family('container_cpu_usage_seconds', 'counter', each((c) => PODS[c].map(([ns, p]) => ({ sample: 'container_cpu_usage_seconds_total', labels: `${pod(c, ns, p)},container="main"`, value: 0, perMinute: 0.2 * 60 })))),
    // CoreDNS sends 1 MB/s on its own eth0; aws-node (host network) sees the node's devices, veths included
    ...family('container_network_transmit_bytes', 'counter', each((c) => PODS[c].length === 0 ? [] : [
      { sample: 'container_network_transmit_bytes_total', labels: `${pod(c, 'kube-system', 'coredns-a')},interface="eth0"`, value: 0, perMinute: 1e6 * 60 },
      ...DEVICES[c].map(([device, perSecond]) => ({ sample: 'container_network_transmit_bytes_total', labels: `${pod(c, ...PODS[c][0])},interface="${device}"`, value: 0, perMinute: perSecond * 60 })),
    ])),
    '# EOF\n',
  ].join('\n');
}

describe.skipIf(!available)('catalog PromQL on series as managed clouds label them, in a real Prometheus', () => {
  let prom: TestPrometheus;
  const source = (components?: Record<string, string>): MetricsSource => createPrometheusMetrics({
    baseUrl: prom.url, catalog: configCatalog({ signals: [], components }), rateWindow: '5m', useRecordingRules: 'never', logger: silentLogger, clock: fixedClock(NOW), retries: 0,
  });
  beforeAll(async () => { prom = await startTestPrometheus(backfillOpenMetrics(openMetrics())); }, 60_000);
  afterAll(async () => { await prom?.stop(); });

  const query = (metrics: MetricsSource, signal: string, component: string) => metrics.query({ signal, component, clusters: Object.keys(DEVICES), startMs: NOW - 60 * M, endMs: NOW, stepSeconds: 300 });
  const byCluster = (answer: Awaited<ReturnType<MetricsSource['query']>>) => Object.fromEntries(answer.series.map((s) => [s.cluster, s.values.at(-1)]));

  it('reads the node NIC\'s saturation whatever the NIC is called, not the veths or loopback beside it, in its busier direction', async () => {
    const got = byCluster(await query(source(), 'node_network_saturation', 'node'));

    // before: device="eth0" only, so the EKS node (ens5) had no NIC signal at all; transmit only (0.8 on EKS);
    // and the AKS NIC whose speed reads -1 gave a negative ratio
    expect(Object.keys(got).sort()).toEqual(['eks', 'gke']);
    expect(got.eks).toBeCloseTo(0.88, 6);
    expect(got.gke).toBeCloseTo(0.4, 6);
  });

  it('reads a node\'s fullest disk, wherever it is mounted (Bottlerocket: /local), not tmpfs, overlay or boot', async () => {
    const got = byCluster(await query(source(), 'node_disk_usage', 'node'));

    // before: mountpoint="/" only: 0.4 on the EKS node whose data disk was 92 % full
    expect(got.eks).toBeCloseTo(0.92, 6);
    expect(got.gke).toBeCloseTo(0.5, 6);
    expect(got.aks).toBeCloseTo(0.3, 6);
  });

  it('reads a pod\'s network saturation against the NIC of an ens5 node', async () => {
    const got = byCluster(await query(source(), 'network_saturation', 'coredns'));

    expect(got.eks).toBeCloseTo(1e6 / NIC_SPEED, 9);
    expect(got.gke).toBeCloseTo(1e6 / NIC_SPEED, 9);
  });

  it('counts only the NIC of a host-network CNI pod, not the same bytes again on each veth', async () => {
    const got = byCluster(await query(source(), 'network_saturation', 'cni'));

    // before: no value on EKS (no eth0, and aws-node not a CNI pod); the veths would have added 1.2 GB/s
    expect(got.eks).toBeCloseTo(0.8, 6);
    expect(got.gke).toBeCloseTo(0.4, 6);
  });

  it.each([['cni'], ['csi']])('finds the %s node plugin\'s pods on EKS (aws-node, ebs-csi-node) and GKE (anetd, pdcsi-node)', async (component) => {
    const got = byCluster(await query(source(), 'cpu_saturation', component));

    // before: cilium-* and csi-node-* only: no series for either cluster
    expect(got).toEqual({ eks: expect.closeTo(0.4, 9), gke: expect.closeTo(0.4, 9) });
  });

  it('reads a component with the matcher from the config\'s components section', async () => {
    const got = byCluster(await query(source({ cni: 'namespace="my-net", pod=~"my-cni-.*"' }), 'cpu_saturation', 'cni'));

    expect(got).toEqual({ eks: expect.closeTo(0.4, 9), gke: expect.closeTo(0.4, 9) });
  });

  it.each(Object.keys(DEVICES))('gives the %s node its NIC\'s speed in the inventory, not a veth\'s or -1', async (cluster) => {
    const topo = await createPrometheusInventory({ baseUrl: prom.url, logger: silentLogger, clock: fixedClock(NOW) }).getTopology(cluster);

    // before: the largest speed of any device but lo and veth*: the eni/gke veth's 2.5e9, and -1 on AKS
    // (a speed node-exporter cannot read: the 10 Gbit/s default, which NIC_SPEED is)
    expect(topo.nodes.map((n) => n.nicBytesPerSecond)).toEqual([NIC_SPEED]);
  });
});
