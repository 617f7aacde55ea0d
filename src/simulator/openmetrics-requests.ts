/**
 * How each component's requests, errors and latency appear in the export: the standard
 * exporter's metric names and labels, per serving pod (or node, for the kubelet).
 */
import type { ComponentId } from '../fleet/types.js';

export type Part = 'all' | 'ok' | 'err';

export interface CounterPart {
  /** Sample name as written (counters end in `_total` unless the exporter's name does not). */
  sample: string;
  labels: Record<string, string>;
  part: Part;
  /** Share of the pod's requests in this series (e.g. verbs); default 1. */
  fraction?: number;
}

export interface RequestExport {
  job: string;
  /** Counter families: family name (without `_total`) → type and series parts. */
  counters: { family: string; type: 'counter' | 'unknown'; parts: CounterPart[] }[];
  /** Latency histogram (or a summary with quantile 0.99 only, for cert-manager). */
  latency: { family: string; kind: 'histogram' | 'summary'; bounds: number[]; unitPerSecond: number; parts: { labels: Record<string, string>; part: Part; fraction?: number }[] };
  /** Serve the request metrics from one pod only (the elected leader), as DaemonSet controllers do. */
  leaderOnly?: boolean;
}

const NGINX_BOUNDS = [0.01, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10];

export const REQUEST_EXPORTS: Record<ComponentId, RequestExport> = {
  coredns: {
    job: 'coredns',
    counters: [
      { family: 'coredns_dns_requests', type: 'counter', parts: [{ sample: 'coredns_dns_requests_total', labels: { server: 'dns://:53', zone: '.', proto: 'udp', family: '1', type: 'A' }, part: 'all' }] },
      { family: 'coredns_dns_responses', type: 'counter', parts: [
        { sample: 'coredns_dns_responses_total', labels: { server: 'dns://:53', zone: '.', rcode: 'NOERROR', plugin: '' }, part: 'ok' },
        { sample: 'coredns_dns_responses_total', labels: { server: 'dns://:53', zone: '.', rcode: 'SERVFAIL', plugin: '' }, part: 'err' },
      ] },
    ],
    latency: { family: 'coredns_dns_request_duration_seconds', kind: 'histogram', bounds: [0.002, 0.004, 0.008, 0.016, 0.032, 0.064, 0.256, 1.024, 4.096], unitPerSecond: 1, parts: [{ labels: { server: 'dns://:53', zone: '.', type: 'A' }, part: 'all' }] },
  },
  'ingress-gateway': {
    job: 'ingress-nginx-controller-metrics',
    counters: [{ family: 'nginx_ingress_controller_requests', type: 'unknown', parts: [
      { sample: 'nginx_ingress_controller_requests', labels: { ingress: 'public', namespace: 'apps', service: 'checkout-api', method: 'GET', status: '200' }, part: 'ok' },
      { sample: 'nginx_ingress_controller_requests', labels: { ingress: 'public', namespace: 'apps', service: 'checkout-api', method: 'GET', status: '502' }, part: 'err' },
    ] }],
    latency: { family: 'nginx_ingress_controller_request_duration_seconds', kind: 'histogram', bounds: NGINX_BOUNDS, unitPerSecond: 1, parts: [{ labels: { ingress: 'public', namespace: 'apps', service: 'checkout-api', method: 'GET' }, part: 'all' }] },
  },
  apiserver: {
    job: 'apiserver',
    counters: [{ family: 'apiserver_request', type: 'counter', parts: [
      { sample: 'apiserver_request_total', labels: { verb: 'GET', code: '200', resource: 'pods' }, part: 'ok', fraction: 0.7 },
      { sample: 'apiserver_request_total', labels: { verb: 'GET', code: '500', resource: 'pods' }, part: 'err', fraction: 0.7 },
      { sample: 'apiserver_request_total', labels: { verb: 'LIST', code: '200', resource: 'pods' }, part: 'ok', fraction: 0.3 },
      { sample: 'apiserver_request_total', labels: { verb: 'LIST', code: '504', resource: 'pods' }, part: 'err', fraction: 0.3 },
    ] }],
    latency: { family: 'apiserver_request_duration_seconds', kind: 'histogram', bounds: [0.1, 0.25, 0.5, 1, 2, 4, 8, 30, 60], unitPerSecond: 1, parts: [
      { labels: { verb: 'GET', resource: 'pods' }, part: 'all', fraction: 0.7 },
      { labels: { verb: 'LIST', resource: 'pods' }, part: 'all', fraction: 0.3 },
    ] },
  },
  etcd: {
    job: 'apiserver',
    counters: [{ family: 'etcd_request_errors', type: 'counter', parts: [{ sample: 'etcd_request_errors_total', labels: { operation: 'get', type: 'pods' }, part: 'err' }] }],
    latency: { family: 'etcd_request_duration_seconds', kind: 'histogram', bounds: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5], unitPerSecond: 1, parts: [{ labels: { operation: 'get', type: 'pods' }, part: 'all' }] },
  },
  kubelet: {
    job: 'kubelet',
    counters: [
      { family: 'kubelet_runtime_operations', type: 'counter', parts: [{ sample: 'kubelet_runtime_operations_total', labels: { operation_type: 'container_status', metrics_path: '/metrics' }, part: 'all' }] },
      { family: 'kubelet_runtime_operations_errors', type: 'counter', parts: [{ sample: 'kubelet_runtime_operations_errors_total', labels: { operation_type: 'container_status', metrics_path: '/metrics' }, part: 'err' }] },
    ],
    latency: { family: 'kubelet_runtime_operations_duration_seconds', kind: 'histogram', bounds: [0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10], unitPerSecond: 1, parts: [{ labels: { operation_type: 'container_status', metrics_path: '/metrics' }, part: 'all' }] },
  },
  cni: {
    job: 'cilium-agent', leaderOnly: true,
    counters: [],
    latency: { family: 'cilium_agent_api_process_time_seconds', kind: 'histogram', bounds: NGINX_BOUNDS, unitPerSecond: 1, parts: [
      { labels: { method: 'PUT', path: '/v1/endpoint', return_code: '201' }, part: 'ok' },
      { labels: { method: 'PUT', path: '/v1/endpoint', return_code: '500' }, part: 'err' },
    ] },
  },
  csi: {
    job: 'csi-node', leaderOnly: true,
    counters: [],
    latency: { family: 'csi_sidecar_operations_seconds', kind: 'histogram', bounds: [0.5, 1, 2.5, 5, 10, 25, 60, 300], unitPerSecond: 1, parts: [
      { labels: { driver_name: 'ebs.csi.aws.com', method_name: '/csi.v1.Node/NodePublishVolume', grpc_status_code: 'OK' }, part: 'ok' },
      { labels: { driver_name: 'ebs.csi.aws.com', method_name: '/csi.v1.Node/NodePublishVolume', grpc_status_code: 'DeadlineExceeded' }, part: 'err' },
    ] },
  },
  'service-mesh': {
    job: 'istiod',
    counters: [{ family: 'istio_requests', type: 'counter', parts: [
      { sample: 'istio_requests_total', labels: { reporter: 'source', source_workload: 'istio-ingressgateway', response_code: '200' }, part: 'ok' },
      { sample: 'istio_requests_total', labels: { reporter: 'source', source_workload: 'istio-ingressgateway', response_code: '503' }, part: 'err' },
    ] }],
    latency: { family: 'istio_request_duration_milliseconds', kind: 'histogram', bounds: [5, 10, 25, 50, 100, 250, 500, 1000, 5000, 30000], unitPerSecond: 1000, parts: [{ labels: { reporter: 'source', source_workload: 'istio-ingressgateway' }, part: 'all' }] },
  },
  'cert-manager': {
    job: 'cert-manager',
    counters: [{ family: 'certmanager_http_acme_client_request_count', type: 'unknown', parts: [
      { sample: 'certmanager_http_acme_client_request_count', labels: { scheme: 'https', host: 'acme-v02.api.letsencrypt.org', path: '/acme/new-order', method: 'POST', status: '201' }, part: 'ok' },
      { sample: 'certmanager_http_acme_client_request_count', labels: { scheme: 'https', host: 'acme-v02.api.letsencrypt.org', path: '/acme/new-order', method: 'POST', status: '403' }, part: 'err' },
    ] }],
    latency: { family: 'certmanager_http_acme_client_request_duration_seconds', kind: 'summary', bounds: [], unitPerSecond: 1, parts: [{ labels: { scheme: 'https', host: 'acme-v02.api.letsencrypt.org', path: '/acme/new-order', method: 'POST', status: '201' }, part: 'all' }] },
  },
  'cluster-autoscaler': {
    job: 'cluster-autoscaler',
    counters: [{ family: 'cluster_autoscaler_errors', type: 'counter', parts: [{ sample: 'cluster_autoscaler_errors_total', labels: { type: 'cloudProviderError' }, part: 'err' }] }],
    latency: { family: 'cluster_autoscaler_function_duration_seconds', kind: 'histogram', bounds: [0.1, 0.5, 1, 2.5, 5, 10, 30, 120], unitPerSecond: 1, parts: [{ labels: { function: 'main' }, part: 'all' }] },
  },
  'metrics-server': {
    job: 'metrics-server',
    counters: [{ family: 'metrics_server_kubelet_request', type: 'counter', parts: [
      { sample: 'metrics_server_kubelet_request_total', labels: { success: 'true' }, part: 'ok' },
      { sample: 'metrics_server_kubelet_request_total', labels: { success: 'false' }, part: 'err' },
    ] }],
    latency: { family: 'metrics_server_kubelet_request_duration_seconds', kind: 'histogram', bounds: NGINX_BOUNDS, unitPerSecond: 1, parts: [{ labels: {}, part: 'all' }] },
  },
  workload: {
    job: 'envoy-stats',
    counters: [{ family: 'istio_requests', type: 'counter', parts: [
      { sample: 'istio_requests_total', labels: { reporter: 'destination', destination_workload_namespace: 'apps', response_code: '200' }, part: 'ok' },
      { sample: 'istio_requests_total', labels: { reporter: 'destination', destination_workload_namespace: 'apps', response_code: '503' }, part: 'err' },
    ] }],
    latency: { family: 'istio_request_duration_milliseconds', kind: 'histogram', bounds: [5, 10, 25, 50, 100, 250, 500, 1000, 5000, 30000], unitPerSecond: 1000, parts: [{ labels: { reporter: 'destination', destination_workload_namespace: 'apps' }, part: 'all' }] },
  },
};

/**
 * Cumulative fraction of observations at or below each bound so that Prometheus'
 * `histogram_quantile(0.99, …)` (linear interpolation inside the bucket) returns exactly `p99`.
 * Writes bounds.length values into out; +Inf is 1.
 */
export function bucketFractions(bounds: number[], p99: number, out: Float64Array): void {
  const m = bounds.length;
  let j = bounds.findIndex((b) => p99 <= b);
  if (j < 0) j = m - 1; // beyond the last bound: clamp (the quantile reads as the last bound)
  const lower = j === 0 ? 0 : bounds[j - 1];
  const f = Math.min(1, Math.max(0, (p99 - lower) / (bounds[j] - lower)));
  const d = 0.009;
  const cLo = 0.99 - f * d;
  const cUp = cLo + d;
  for (let i = 0; i < m; i++) {
    if (i < j) out[i] = (cLo * (i + 1)) / j;
    else if (i === j) out[i] = cUp;
    else out[i] = cUp + ((1 - cUp) * (i - j)) / (m - j);
  }
}
