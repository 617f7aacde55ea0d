/**
 * The catalog's PromQL on series labelled as real scrapes label them (a real Prometheus, promtool
 * backfill), where the simulator's export is tidier: kube-state-metrics run as two replicas (each
 * series twice, differing in `instance`), and cert-manager scraped by its chart's ServiceMonitor
 * (`honorLabels: false`: the certificate's namespace moves to `exported_namespace`, `namespace`
 * is cert-manager's own).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusMetrics } from '../../src/adapters/metrics/prometheus/index.js';
import type { MetricsSource } from '../../src/adapters/metrics/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { buildCatalog } from '../../src/signals/catalog.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetrics, prometheusAvailable, startTestPrometheus, type TestPrometheus } from '../support/prometheus.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping the exporter-labels test: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

const M = 60_000;
const NOW = Date.UTC(2026, 2, 10, 12);
const START = NOW - 120 * M;
const PODS = ['coredns-a', 'coredns-b'];
/** Cluster → the kube-state-metrics instances exporting its pods. */
const KSM: Record<string, string[]> = { replicated: ['10.0.0.1:8080', '10.0.0.2:8080'], single: ['10.0.0.1:8080'] };
const EXPIRY = { shop: 1_800_000_000, blog: 1_900_000_000 };

/** One family: `# TYPE`, then each series' samples every minute (counters grow by `perMinute`). */
function family(name: string, type: string, series: { sample: string; labels: string; value: number; perMinute?: number }[]): string[] {
  const lines = [`# TYPE ${name} ${type}`];
  for (const s of series) for (let t = START, i = 0; t <= NOW; t += M, i++) lines.push(`${s.sample}{${s.labels}} ${s.value + i * (s.perMinute ?? 0)} ${t / 1000}`);
  return lines;
}

function openMetrics(): string {
  const ksm = (cluster: string) => KSM[cluster].flatMap((instance) => PODS.map((pod) => `cluster="${cluster}",job="kube-state-metrics",instance="${instance}",namespace="kube-system",pod="${pod}"`));
  const pods = (cluster: string) => PODS.map((pod) => `cluster="${cluster}",job="kubelet",namespace="kube-system",pod="${pod}"`);
  const clusters = Object.keys(KSM);
  const each = <T>(fn: (c: string) => T[]): T[] => clusters.flatMap(fn);
  return [
    ...family('kube_pod_container_resource_limits', 'gauge', each((c) => ksm(c).flatMap((l) => [
      { sample: 'kube_pod_container_resource_limits', labels: `${l},container="coredns",resource="cpu",unit="core"`, value: 0.5 },
      { sample: 'kube_pod_container_resource_limits', labels: `${l},container="coredns",resource="memory",unit="byte"`, value: 1e9 },
    ]))),
    ...family('kube_pod_info', 'gauge', each((c) => ksm(c).map((l) => ({ sample: 'kube_pod_info', labels: `${l},node="n1"`, value: 1 })))),
    ...family('kube_pod_container_status_restarts', 'counter', each((c) => ksm(c).map((l) => ({ sample: 'kube_pod_container_status_restarts_total', labels: `${l},container="coredns"`, value: 0, perMinute: 0.2 })))),
    ...family('container_cpu_usage_seconds', 'counter', each((c) => pods(c).map((l) => ({ sample: 'container_cpu_usage_seconds_total', labels: `${l},container="coredns"`, value: 0, perMinute: 0.25 * 60 })))),
    ...family('container_memory_working_set_bytes', 'gauge', each((c) => pods(c).map((l) => ({ sample: 'container_memory_working_set_bytes', labels: `${l},container="coredns"`, value: 5e8 })))),
    ...family('container_network_transmit_bytes', 'counter', each((c) => pods(c).map((l) => ({ sample: 'container_network_transmit_bytes_total', labels: `${l},interface="eth0"`, value: 0, perMinute: 1e6 * 60 })))),
    ...family('node_network_speed_bytes', 'gauge', each((c) => [{ sample: 'node_network_speed_bytes', labels: `cluster="${c}",job="node-exporter",instance="n1",device="eth0"`, value: 1.25e8 }])),
    ...family('certmanager_certificate_expiration_timestamp_seconds', 'gauge', [
      ...Object.entries(EXPIRY).map(([ns, value]) => ({ sample: 'certmanager_certificate_expiration_timestamp_seconds', labels: `cluster="replicated",job="cert-manager",namespace="cert-manager",pod="cert-manager-5d7f97b46d-x2x9q",exported_namespace="${ns}",name="tls"`, value })),
      { sample: 'certmanager_certificate_expiration_timestamp_seconds', labels: 'cluster="single",job="cert-manager",namespace="shop",name="tls"', value: EXPIRY.shop },
    ]),
    '# EOF\n',
  ].join('\n');
}

describe.skipIf(!available)('catalog PromQL on series labelled as real scrapes label them, in a real Prometheus', () => {
  let prom: TestPrometheus;
  let metrics: MetricsSource;
  beforeAll(async () => {
    prom = await startTestPrometheus(backfillOpenMetrics(openMetrics()));
    metrics = createPrometheusMetrics({ baseUrl: prom.url, catalog: buildCatalog(), rateWindow: '5m', useRecordingRules: 'never', logger: silentLogger, clock: fixedClock(NOW), retries: 0 });
  }, 60_000);
  afterAll(async () => { await prom?.stop(); });

  const query = (signal: string, component: string) => metrics.query({ signal, component, clusters: Object.keys(KSM), startMs: NOW - 60 * M, endMs: NOW, stepSeconds: 300 });

  it.each([
    // [signal, value]: usage 0.25 of 0.5 core, 0.5 of 1 GB, 2 MB/s of 2 pods × 125 MB/s; 0.2 restarts a minute = 1 a step
    ['cpu_saturation', 0.5],
    ['memory_saturation', 0.5],
    ['network_saturation', 0.008],
  ])('%s of coredns is the same with kube-state-metrics run as two replicas', async (signal, value) => {
    const answer = await query(signal, 'coredns');

    expect(answer.series.map((s) => s.cluster).sort()).toEqual(['replicated', 'single']);
    for (const s of answer.series) for (const v of s.values) expect(v, s.cluster).toBeCloseTo(value, 9);
  });

  it('counts a pod\'s restarts once with kube-state-metrics run as two replicas', async () => {
    const answer = await query('pod_restarts', 'coredns');

    expect(answer.series).toHaveLength(4);
    for (const s of answer.series) for (const v of s.values) expect(v, `${s.cluster} ${s.labels?.pod}`).toBeCloseTo(1, 9);
  });

  it('names a certificate by its own namespace, also where the scrape moved it to exported_namespace', async () => {
    const answer = await query('cert_expiry_seconds', 'cert-manager');

    const got = answer.series.map((s) => [s.cluster, s.labels?.namespace, s.labels?.certificate, s.values[0] + s.startMs / 1000]).sort((a, b) => String(a).localeCompare(String(b)));
    expect(got).toEqual([
      ['replicated', 'blog', 'tls', EXPIRY.blog],
      ['replicated', 'shop', 'tls', EXPIRY.shop],
      ['single', 'shop', 'tls', EXPIRY.shop],
    ]);
  });
});
