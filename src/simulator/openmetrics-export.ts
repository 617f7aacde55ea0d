/**
 * OpenMetrics export of the simulated fleet, for `promtool tsdb create-blocks-from openmetrics`.
 * Only metric names, types and labels of the standard exporters (kube-state-metrics, cAdvisor,
 * node-exporter, CoreDNS, ingress-nginx, API server, kubelet, Cilium, CSI sidecars, Istio,
 * cert-manager, cluster-autoscaler, metrics-server), plus `ALERTS`. Counters and histogram buckets
 * are built from the same lazy series as `seriesValues` (increase over a step = rate × step;
 * buckets placed so histogram_quantile(0.99) lands on latency_p99), cumulative with occasional
 * resets. Timestamps are seconds; each series is written in ascending time; the last line is `# EOF`.
 *
 * PromQL that recovers each golden signal (per component, aggregated `by (cluster)`; `{{w}}` = 6m):
 *
 * | component | error_ratio (availability = 1 − error_ratio) | latency_p99 (s) | request_rate (req/s) |
 * | --- | --- | --- | --- |
 * | coredns | SERVFAIL / all of rate(coredns_dns_responses_total) | histogram_quantile(0.99, sum by (cluster, le) (rate(coredns_dns_request_duration_seconds_bucket[{{w}}]))) | rate(coredns_dns_requests_total) |
 * | ingress-gateway | status=~"5.." / all of rate(nginx_ingress_controller_requests) | …nginx_ingress_controller_request_duration_seconds_bucket | rate(nginx_ingress_controller_requests) |
 * | apiserver | code=~"5.." / all of rate(apiserver_request_total) | …apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"} | rate(apiserver_request_total) |
 * | etcd | rate(etcd_request_errors_total) / rate(etcd_request_duration_seconds_count) | …etcd_request_duration_seconds_bucket | rate(etcd_request_duration_seconds_count) |
 * | kubelet | rate(kubelet_runtime_operations_errors_total) / rate(kubelet_runtime_operations_total) | …kubelet_runtime_operations_duration_seconds_bucket | rate(kubelet_runtime_operations_total) |
 * | cni | return_code=~"5.." / all of rate(cilium_agent_api_process_time_seconds_count) | …cilium_agent_api_process_time_seconds_bucket | rate(…_count) |
 * | csi | grpc_status_code!="OK" / all of rate(csi_sidecar_operations_seconds_count) | …csi_sidecar_operations_seconds_bucket | rate(…_count) |
 * | service-mesh | istio_requests_total{reporter="source",source_workload="istio-ingressgateway"} 5xx / all | …istio_request_duration_milliseconds_bucket{same} / 1000 | rate(istio_requests_total{same}) |
 * | cert-manager | status=~"4..|5.." / all of rate(certmanager_http_acme_client_request_count) | max(certmanager_http_acme_client_request_duration_seconds{quantile="0.99"}) | rate(…request_count) |
 * | cluster-autoscaler | rate(cluster_autoscaler_errors_total) / rate(cluster_autoscaler_function_duration_seconds_count{function="main"}) | …function_duration_seconds_bucket{function="main"} | rate(…_count{function="main"}) |
 * | metrics-server | success="false" / all of rate(metrics_server_kubelet_request_total) | …metrics_server_kubelet_request_duration_seconds_bucket | rate(metrics_server_kubelet_request_total) |
 * | workload | istio_requests_total{reporter="destination",destination_workload_namespace="apps"} 5xx / all | …istio_request_duration_milliseconds_bucket{same} / 1000 | rate(istio_requests_total{same}) |
 *
 * Saturations (every component but the kubelet; pods selected by namespace and name prefix):
 * cpu = Σ rate(container_cpu_usage_seconds_total) / Σ kube_pod_container_resource_limits{resource="cpu"};
 * memory = Σ container_memory_working_set_bytes / Σ kube_pod_container_resource_limits{resource="memory"};
 * network = Σ rate(container_network_transmit_bytes_total) / (count(kube_pod_info) × max(node_network_speed_bytes)).
 * kubelet: process_cpu_seconds_total / 0.5 core and process_resident_memory_bytes / 1 GiB per node; no network.
 * Drill-down: node_* from node-exporter per `instance` (= node name), node_ready from
 * kube_node_status_condition, pod_restarts / oom_kills / dns_timeouts as rate × 300 per pod,
 * cert_expiry_seconds = certmanager_certificate_expiration_timestamp_seconds − time().
 * The exact expressions are EXPORT_PROMQL_HINTS (openmetrics-hints.ts), re-exported here.
 */
import type { Writable } from 'node:stream';
import { COMPONENTS, type ComponentId } from '../fleet/types.js';
import type { SimulatedFleet } from './fleet.js';
import { buildFamilies, type ExportScope } from './openmetrics-families.js';
import { grid } from '../fleet/grid.js';
import { gapMask } from './series.js';

export { EXPORT_PROMQL_HINTS, EXPORT_RATE_WINDOW, promqlFor } from './openmetrics-hints.js';

export interface OpenMetricsExportOptions {
  /** Chunk sink (awaited when it returns a promise) or a Writable (backpressure honoured). */
  write: ((chunk: string) => void | Promise<void>) | Writable;
  /** Export only the first N clusters of the inventory (default: all). */
  clusters?: number;
  /** Or exactly these clusters. */
  clusterIds?: string[];
  /** Components whose exporters are written (default: all 12). Node and inventory metrics always are. */
  components?: readonly ComponentId[];
  /** Only the last N days of the range (default: the whole range). */
  days?: number;
  /** Name of the label carrying the cluster id (default `cluster`). */
  clusterLabel?: string;
  /** Write ALERTS series (default true). */
  alerts?: boolean;
}

export interface OpenMetricsExportStats {
  series: number;
  samples: number;
  bytes: number;
}

/** Stream the fleet as OpenMetrics text. Resolves when the last chunk (`# EOF\n`) is written. */
export async function exportOpenMetrics(fleet: SimulatedFleet, opts: OpenMetricsExportOptions): Promise<OpenMetricsExportStats> {
  const stepMs = fleet.stepSeconds * 1000;
  const endMs = fleet.rangeMs.endMs;
  const startMs = opts.days ? Math.max(fleet.rangeMs.startMs, endMs - opts.days * 86_400_000) : fleet.rangeMs.startMs;
  const { firstMs, n } = grid(startMs, endMs, stepMs);
  const ids = opts.clusterIds ?? fleet.clusters.slice(0, opts.clusters ?? fleet.clusters.length).map((c) => c.id);
  const ts = Array.from({ length: n }, (_, i) => String((firstMs + i * stepMs) / 1000));
  const sink = createSink(opts.write);
  const stats: OpenMetricsExportStats = { series: 0, samples: 0, bytes: 0 };
  const scope: ExportScope = {
    fleet, firstMs, n, stepMs, ts, clusterLabel: opts.clusterLabel ?? 'cluster',
    components: new Set(opts.components ?? COMPONENTS),
    mask: (cluster, target) => gapMask(fleet.seriesContext, cluster, target, firstMs, n),
    line: (s) => sink.push(s),
    stats,
  };
  for (const family of buildFamilies(scope, opts.alerts ?? true)) {
    await sink.push(`# TYPE ${family.name} ${family.type}\n`);
    for (const cluster of ids) {
      family.emit(cluster);
      await sink.drain();
    }
  }
  await sink.push('# EOF\n');
  await sink.flush();
  stats.bytes = sink.bytes;
  return stats;
}

interface Sink {
  push(s: string): void | Promise<void>;
  drain(): Promise<void>;
  flush(): Promise<void>;
  bytes: number;
}

/** Buffers lines into ~256 KiB chunks so the writer is called rarely. */
function createSink(target: OpenMetricsExportOptions['write']): Sink {
  let parts: string[] = [];
  let size = 0;
  const write = async (chunk: string): Promise<void> => {
    if (typeof target === 'function') {
      await target(chunk);
      return;
    }
    if (!target.write(chunk)) await new Promise<void>((resolve) => target.once('drain', resolve));
  };
  const sink: Sink = {
    bytes: 0,
    push(s) {
      parts.push(s);
      size += s.length;
      sink.bytes += s.length;
    },
    async drain() {
      if (size >= 1 << 18) await sink.flush();
    },
    async flush() {
      if (parts.length === 0) return;
      const chunk = parts.join('');
      parts = [];
      size = 0;
      await write(chunk);
    },
  };
  return sink;
}
