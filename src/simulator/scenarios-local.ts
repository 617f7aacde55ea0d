/** Single-cluster incidents: node disk pressure, a noisy neighbour starving CoreDNS, cert expiry, OOM after config. */
import { podName } from './inventory.js';
import { hashKeys } from './random.js';
import { HOUR, MIN, alert, change, effect, event, logs, pickClusters, podIp, symptom, type BuildContext } from './scenario-context.js';
import type { ScenarioInstance, ScenarioSpec, Symptom } from './scenario-types.js';

function oneCluster(ctx: BuildContext, spec: ScenarioSpec): string {
  const id = spec.clusters?.[0] ?? pickClusters(ctx, 1, (c) => c.environment === 'prod')[0].id;
  ctx.used.add(id);
  return id;
}

export function buildDiskPressure(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number): ScenarioInstance {
  const cluster = oneCluster(ctx, spec);
  const topo = ctx.topology(cluster);
  const node = topo.nodes.find((n) => n.pool !== 'system')!.name;
  const victims = topo.pods.filter((p) => p.node === node && p.component === 'workload');
  const kubelet = { cluster, namespace: 'kube-system', pod: `kubelet-${node}`, node, component: 'kubelet' };
  // The disk fills over the hour before the onset, then the kubelet starts evicting.
  effect(ctx, cluster, node, 'node_disk_usage', startMs - HOUR, endMs, 'set', 0.93, HOUR);
  effect(ctx, cluster, 'workload', 'error_ratio', startMs, endMs, 'add', 0.004 * mag);
  effect(ctx, cluster, 'workload', 'latency_p99', startMs, endMs, 'mul', 1 + 0.3 * mag);
  effect(ctx, cluster, 'kubelet', 'error_ratio', startMs, endMs, 'add', 0.003 * mag);
  const symptoms: Symptom[] = [];
  symptom(symptoms, cluster, 'workload', 'availability', 'down');
  symptom(symptoms, cluster, 'workload', 'error_ratio', 'up');
  symptom(symptoms, cluster, 'kubelet', 'error_ratio', 'up');
  symptom(symptoms, cluster, 'node', 'node_disk_usage', 'up');
  event(ctx, { tsMs: startMs, cluster, namespace: 'default', involvedKind: 'Node', involvedName: node, node, reason: 'NodeHasDiskPressure', type: 'Normal', message: `Node ${node} status is now: NodeHasDiskPressure` });
  event(ctx, { tsMs: startMs + MIN, cluster, namespace: 'default', involvedKind: 'Node', involvedName: node, node, reason: 'EvictionThresholdMet', type: 'Warning', message: 'Attempting to reclaim ephemeral-storage', count: 6 });
  event(ctx, { tsMs: startMs + 2 * MIN, cluster, namespace: 'default', involvedKind: 'Node', involvedName: node, node, reason: 'FreeDiskSpaceFailed', type: 'Warning', message: 'Failed to garbage collect required amount of images. Attempted to free 8589934592 bytes, but only found 1073741824 bytes eligible to free.', count: 3 });
  victims.forEach((p, i) => event(ctx, { tsMs: startMs + (3 + i) * MIN, cluster, namespace: p.namespace, involvedKind: 'Pod', involvedName: p.name, node, reason: 'Evicted', type: 'Warning', message: 'The node was low on resource: ephemeral-storage. Threshold quantity: 10%, available: 4123456Ki. Container app was using 9876543Ki, request is 0, has larger consumption of ephemeral-storage.' }));
  logs(ctx, { ...kubelet, level: 'warn' }, startMs - 10 * MIN, endMs, 5 * MIN, () => 'eviction_manager.go:366] "Eviction manager: attempting to reclaim" resourceName="ephemeral-storage"');
  logs(ctx, { ...kubelet, level: 'error' }, startMs, endMs, 10 * MIN, () => 'image_gc_manager.go:391] "Disk usage on image filesystem is over the high threshold, trying to free bytes down to the low threshold" usage=93 highThreshold=85');
  alert(ctx, 'NodeFilesystemAlmostFull', cluster, 'warning', { instance: node, mountpoint: '/', device: '/dev/nvme0n1p1', fstype: 'xfs' }, startMs - 15 * MIN, endMs, 5 * MIN);
  alert(ctx, 'KubeNodeDiskPressure', cluster, 'warning', { node, condition: 'DiskPressure' }, startMs, endMs, 2 * MIN);
  return {
    id, kind: 'node-disk-pressure', isConfounder: false, startMs, endMs, clusters: [cluster], component: 'workload',
    rootCause: { failureMode: 'node.disk-pressure', component: 'kubelet', cluster, node },
    symptoms, severity: 'warning',
    description: `Node ${node} in ${cluster} ran out of ephemeral storage; the kubelet evicted ${victims.length} workload pods.`,
  };
}

export function buildNoisyNeighbour(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number): ScenarioInstance {
  const cluster = oneCluster(ctx, spec);
  const topo = ctx.topology(cluster);
  const dns = topo.pods.filter((p) => p.component === 'coredns');
  const node = dns[0].node;
  const noisy = { name: podName(cluster, 'batch-export', 0), namespace: 'data', component: 'workload', node };
  ctx.extraPods.set(cluster, [...(ctx.extraPods.get(cluster) ?? []), noisy]);
  effect(ctx, cluster, node, 'node_network_saturation', startMs - 5 * MIN, endMs, 'set', 0.97, 10 * MIN);
  effect(ctx, cluster, 'coredns', 'latency_p99', startMs, endMs, 'mul', 1 + 5 * mag);
  effect(ctx, cluster, 'coredns', 'error_ratio', startMs, endMs, 'add', 0.015 * mag);
  effect(ctx, cluster, 'workload', 'latency_p99', startMs, endMs, 'mul', 1 + 0.8 * mag);
  effect(ctx, cluster, 'workload', 'error_ratio', startMs, endMs, 'add', 0.002 * mag);
  effect(ctx, cluster, 'workload', 'network_saturation', startMs - 5 * MIN, endMs, 'mul', 1.6);
  effect(ctx, cluster, dns[0].name, 'dns_share', startMs, endMs, 'set', 0.92, 5 * MIN);
  for (const other of dns.slice(1)) effect(ctx, cluster, other.name, 'dns_share', startMs, endMs, 'set', 0.08 / (dns.length - 1), 5 * MIN);
  const symptoms: Symptom[] = [];
  for (const [c, s, d] of [['coredns', 'availability', 'down'], ['coredns', 'latency_p99', 'up'], ['coredns', 'error_ratio', 'up'], ['workload', 'latency_p99', 'up'], ['node', 'node_network_saturation', 'up'], ['coredns', 'dns_timeouts', 'up']] as const) symptom(symptoms, cluster, c, s, d);
  const k = hashKeys(id, cluster);
  logs(ctx, { cluster, namespace: dns[0].namespace, pod: dns[0].name, node, component: 'coredns', level: 'error' }, startMs, endMs, MIN, (i) => `[ERROR] plugin/errors: 2 ${['payments-api', 'checkout-api', 'catalog-web'][i % 3]}.apps.svc.cluster.local. A: read udp ${podIp(k)}:${40000 + (i * 37) % 20000}->10.0.0.2:53: i/o timeout`);
  const app = topo.pods.find((p) => p.component === 'workload')!;
  logs(ctx, { cluster, namespace: app.namespace, pod: app.name, node: app.node, component: 'workload', level: 'warn' }, startMs + MIN, endMs, 3 * MIN, () => `dial tcp: lookup payments-api.apps.svc.cluster.local on 172.20.0.10:53: read udp ${podIp(k + 1)}:53124->172.20.0.10:53: i/o timeout`);
  // its own app label, as a log shipper reports it: `workload` is the apps namespace's, not this pod's
  logs(ctx, { cluster, namespace: 'data', pod: noisy.name, node, component: 'batch-export', level: 'info' }, startMs - 5 * MIN, endMs, 15 * MIN, (i) => `export batch ${1000 + i}: uploaded 48.2 GiB to s3://data-lake-exports/daily/ in 612s`);
  event(ctx, { tsMs: startMs - 6 * MIN, cluster, namespace: 'data', involvedKind: 'Pod', involvedName: noisy.name, node, reason: 'Scheduled', type: 'Normal', message: `Successfully assigned data/${noisy.name} to ${node}` });
  event(ctx, { tsMs: startMs + 4 * MIN, cluster, namespace: dns[0].namespace, involvedKind: 'Pod', involvedName: dns[0].name, node, reason: 'Unhealthy', type: 'Warning', message: `Readiness probe failed: Get "http://${podIp(k)}:8181/ready": context deadline exceeded (Client.Timeout exceeded while awaiting headers)`, count: 12 });
  alert(ctx, 'CoreDNSLatencyHigh', cluster, 'warning', { namespace: 'kube-system', job: 'coredns', pod: dns[0].name }, startMs, endMs, 5 * MIN);
  alert(ctx, 'CoreDNSErrorsHigh', cluster, 'critical', { namespace: 'kube-system', job: 'coredns' }, startMs, endMs, 10 * MIN);
  alert(ctx, 'NodeNetworkTransmitSaturated', cluster, 'warning', { instance: node, device: 'eth0' }, startMs, endMs, 10 * MIN);
  return {
    id, kind: 'noisy-neighbour-dns', isConfounder: false, startMs, endMs, clusters: [cluster], component: 'coredns',
    rootCause: { failureMode: 'node.nic-saturation', component: 'workload', cluster, node, pod: noisy.name },
    symptoms, severity: 'critical',
    description: `Batch pod ${noisy.name} saturated the NIC of ${node}, where CoreDNS pod ${dns[0].name} runs: DNS timeouts, slower workloads in ${cluster}.`,
  };
}

export function buildCertExpiry(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number): ScenarioInstance {
  const cluster = oneCluster(ctx, spec);
  const cert = 'ingress-nginx/ingress-wildcard-tls';
  const topo = ctx.topology(cluster);
  const cm = topo.pods.find((p) => p.component === 'cert-manager')!;
  const ingress = topo.pods.filter((p) => p.component === 'ingress-gateway');
  const failingSince = startMs - 48 * HOUR;
  effect(ctx, cluster, cert, 'cert_expiry_seconds', startMs - 30 * 24 * HOUR, endMs, 'expiry', startMs, 0);
  effect(ctx, cluster, 'ingress-gateway', 'error_ratio', startMs, endMs, 'add', Math.min(0.5, 0.2 * mag), 0);
  effect(ctx, cluster, 'cert-manager', 'error_ratio', failingSince, endMs, 'add', 0.0006, 0);
  const symptoms: Symptom[] = [];
  symptom(symptoms, cluster, 'ingress-gateway', 'availability', 'down');
  symptom(symptoms, cluster, 'ingress-gateway', 'error_ratio', 'up');
  symptom(symptoms, cluster, 'cert-manager', 'cert_expiry_seconds', 'down');
  logs(ctx, { cluster, namespace: cm.namespace, pod: cm.name, node: cm.node, component: 'cert-manager', level: 'error' }, failingSince, endMs, HOUR, () => 'E controller.go:167] cert-manager/certificates-issuing "re-queuing item due to error processing" err="failed to renew certificate ingress-nginx/ingress-wildcard-tls: acme: authorization error: 403 urn:ietf:params:acme:error:unauthorized"');
  for (const p of ingress) {
    logs(ctx, { cluster, namespace: p.namespace, pod: p.name, node: p.node, component: 'ingress-gateway', level: 'error' }, startMs, endMs, MIN, () => '[error] upstream SSL certificate verify error: (10:certificate has expired) while SSL handshaking to upstream');
    logs(ctx, { cluster, namespace: p.namespace, pod: p.name, node: p.node, component: 'ingress-gateway', level: 'error' }, startMs + 30_000, endMs, 5 * MIN, () => `x509: certificate has expired or is not yet valid: current time is after ${new Date(startMs).toISOString()}`);
  }
  event(ctx, { tsMs: failingSince + HOUR, cluster, namespace: 'ingress-nginx', involvedKind: 'CertificateRequest', involvedName: 'ingress-wildcard-tls-1', reason: 'Failed', type: 'Warning', message: 'Failed to wait for order resource "ingress-wildcard-tls-1-3341" to become ready: order is in "errored" state', count: 48 });
  event(ctx, { tsMs: startMs, cluster, namespace: 'ingress-nginx', involvedKind: 'Certificate', involvedName: 'ingress-wildcard-tls', reason: 'Expired', type: 'Warning', message: 'Certificate has expired and renewal is failing', count: 1 });
  alert(ctx, 'CertificateExpiringSoon', cluster, 'warning', { namespace: 'ingress-nginx', name: 'ingress-wildcard-tls' }, failingSince, endMs, 0);
  alert(ctx, 'NginxIngress5xxErrorRateHigh', cluster, 'critical', { namespace: 'ingress-nginx', ingress: 'public' }, startMs, endMs, 5 * MIN);
  return {
    id, kind: 'cert-expiry', isConfounder: false, startMs, endMs, clusters: [cluster], component: 'ingress-gateway',
    rootCause: { failureMode: 'cert-manager.certificate-expired', component: 'cert-manager', cluster },
    symptoms, severity: 'critical',
    description: `Certificate ${cert} in ${cluster} expired after 48 h of failed renewals: ingress answers 5xx on TLS to upstreams.`,
  };
}

export function buildOomAfterConfig(ctx: BuildContext, spec: ScenarioSpec, id: string, startMs: number, endMs: number, mag: number): ScenarioInstance {
  const cluster = oneCluster(ctx, spec);
  const topo = ctx.topology(cluster);
  const pods = topo.pods.filter((p) => p.name.startsWith('payments-api-'));
  const ch = change(ctx, { id: `chg-${hashKeys(id, cluster).toString(16)}`, tsMs: startMs - 10 * MIN, cluster, component: 'workload', kind: 'config', author: 'jdoe', status: 'succeeded', description: 'payments-api ConfigMap: JAVA_OPTS -Xmx1536m → -Xmx3072m (container memory limit unchanged at 2Gi)' });
  effect(ctx, cluster, 'workload', 'memory_saturation', startMs - 5 * MIN, endMs, 'set', 0.97, 10 * MIN);
  effect(ctx, cluster, 'workload', 'error_ratio', startMs, endMs, 'add', 0.012 * mag);
  effect(ctx, cluster, 'workload', 'latency_p99', startMs, endMs, 'mul', 1 + 0.5 * mag);
  for (const p of pods) {
    effect(ctx, cluster, p.name, 'pod_restarts', startMs, endMs, 'add', 1, 0);
    effect(ctx, cluster, p.name, 'oom_kills', startMs, endMs, 'add', 1, 0);
    const base = { cluster, namespace: p.namespace, node: p.node };
    event(ctx, { ...base, tsMs: startMs + MIN, involvedKind: 'Node', involvedName: p.node, reason: 'OOMKilling', type: 'Warning', message: `Memory cgroup out of memory: Killed process ${1000 + (hashKeys(p.name) % 9000)} (java) total-vm:4123456kB, anon-rss:2097152kB`, count: Math.round((endMs - startMs) / (5 * MIN)) });
    event(ctx, { ...base, tsMs: startMs + 3 * MIN, involvedKind: 'Pod', involvedName: p.name, reason: 'BackOff', type: 'Warning', message: `Back-off restarting failed container payments-api in pod ${p.name}_apps`, count: Math.round((endMs - startMs) / (2 * MIN)) });
    logs(ctx, { ...base, pod: p.name, component: 'workload', level: 'warn' }, startMs - 4 * MIN, endMs, 5 * MIN, () => 'GC overhead: heap usage 97% of -Xmx3072m after full GC');
  }
  alert(ctx, 'KubeContainerOOMKilled', cluster, 'warning', { namespace: 'apps', container: 'payments-api' }, startMs, endMs, 0);
  alert(ctx, 'KubePodCrashLooping', cluster, 'warning', { namespace: 'apps', pod: pods[0]?.name ?? 'payments-api', container: 'payments-api' }, startMs, endMs, 15 * MIN);
  alert(ctx, 'KubeDeploymentReplicasMismatch', cluster, 'warning', { namespace: 'apps', deployment: 'payments-api' }, startMs, endMs, 15 * MIN);
  const symptoms: Symptom[] = [];
  for (const [c, s, d] of [['workload', 'availability', 'down'], ['workload', 'error_ratio', 'up'], ['workload', 'memory_saturation', 'up'], ['workload', 'pod_restarts', 'up'], ['workload', 'oom_kills', 'up']] as const) symptom(symptoms, cluster, c, s, d);
  return {
    id, kind: 'oom-after-config', isConfounder: false, startMs, endMs, clusters: [cluster], component: 'workload',
    rootCause: { failureMode: 'workload.oom-after-config', component: 'workload', cluster, changeId: ch.id },
    symptoms, severity: 'critical',
    description: `payments-api in ${cluster} OOM-killed in a loop after a config change raised the JVM heap above the memory limit.`,
  };
}

