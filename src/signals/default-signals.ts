/**
 * The built-in catalog, written against the standard exporters' metric names (CoreDNS,
 * ingress-nginx, apiserver, etcd, kubelet, Cilium, CSI sidecars, Istio, cert-manager,
 * cluster-autoscaler, metrics-server, cAdvisor, kube-state-metrics, node-exporter).
 */
import { nicMatcher } from './component-matchers.js';
import type { SignalDefinition } from './schema.js';

type Definition = Omit<SignalDefinition, 'labels' | 'kind'> & Partial<Pick<SignalDefinition, 'labels' | 'kind'>>;

const C = '{{clusterMatcher}}';
const BY = 'by ({{clusterLabel}})';
const W = '[{{rateWindow}}]';

/** Request counters, error counters and a latency histogram of one component. */
interface RedFamily {
  /** Counted for request_rate. */
  requests: string;
  /** Denominator of error_ratio (default: requests), e.g. all responses. */
  total?: string;
  errors: string;
  /** `_bucket` selector, or a full latency expression (summaries). */
  bucket?: string;
  latency?: string;
  /** Divides the histogram's unit into seconds (Istio: milliseconds). */
  divide?: number;
  slo: number;
}

function sel(metric: string, extra = ''): string {
  return `${metric}{${C}${extra ? `, ${extra}` : ''}}`;
}

const ISTIO_INGRESS = 'reporter="source", source_workload="istio-ingressgateway"';
const ISTIO_APPS = 'reporter="destination", destination_workload_namespace="apps"';

export const RED_FAMILIES: Record<string, RedFamily> = {
  coredns: { requests: sel('coredns_dns_requests_total'), total: sel('coredns_dns_responses_total'), errors: sel('coredns_dns_responses_total', 'rcode="SERVFAIL"'), bucket: sel('coredns_dns_request_duration_seconds_bucket'), slo: 0.9995 },
  'ingress-gateway': { requests: sel('nginx_ingress_controller_requests'), errors: sel('nginx_ingress_controller_requests', 'status=~"5.."'), bucket: sel('nginx_ingress_controller_request_duration_seconds_bucket'), slo: 0.999 },
  apiserver: { requests: sel('apiserver_request_total'), errors: sel('apiserver_request_total', 'code=~"5.."'), bucket: sel('apiserver_request_duration_seconds_bucket', 'verb!~"WATCH|CONNECT"'), slo: 0.999 },
  // The API server's view of etcd: present wherever the apiserver is scraped, unlike etcd's own port.
  etcd: { requests: sel('etcd_request_duration_seconds_count'), errors: sel('etcd_request_errors_total'), bucket: sel('etcd_request_duration_seconds_bucket'), slo: 0.9995 },
  kubelet: { requests: sel('kubelet_runtime_operations_total'), errors: sel('kubelet_runtime_operations_errors_total'), bucket: sel('kubelet_runtime_operations_duration_seconds_bucket'), slo: 0.999 },
  cni: { requests: sel('cilium_agent_api_process_time_seconds_count'), errors: sel('cilium_agent_api_process_time_seconds_count', 'return_code=~"5.."'), bucket: sel('cilium_agent_api_process_time_seconds_bucket'), slo: 0.999 },
  csi: { requests: sel('csi_sidecar_operations_seconds_count'), errors: sel('csi_sidecar_operations_seconds_count', 'grpc_status_code!="OK"'), bucket: sel('csi_sidecar_operations_seconds_bucket'), slo: 0.999 },
  'service-mesh': { requests: sel('istio_requests_total', ISTIO_INGRESS), errors: sel('istio_requests_total', `${ISTIO_INGRESS}, response_code=~"5.."`), bucket: sel('istio_request_duration_milliseconds_bucket', ISTIO_INGRESS), divide: 1000, slo: 0.999 },
  // cert-manager exposes its ACME client latency as a summary, not a histogram.
  'cert-manager': { requests: sel('certmanager_http_acme_client_request_count'), errors: sel('certmanager_http_acme_client_request_count', 'status=~"4..|5.."'), latency: `max ${BY} (${sel('certmanager_http_acme_client_request_duration_seconds', 'quantile="0.99"')})`, slo: 0.99 },
  'cluster-autoscaler': { requests: sel('cluster_autoscaler_function_duration_seconds_count', 'function="main"'), errors: sel('cluster_autoscaler_errors_total'), bucket: sel('cluster_autoscaler_function_duration_seconds_bucket', 'function="main"'), slo: 0.99 },
  'metrics-server': { requests: sel('metrics_server_kubelet_request_total'), errors: sel('metrics_server_kubelet_request_total', 'success="false"'), bucket: sel('metrics_server_kubelet_request_duration_seconds_bucket'), slo: 0.99 },
  workload: { requests: sel('istio_requests_total', ISTIO_APPS), errors: sel('istio_requests_total', `${ISTIO_APPS}, response_code=~"5.."`), bucket: sel('istio_request_duration_milliseconds_bucket', ISTIO_APPS), divide: 1000, slo: 0.999 },
};

export function ruleName(component: string, signal: string): string {
  return `fleetops:${component.replace(/-/g, '_')}:${signal}`;
}

function redSignals(component: string, f: RedFamily): Definition[] {
  const rate = (s: string): string => `sum ${BY} (rate(${s}${W}))`;
  const total = rate(f.total ?? f.requests);
  // `or … * 0`: no error series at all means 0 errors, not "no data".
  const errorRatio = `(${rate(f.errors)} or ${total} * 0) / ${total}`;
  const p99 = f.latency ?? `histogram_quantile(0.99, sum by ({{clusterLabel}}, le) (rate(${f.bucket}${W})))${f.divide ? ` / ${f.divide}` : ''}`;
  const def = (id: string, promql: string, rest: Pick<Definition, 'unit' | 'badDirection' | 'slo'>): Definition => ({ id, component, promql, recordingRule: ruleName(component, id), ...rest });
  return [
    def('availability', `1 - ${errorRatio}`, { unit: 'ratio', badDirection: 'down', slo: f.slo }),
    def('error_ratio', errorRatio, { unit: 'ratio', badDirection: 'up', slo: Number((1 - f.slo).toPrecision(6)) }),
    def('latency_p99', p99, { unit: 'seconds', badDirection: 'up' }),
    def('request_rate', rate(f.requests), { unit: 'per_second', badDirection: 'down' }),
  ];
}

const M = '{{componentMatcher}}';
/** The node's NICs by whatever name (eth0, ens5, eno1), not its virtual devices (veths, bridges, tunnels). */
const NIC = nicMatcher('device');
const ratio = (num: string, den: string): string => `sum ${BY} (${num}) / sum ${BY} (${den})`;
const sat = (id: string, promql: string, slo: number): Definition => ({ id, component: '*', unit: 'ratio', badDirection: 'up', slo, promql, recordingRule: 'fleetops' });

/**
 * kube-state-metrics run as two replicas (or both pods of a rolling update) exports each object
 * twice, differing in `instance`: one series per container or pod before summing or counting.
 */
const perContainer = (expr: string): string => `max by ({{clusterLabel}}, namespace, pod, container) (${expr})`;
const perPod = (expr: string): string => `group by ({{clusterLabel}}, namespace, pod) (${expr})`;

/**
 * Saturation of a component's pods against their limits (cAdvisor ÷ kube-state-metrics); network:
 * mean transmit rate per pod ÷ NIC speed, counting NICs only (a host-network pod shows the node's
 * veths and bridges too, each packet again). `container!=""` skips cAdvisor's pod-level cgroup.
 */
const SATURATION: Definition[] = [
  sat('cpu_saturation', ratio(`rate(container_cpu_usage_seconds_total{${C}, ${M}, container!=""}${W})`, perContainer(`kube_pod_container_resource_limits{${C}, ${M}, resource="cpu"}`)), 0.8),
  sat('memory_saturation', ratio(`container_memory_working_set_bytes{${C}, ${M}, container!=""}`, perContainer(`kube_pod_container_resource_limits{${C}, ${M}, resource="memory"}`)), 0.85),
  sat('network_saturation', `sum ${BY} (rate(container_network_transmit_bytes_total{${C}, ${M}, ${nicMatcher('interface')}}${W})) / (count ${BY} (${perPod(`kube_pod_info{${C}, ${M}}`)}) * max ${BY} (node_network_speed_bytes{${C}, ${NIC}}))`, 0.7),
];

/** The kubelet is a host process: its own process metrics against a nominal 0.5 core and 1 GiB per node. */
const KUBELET_SATURATION: Definition[] = [
  { id: 'cpu_saturation', component: 'kubelet', unit: 'ratio', badDirection: 'up', slo: 0.8, recordingRule: ruleName('kubelet', 'cpu_saturation'), promql: `sum ${BY} (rate(process_cpu_seconds_total{${C}, job="kubelet"}${W})) / (0.5 * count ${BY} (process_resident_memory_bytes{${C}, job="kubelet"}))` },
  { id: 'memory_saturation', component: 'kubelet', unit: 'ratio', badDirection: 'up', slo: 0.85, recordingRule: ruleName('kubelet', 'memory_saturation'), promql: `sum ${BY} (process_resident_memory_bytes{${C}, job="kubelet"}) / (1073741824 * count ${BY} (process_resident_memory_bytes{${C}, job="kubelet"}))` },
];

/** node-exporter labels nodes by `instance`; copy it to `node` like kube-state-metrics names it. */
const byNode = (expr: string): string => `label_replace(max by ({{clusterLabel}}, instance) (${expr}), "node", "$1", "instance", "(.*)")`;
const perStep = (expr: string): string => `${expr} * {{stepSeconds}}`;
/**
 * A scrape that does not honour the exporter's labels (cert-manager's chart: `honorLabels: false`)
 * renames the object's `namespace` to `exported_namespace` and sets `namespace` to the exporter's own.
 */
const ownNamespace = (expr: string): string => `label_replace(${expr}, "namespace", "$1", "exported_namespace", "(.+)")`;

const perDevice = 'by ({{clusterLabel}}, instance, device)';
const nicRate = (direction: 'transmit' | 'receive') => `label_replace(rate(node_network_${direction}_bytes_total{${C}, ${NIC}}${W}), "direction", "${direction}", "", "")`;
/**
 * A NIC's busier direction (full duplex: each has the link's speed) over its speed. A speed node-exporter
 * cannot read is absent or -1 (virtual NICs such as ENA, gVNIC, virtio): that NIC is left out, not
 * measured against a guess or read as a negative ratio.
 */
const NIC_SATURATION = `max ${perDevice} (${nicRate('transmit')} or ${nicRate('receive')}) / on ({{clusterLabel}}, instance, device) max ${perDevice} (node_network_speed_bytes{${C}, ${NIC}} > 0)`;
/**
 * Every disk of the node, the fullest counting (the root is / on most images, but kubelet and
 * containerd data sit on /local on Bottlerocket and /mnt/stateful_partition on COS, or on their own
 * mounts): not memory-backed, overlay or image filesystems, boot partitions or per-pod volumes.
 */
const DISKS = 'fstype!~"tmpfs|ramfs|overlay|squashfs|iso9660|nsfs|autofs|fuse[.].*", mountpoint!~"/boot(/.*)?|/run(/.*)?|/snap/.*|/var/lib/kubelet/pods/.*"';

/** Drill-down series used by RCA evidence collectors, per node / pod / certificate. */
const DRILLDOWN: Definition[] = [
  { id: 'node_network_saturation', component: 'node', labels: ['node'], kind: 'drilldown', unit: 'ratio', badDirection: 'up', promql: byNode(NIC_SATURATION) },
  { id: 'node_disk_usage', component: 'node', labels: ['node'], kind: 'drilldown', unit: 'ratio', badDirection: 'up', promql: byNode(`1 - node_filesystem_avail_bytes{${C}, ${DISKS}} / (node_filesystem_size_bytes{${C}, ${DISKS}} > 0)`) },
  { id: 'node_memory_pressure', component: 'node', labels: ['node'], kind: 'drilldown', unit: 'ratio', badDirection: 'up', promql: byNode(`1 - node_memory_MemAvailable_bytes{${C}} / node_memory_MemTotal_bytes{${C}}`) },
  { id: 'node_ready', component: 'node', labels: ['node'], kind: 'drilldown', unit: 'ratio', badDirection: 'down', promql: `max by ({{clusterLabel}}, node) (kube_node_status_condition{${C}, condition="Ready", status="true"})` },
  { id: 'pod_restarts', component: '*', labels: ['namespace', 'pod'], kind: 'drilldown', unit: 'count', badDirection: 'up', promql: perStep(`sum by ({{clusterLabel}}, namespace, pod) (${perContainer(`rate(kube_pod_container_status_restarts_total{${C}, ${M}}${W})`)})`) },
  { id: 'oom_kills', component: '*', labels: ['namespace', 'pod'], kind: 'drilldown', unit: 'count', badDirection: 'up', promql: perStep(`sum by ({{clusterLabel}}, namespace, pod) (rate(container_oom_events_total{${C}, ${M}}${W}))`) },
  { id: 'dns_timeouts', component: 'coredns', labels: ['namespace', 'pod'], kind: 'drilldown', unit: 'count', badDirection: 'up', promql: perStep(`sum by ({{clusterLabel}}, namespace, pod) (rate(coredns_dns_responses_total{${C}, namespace="kube-system", pod=~"coredns-.*", rcode="SERVFAIL"}${W}))`) },
  { id: 'cert_expiry_seconds', component: 'cert-manager', labels: ['namespace', 'certificate'], kind: 'drilldown', unit: 'seconds', badDirection: 'down', promql: `label_replace(min by ({{clusterLabel}}, namespace, name) (${ownNamespace(`certmanager_certificate_expiration_timestamp_seconds{${C}}`)}) - time(), "certificate", "$1", "name", "(.*)")` },
];

/** Every built-in definition (before expansion of `component: '*'`). */
export function defaultSignalDefinitions(): SignalDefinition[] {
  const red = Object.entries(RED_FAMILIES).flatMap(([c, f]) => redSignals(c, f));
  return [...red, ...SATURATION, ...KUBELET_SATURATION, ...DRILLDOWN].map((d) => ({ labels: [], kind: 'golden', ...d }));
}
