/**
 * The PromQL that recovers each simulator signal from the OpenMetrics export (see
 * openmetrics-export.ts). `{{w}}` is the rate window: use `6m` for 5-minute data queried at
 * timestamps on the 5-minute grid: the window then holds exactly the last two samples, so
 * `rate()` equals the last step's increase / 300 s on Prometheus 2.x and 3.x alike
 * (`[5m]` works only on 2.x, whose range selectors are closed on the left).
 * Every expression aggregates `by (cluster)` for one component; drill-down ones keep node/pod.
 */
export const EXPORT_RATE_WINDOW = '6m';

type Hints = Record<string, Record<string, string>>;

const ratio = (errSel: string, allSel: string): string =>
  `sum by (cluster) (rate(${errSel}[{{w}}])) / sum by (cluster) (rate(${allSel}[{{w}}]))`;
const p99 = (bucket: string, div = ''): string => `histogram_quantile(0.99, sum by (cluster, le) (rate(${bucket}[{{w}}])))${div}`;
const rps = (sel: string): string => `sum by (cluster) (rate(${sel}[{{w}}]))`;
const pods = (ns: string, re: string): string => `namespace="${ns}",pod=~"${re}"`;
const cpu = (sel: string): string =>
  `sum by (cluster) (rate(container_cpu_usage_seconds_total{${sel}}[{{w}}])) / sum by (cluster) (kube_pod_container_resource_limits{resource="cpu",${sel}})`;
const mem = (sel: string): string =>
  `sum by (cluster) (container_memory_working_set_bytes{${sel}}) / sum by (cluster) (kube_pod_container_resource_limits{resource="memory",${sel}})`;
const net = (sel: string): string =>
  `sum by (cluster) (rate(container_network_transmit_bytes_total{${sel}}[{{w}}])) / (count by (cluster) (kube_pod_info{${sel}}) * max by (cluster) (node_network_speed_bytes{device="eth0"}))`;
const sat = (sel: string): Record<string, string> => ({ cpu_saturation: cpu(sel), memory_saturation: mem(sel), network_saturation: net(sel) });
const withAvailability = (h: Record<string, string>): Record<string, string> => ({ availability: `1 - (${h.error_ratio})`, ...h });

const COREDNS = pods('kube-system', 'coredns-.*');
const NGINX = pods('ingress-nginx', 'ingress-nginx-controller-.*');
const API = pods('kube-system', 'kube-apiserver-.*');
const APPS = pods('apps', '(checkout-api|payments-api|catalog-web)-.*');

/** signal → PromQL, per component (golden signals) and under `drilldown` (node/pod/cert signals). */
export const EXPORT_PROMQL_HINTS: Hints = {
  coredns: withAvailability({
    error_ratio: ratio('coredns_dns_responses_total{rcode="SERVFAIL"}', 'coredns_dns_responses_total'),
    latency_p99: p99('coredns_dns_request_duration_seconds_bucket'),
    request_rate: rps('coredns_dns_requests_total'),
    ...sat(COREDNS),
  }),
  'ingress-gateway': withAvailability({
    error_ratio: ratio('nginx_ingress_controller_requests{status=~"5.."}', 'nginx_ingress_controller_requests'),
    latency_p99: p99('nginx_ingress_controller_request_duration_seconds_bucket'),
    request_rate: rps('nginx_ingress_controller_requests'),
    ...sat(NGINX),
  }),
  apiserver: withAvailability({
    error_ratio: ratio('apiserver_request_total{code=~"5.."}', 'apiserver_request_total'),
    latency_p99: p99('apiserver_request_duration_seconds_bucket{verb!~"WATCH|CONNECT"}'),
    request_rate: rps('apiserver_request_total'),
    ...sat(API),
  }),
  etcd: withAvailability({
    error_ratio: ratio('etcd_request_errors_total', 'etcd_request_duration_seconds_count'),
    latency_p99: p99('etcd_request_duration_seconds_bucket'),
    request_rate: rps('etcd_request_duration_seconds_count'),
    ...sat(pods('kube-system', 'etcd-.*')),
  }),
  kubelet: withAvailability({
    error_ratio: ratio('kubelet_runtime_operations_errors_total', 'kubelet_runtime_operations_total'),
    latency_p99: p99('kubelet_runtime_operations_duration_seconds_bucket'),
    request_rate: rps('kubelet_runtime_operations_total'),
    cpu_saturation: 'sum by (cluster) (rate(process_cpu_seconds_total{job="kubelet"}[{{w}}])) / (0.5 * count by (cluster) (process_resident_memory_bytes{job="kubelet"}))',
    memory_saturation: 'sum by (cluster) (process_resident_memory_bytes{job="kubelet"}) / (1073741824 * count by (cluster) (process_resident_memory_bytes{job="kubelet"}))',
    // network_saturation: none. The kubelet is a host process; no standard exporter reports its traffic.
  }),
  cni: withAvailability({
    error_ratio: ratio('cilium_agent_api_process_time_seconds_count{return_code=~"5.."}', 'cilium_agent_api_process_time_seconds_count'),
    latency_p99: p99('cilium_agent_api_process_time_seconds_bucket'),
    request_rate: rps('cilium_agent_api_process_time_seconds_count'),
    ...sat(pods('kube-system', 'cilium-.*')),
  }),
  csi: withAvailability({
    error_ratio: ratio('csi_sidecar_operations_seconds_count{grpc_status_code!="OK"}', 'csi_sidecar_operations_seconds_count'),
    latency_p99: p99('csi_sidecar_operations_seconds_bucket'),
    request_rate: rps('csi_sidecar_operations_seconds_count'),
    ...sat(pods('kube-system', 'csi-node-.*')),
  }),
  'service-mesh': withAvailability({
    error_ratio: ratio('istio_requests_total{reporter="source",source_workload="istio-ingressgateway",response_code=~"5.."}', 'istio_requests_total{reporter="source",source_workload="istio-ingressgateway"}'),
    latency_p99: p99('istio_request_duration_milliseconds_bucket{reporter="source",source_workload="istio-ingressgateway"}', ' / 1000'),
    request_rate: rps('istio_requests_total{reporter="source",source_workload="istio-ingressgateway"}'),
    ...sat(pods('istio-system', 'istiod-.*')),
  }),
  'cert-manager': withAvailability({
    error_ratio: ratio('certmanager_http_acme_client_request_count{status=~"4..|5.."}', 'certmanager_http_acme_client_request_count'),
    latency_p99: 'max by (cluster) (certmanager_http_acme_client_request_duration_seconds{quantile="0.99"})',
    request_rate: rps('certmanager_http_acme_client_request_count'),
    ...sat(pods('cert-manager', 'cert-manager-.*')),
  }),
  'cluster-autoscaler': withAvailability({
    error_ratio: ratio('cluster_autoscaler_errors_total', 'cluster_autoscaler_function_duration_seconds_count{function="main"}'),
    latency_p99: p99('cluster_autoscaler_function_duration_seconds_bucket{function="main"}'),
    request_rate: rps('cluster_autoscaler_function_duration_seconds_count{function="main"}'),
    ...sat(pods('kube-system', 'cluster-autoscaler-.*')),
  }),
  'metrics-server': withAvailability({
    error_ratio: ratio('metrics_server_kubelet_request_total{success="false"}', 'metrics_server_kubelet_request_total'),
    latency_p99: p99('metrics_server_kubelet_request_duration_seconds_bucket'),
    request_rate: rps('metrics_server_kubelet_request_total'),
    ...sat(pods('kube-system', 'metrics-server-.*')),
  }),
  workload: withAvailability({
    error_ratio: ratio('istio_requests_total{reporter="destination",destination_workload_namespace="apps",response_code=~"5.."}', 'istio_requests_total{reporter="destination",destination_workload_namespace="apps"}'),
    latency_p99: p99('istio_request_duration_milliseconds_bucket{reporter="destination",destination_workload_namespace="apps"}', ' / 1000'),
    request_rate: rps('istio_requests_total{reporter="destination",destination_workload_namespace="apps"}'),
    ...sat(APPS),
  }),
  drilldown: {
    node_network_saturation: 'rate(node_network_transmit_bytes_total{device="eth0"}[{{w}}]) / on (cluster, instance, device) node_network_speed_bytes  # per instance (= node name)',
    node_disk_usage: '1 - node_filesystem_avail_bytes{mountpoint="/"} / node_filesystem_size_bytes{mountpoint="/"}  # per instance',
    node_memory_pressure: '1 - node_memory_MemAvailable_bytes / node_memory_MemTotal_bytes  # per instance',
    node_ready: 'kube_node_status_condition{condition="Ready",status="true"}  # per node',
    pod_restarts: `rate(kube_pod_container_status_restarts_total[{{w}}]) * 300  # per pod, restarts per 5-minute step`,
    oom_kills: 'rate(container_oom_events_total[{{w}}]) * 300  # per pod, per 5-minute step',
    dns_timeouts: `rate(coredns_dns_responses_total{rcode="SERVFAIL",${COREDNS}}[{{w}}]) * 300  # per CoreDNS pod, per 5-minute step`,
    cert_expiry_seconds: 'certmanager_certificate_expiration_timestamp_seconds - time()  # per namespace/name',
    version: 'kube_pod_container_info{container="<component container>"}  # image tag = version; also coredns_build_info, kubernetes_build_info, …',
    alerts: 'ALERTS{alertstate="firing"}',
  },
};

/** The hints with the rate window filled in. */
export function promqlFor(component: string, signal: string, window = EXPORT_RATE_WINDOW): string | undefined {
  return EXPORT_PROMQL_HINTS[component]?.[signal]?.replaceAll('{{w}}', window);
}
