/** Background noise in every source: routine deploys, flapping alerts, everyday events and logs. */
import type { KubeEvent } from '../adapters/events/types.js';
import type { LogLine } from '../adapters/logs/types.js';
import { COMPONENTS, type ComponentId, type Topology } from '../fleet/types.js';
import { COMPONENT_PROFILES } from './catalog.js';
import { createRng, hashKeys } from './random.js';
import { HOUR, MIN, alert, change, type BuildContext } from './scenario-context.js';

const FLAPPING: { alertname: string; severity: string; labels: Record<string, string> }[] = [
  { alertname: 'KubeJobFailed', severity: 'warning', labels: { namespace: 'batch', job_name: 'nightly-report' } },
  { alertname: 'CPUThrottlingHigh', severity: 'info', labels: { namespace: 'apps', container: 'catalog-web' } },
  { alertname: 'KubeHpaMaxedOut', severity: 'warning', labels: { namespace: 'apps', horizontalpodautoscaler: 'checkout-api' } },
  { alertname: 'KubePodNotReady', severity: 'warning', labels: { namespace: 'apps', pod: 'catalog-web' } },
  { alertname: 'NodeClockNotSynchronising', severity: 'warning', labels: { instance: 'node' } },
];

/** Routine deploys (ending at each cluster's current version) and flapping alerts. */
export function addBackground(ctx: BuildContext): void {
  const { startMs, endMs } = ctx.rangeMs;
  const touched = new Set(ctx.traces.changes.map((c) => `${c.cluster}/${c.component}`));
  for (const c of ctx.clusters) {
    const rng = createRng(hashKeys(ctx.seed, c.id, 'background'));
    if (rng.next() < 0.5) {
      const component = rng.pick(COMPONENTS.filter((x) => x !== 'workload' && x !== 'kubelet')) as ComponentId;
      const prof = COMPONENT_PROFILES[component];
      const to = c.versions[component]!;
      const older = prof.versions.slice(prof.versions.indexOf(to) + 1);
      if (!touched.has(`${c.id}/${component}`) && older.length > 0) {
        const ts = alignMinute(startMs + rng.next() * (endMs - startMs));
        change(ctx, { id: `chg-${hashKeys(c.id, component, ts).toString(16)}`, tsMs: ts, cluster: c.id, component, kind: 'deploy', fromVersion: older[0], toVersion: to, author: 'argocd', status: 'succeeded', description: `Sync ${prof.workloadName}: image ${prof.image}:${older[0]} → ${to}` });
      }
    }
    const days = (endMs - startMs) / (24 * HOUR);
    for (let d = 0; d < days; d++) {
      if (rng.next() >= 0.15) continue;
      const ts = alignMinute(startMs + (d + rng.next()) * 24 * HOUR);
      const app = rng.pick(['checkout-api', 'payments-api', 'catalog-web']);
      change(ctx, { id: `chg-${hashKeys(c.id, app, ts).toString(16)}`, tsMs: ts, cluster: c.id, component: 'workload', kind: 'deploy', fromVersion: `${app}:build-${1000 + d}`, toVersion: `${app}:build-${1001 + d}`, author: 'ci-bot', status: rng.next() < 0.05 ? 'failed' : 'succeeded', description: `Release ${app} build-${1001 + d}` });
    }
    if (rng.next() < 0.08) {
      const f = rng.pick(FLAPPING);
      const episodes = rng.int(3, 12);
      for (let i = 0; i < episodes; i++) {
        const s = startMs + rng.next() * (endMs - startMs);
        alert(ctx, f.alertname, c.id, f.severity, { ...f.labels }, s, s + rng.int(1, 5) * 5 * MIN, 0);
      }
    }
  }
  ctx.traces.changes.sort((a, b) => a.tsMs - b.tsMs);
  ctx.traces.alerts.sort((a, b) => a.startMs - b.startMs);
}

const alignMinute = (ms: number): number => Math.floor(ms / MIN) * MIN;

/** Everyday events of one cluster-hour: scheduling and image pulls, the odd probe failure. */
export function backgroundEvents(seed: number, topo: Topology, hourMs: number): KubeEvent[] {
  const rng = createRng(hashKeys(seed, topo.cluster, 'events', hourMs / HOUR));
  const out: KubeEvent[] = [];
  const pods = topo.pods.filter((p) => p.component === 'workload');
  const count = rng.int(0, 2);
  for (let i = 0; i < count; i++) {
    const p = rng.pick(pods);
    const tsMs = hourMs + Math.floor(rng.next() * HOUR);
    const r = rng.next();
    const base = { tsMs, cluster: topo.cluster, namespace: p.namespace, involvedKind: 'Pod', involvedName: p.name, node: p.node, count: 1 };
    if (r < 0.05) out.push({ ...base, reason: 'Unhealthy', type: 'Warning', message: 'Liveness probe failed: Get "http://10.1.2.3:8080/healthz": context deadline exceeded' });
    else if (r < 0.08) out.push({ ...base, reason: 'BackOff', type: 'Warning', message: `Back-off pulling image "registry.example.com/apps/${p.name.split('-')[0]}:latest"` });
    else out.push({ ...base, reason: rng.pick(['Scheduled', 'Pulled', 'Created', 'Started']), type: 'Normal', message: `Container image "registry.example.com/apps/${p.name.split('-')[0]}" already present on machine` });
  }
  return out;
}

const INFO_LINES: Record<string, string[]> = {
  coredns: ['[INFO] Reloading complete', '[INFO] plugin/reload: Running configuration SHA512 = 3f1e…'],
  'ingress-gateway': ['Reloading NGINX configuration', 'Backend successfully reloaded'],
  apiserver: ['"Update" verb="PUT" URI="/apis/coordination.k8s.io/v1/namespaces/kube-node-lease/leases" latency="2.1ms"'],
  'cert-manager': ['"certificate does not need re-issuance" key="ingress-nginx/ingress-wildcard-tls"'],
  workload: ['GET /healthz 200 1ms', 'request completed status=200 duration_ms=42'],
};

/** Everyday log lines of one cluster-hour (two info lines, occasionally a warning). */
export function backgroundLogs(seed: number, topo: Topology, hourMs: number): LogLine[] {
  const rng = createRng(hashKeys(seed, topo.cluster, 'logs', hourMs / HOUR));
  const out: LogLine[] = [];
  for (let i = 0; i < 2; i++) {
    const component = rng.pick(Object.keys(INFO_LINES));
    const pod = topo.pods.find((p) => p.component === component) ?? topo.pods[0];
    const warn = rng.next() < 0.05;
    out.push({ tsMs: hourMs + Math.floor(rng.next() * HOUR), cluster: topo.cluster, namespace: pod.namespace, pod: pod.name, node: pod.node, component, level: warn ? 'warn' : 'info', message: warn ? 'slow request: took 1.2s' : rng.pick(INFO_LINES[component]) });
  }
  return out;
}
