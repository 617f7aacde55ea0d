/**
 * Drill-down series of one entity: node signals (entity = node name), pod signals (entity = pod
 * name) and certificate expiry (entity = `<namespace>/<certificate>`). Lazy like golden series.
 */
import type { Topology } from '../fleet/types.js';
import { COMPONENT_PROFILES } from './catalog.js';
import { applyEffects, effectKey } from './effects.js';
import { GAUSS, GAUSS_BITS, hashKeys, mix32 } from './random.js';
import { seasonTable } from './season.js';
import { grid } from '../fleet/grid.js';
import { CLUSTER_SCOPE, goldenInto, type SeriesContext } from './series.js';
import { regionOf } from './inventory.js';

export const NODE_SIGNALS = ['node_network_saturation', 'node_disk_usage', 'node_memory_pressure', 'node_ready'] as const;
export const POD_SIGNALS = ['pod_restarts', 'oom_kills', 'dns_timeouts'] as const;
export const CERT_SIGNALS = ['cert_expiry_seconds'] as const;
export type NodeSignal = (typeof NODE_SIGNALS)[number];
export type EntitySignal = NodeSignal | (typeof POD_SIGNALS)[number] | (typeof CERT_SIGNALS)[number];
export const ENTITY_SIGNALS: readonly EntitySignal[] = [...NODE_SIGNALS, ...POD_SIGNALS, ...CERT_SIGNALS];

/** Certificates managed by cert-manager in every cluster: `<namespace>/<name>`. */
export const CERTIFICATES = ['ingress-nginx/ingress-wildcard-tls', 'istio-system/istio-gateway-tls'] as const;

export interface EntityRef {
  entity: string;
  component: string;
  labels: Record<string, string>;
}

/** The entities that carry `signal` in a cluster, optionally restricted to one component. */
export function entitiesOf(topology: Topology, signal: EntitySignal, component?: string): EntityRef[] {
  if ((NODE_SIGNALS as readonly string[]).includes(signal)) {
    return component ? [] : topology.nodes.map((n) => ({ entity: n.name, component: 'node', labels: { node: n.name } }));
  }
  if (signal === 'cert_expiry_seconds') {
    if (component && component !== 'cert-manager' && component !== 'ingress-gateway') return [];
    return CERTIFICATES.map((c) => ({ entity: c, component: 'cert-manager', labels: { namespace: c.split('/')[0], certificate: c.split('/')[1] } }));
  }
  const want = signal === 'dns_timeouts' ? 'coredns' : component;
  if (signal === 'dns_timeouts' && component && component !== 'coredns') return [];
  return topology.pods
    .filter((p) => p.component !== 'kubelet' && (!want || p.component === want))
    .map((p) => ({ entity: p.name, component: String(p.component), labels: { namespace: p.namespace, pod: p.name, node: p.node } }));
}

const DAY_MS = 86_400_000;

/** Write one entity series into out and return the point count. */
export function entityInto(ctx: SeriesContext, out: Float64Array, clusterId: string, entity: string, signal: EntitySignal, startMs: number, endMs: number): number {
  const cluster = ctx.clusterById.get(clusterId);
  if (!cluster) throw new Error(`unknown simulated cluster ${clusterId}`);
  const { firstMs, n } = grid(startMs, endMs, ctx.stepMs);
  const key = hashKeys(ctx.seed, clusterId, entity, signal);
  const u = (k: number): number => mix32(key + k) / 4294967296;
  const g = (k: number): number => GAUSS[mix32(key ^ Math.imul(k, 0x9e3779b1)) >>> (32 - GAUSS_BITS)];
  const k0 = Math.round(firstMs / ctx.stepMs);
  const table = seasonTable(ctx.stepMs / 1000);
  const shift = regionOf(cluster.region).utcOffsetHours * Math.round(3_600_000 / ctx.stepMs);
  const load = (k: number): number => table[(((k + shift) % table.length) + table.length) % table.length];
  const stepSeconds = ctx.stepMs / 1000;
  switch (signal) {
    case 'node_network_saturation': {
      const level = 0.08 + 0.22 * u(1);
      for (let i = 0; i < n; i++) out[i] = level * (1 + 0.6 * (load(k0 + i) - 1)) + 0.01 * g(k0 + i);
      break;
    }
    case 'node_disk_usage': {
      const level = 0.3 + 0.3 * u(1);
      const periodSteps = (2 * DAY_MS) / ctx.stepMs;
      const phase = Math.floor(u(2) * periodSteps);
      for (let i = 0; i < n; i++) out[i] = level + 0.06 * (((k0 + i + phase) % periodSteps) / periodSteps) + 0.002 * g(k0 + i);
      break;
    }
    case 'node_memory_pressure': {
      const level = 0.35 + 0.25 * u(1);
      for (let i = 0; i < n; i++) out[i] = level * (1 + 0.15 * (load(k0 + i) - 1)) + 0.01 * g(k0 + i);
      break;
    }
    case 'node_ready': out.fill(1, 0, n); break;
    case 'pod_restarts':
      for (let i = 0; i < n; i++) out[i] = mix32(key ^ Math.imul(k0 + i, 0x85ebca6b)) < 4294967296 * 0.0002 ? 1 : 0;
      break;
    case 'oom_kills': out.fill(0, 0, n); break;
    case 'dns_timeouts': dnsTimeouts(ctx, out, n, firstMs, clusterId, entity, stepSeconds); break;
    case 'cert_expiry_seconds': {
      const cycle = 60 * DAY_MS;
      const phase = Math.floor(u(1) * cycle);
      for (let i = 0; i < n; i++) {
        const t = firstMs + i * ctx.stepMs;
        const issued = Math.floor((t - phase) / cycle) * cycle + phase;
        out[i] = (issued + 90 * DAY_MS - t) / 1000;
      }
      break;
    }
    default: throw new Error(`unknown drill-down signal ${String(signal)}`);
  }
  const effects = ctx.effects.get(effectKey(clusterId, entity));
  applyEffects(out, n, firstMs, ctx.stepMs, signal, effects);
  if (signal !== 'cert_expiry_seconds' && signal !== 'dns_timeouts') {
    const hi = signal.startsWith('node_') ? 1 : Infinity;
    for (let i = 0; i < n; i++) out[i] = Math.min(hi, Math.max(0, signal === 'pod_restarts' || signal === 'oom_kills' ? Math.round(out[i]) : out[i]));
  }
  applyEffects(out, n, firstMs, ctx.stepMs, '!nan', ctx.effects.get(effectKey(clusterId, CLUSTER_SCOPE)));
  return n;
}

/**
 * SERVFAIL answers (timeouts upstream) per step of one CoreDNS pod: the component's failed queries
 * split by the pod's share (1/replicas unless a scenario's `dns_share` effect skews it).
 */
function dnsTimeouts(ctx: SeriesContext, out: Float64Array, n: number, firstMs: number, clusterId: string, pod: string, stepSeconds: number): void {
  const rr = new Float64Array(n);
  goldenInto(ctx, rr, clusterId, 'coredns', 'request_rate', firstMs, firstMs + n * ctx.stepMs);
  goldenInto(ctx, out, clusterId, 'coredns', 'error_ratio', firstMs, firstMs + n * ctx.stepMs);
  const share = podShare(ctx, clusterId, pod, firstMs, n);
  for (let i = 0; i < n; i++) out[i] = rr[i] * out[i] * stepSeconds * share[i];
}

/** Share of a CoreDNS pod in its component's failed queries at each step. */
export function podShare(ctx: SeriesContext, clusterId: string, pod: string, firstMs: number, n: number): Float64Array {
  const share = new Float64Array(n).fill(1 / COMPONENT_PROFILES.coredns.replicas);
  applyEffects(share, n, firstMs, ctx.stepMs, 'dns_share', ctx.effects.get(effectKey(clusterId, pod)));
  return share;
}
