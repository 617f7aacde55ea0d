import type { MetricsSource } from '../../adapters/metrics/types.js';
import type { Series, Topology } from '../../fleet/types.js';
import type { IncidentGroup } from '../../correlate/incident-group.js';
import { fmt, type EvidenceDraft } from './evidence-row.js';
import type { EvidencePlan } from './evidence-plan.js';
import { compareText } from '../../core/compare-text.js';

const STEP_SECONDS = 300;
const UP_NODE_SIGNALS = ['node_network_saturation', 'node_disk_usage', 'node_memory_pressure'] as const;
const POD_SIGNALS = ['dns_timeouts', 'pod_restarts', 'oom_kills'] as const;
const GOLDEN = ['error_ratio', 'latency_p99', 'request_rate'] as const;

export interface MetricShift {
  fact: 'metric-shift';
  signal: string;
  cluster: string;
  component: string;
  node?: string;
  pod?: string;
  entity?: string;
  before: number;
  during: number;
  peak: number;
  /** Aligned 5-minute values from before.startMs to during.endMs (for the metric ranking). */
  series: number[];
  seriesStartMs: number;
  stepMs: number;
}

interface Stats { before: number; during: number; peak: number; low: number; seen: number }

function stats(s: Series, plan: EvidencePlan, sum: boolean): Stats {
  let b = 0, nb = 0, d = 0, nd = 0, peak = -Infinity, low = Infinity;
  s.values.forEach((v, i) => {
    const t = s.startMs + i * s.stepMs;
    if (Number.isNaN(v)) return;
    if (t >= plan.before.startMs && t < plan.before.endMs) { b += v; nb++; }
    // The peak looks from an hour before onset: some causes (a filling disk) peak just before the symptom.
    if (t >= plan.before.endMs && t <= plan.during.endMs) peak = Math.max(peak, v);
    if (t >= plan.during.startMs && t <= plan.during.endMs) { d += v; nd++; low = Math.min(low, v); }
  });
  return { before: nb ? (sum ? b : b / nb) : NaN, during: nd ? (sum ? d : d / nd) : NaN, peak, low, seen: nd };
}

function shift(s: Series, plan: EvidencePlan, st: Stats, extra: Partial<MetricShift>): MetricShift {
  return {
    fact: 'metric-shift', signal: s.signal, cluster: s.cluster, component: s.component, ...extra,
    before: round(st.before), during: round(st.during), peak: round(st.peak),
    series: [...s.values].map(round), seriesStartMs: s.startMs, stepMs: s.stepMs,
  };
}

async function fetch(metrics: MetricsSource, signal: string, clusters: string[], plan: EvidencePlan, abortSignal?: AbortSignal, component?: string): Promise<{ series: Series[]; query: string }> {
  const ans = await metrics.query({ signal, clusters, component, startMs: plan.before.startMs, endMs: plan.during.endMs + 1, stepSeconds: STEP_SECONDS, abortSignal });
  return { series: ans.series, query: `${signal}${component ? `{component="${component}"}` : ''} for ${clusters.join(', ')} step ${STEP_SECONDS}s` };
}

const range = (p: EvidencePlan) => ({ startMs: p.before.startMs, endMs: p.during.endMs });

/** Node drill-down: per cluster, the three nodes whose signal rose most (and any NotReady node). */
export async function nodeMetricEvidence(metrics: MetricsSource, plan: EvidencePlan, abortSignal?: AbortSignal): Promise<EvidenceDraft[]> {
  const out: EvidenceDraft[] = [];
  for (const signal of [...UP_NODE_SIGNALS, 'node_ready']) {
    const { series, query } = await fetch(metrics, signal, plan.sampled, plan, abortSignal);
    for (const cluster of plan.sampled) {
      const rows = series.filter((s) => s.cluster === cluster).map((s) => ({ s, st: stats(s, plan, false) }))
        .map((r) => ({ ...r, rise: signal === 'node_ready' ? r.st.before - r.st.low : r.st.peak - r.st.before }))
        .filter((r) => Number.isFinite(r.rise)).sort((a, b) => b.rise - a.rise || compareText(a.s.labels!.node, b.s.labels!.node));
      for (const { s, st } of (signal === 'node_ready' ? rows.filter((r) => r.rise > 0.5) : rows.slice(0, 3))) {
        const node = s.labels?.node ?? '?';
        out.push({ source: 'metrics', query, ...range(plan), excerpt: `${signal} on node ${node} (${cluster}): ${fmt(st.before)} before → ${fmt(st.during)} during (peak ${fmt(st.peak)} from 1 h before onset, low ${fmt(st.low)})`, data: { ...shift(s, plan, st, { node }) } });
      }
    }
  }
  return out;
}

/**
 * Pod drill-down: DNS timeouts per CoreDNS pod, restarts and OOM kills per pod. Prometheus's pod
 * series are summed by namespace and pod (cAdvisor and kube-state-metrics name no node), so a pod's
 * node is read from the cluster's topology (`topologyOf`) when its series has none.
 */
export async function podMetricEvidence(metrics: MetricsSource, plan: EvidencePlan, abortSignal?: AbortSignal, topologyOf?: (cluster: string) => Promise<Topology>): Promise<EvidenceDraft[]> {
  const out: EvidenceDraft[] = [];
  const nodeOf = podNodes(topologyOf, abortSignal);
  for (const signal of POD_SIGNALS) {
    const { series, query } = await fetch(metrics, signal, plan.sampled, plan, abortSignal);
    for (const cluster of plan.sampled) {
      const rows = series.filter((s) => s.cluster === cluster).map((s) => ({ s, st: stats(s, plan, signal !== 'dns_timeouts') }))
        .filter((r) => signal === 'dns_timeouts' || r.st.during > 0)
        .sort((a, b) => (b.st.during - b.st.before) - (a.st.during - a.st.before) || compareText(a.s.labels!.pod, b.s.labels!.pod)).slice(0, 3);
      for (const { s, st } of rows) {
        const pod = s.labels?.pod ?? '?';
        const node = s.labels?.node || (await nodeOf(cluster, s.labels?.namespace ?? '', pod));
        const how = signal === 'dns_timeouts' ? 'mean per 5 min' : 'total';
        out.push({ source: 'metrics', query, ...range(plan), excerpt: `${signal} of pod ${pod} on ${node ?? 'an unknown node'} (${cluster}): ${fmt(st.before)} before → ${fmt(st.during)} during (${how})`, data: { ...shift(s, plan, st, { pod, node }) } });
      }
    }
  }
  return out.concat(await certEvidence(metrics, plan, abortSignal));
}

/** Pod → node from the topology, read once per cluster; undefined when the topology is not known or cannot be read. */
function podNodes(topologyOf: ((cluster: string) => Promise<Topology>) | undefined, abortSignal?: AbortSignal): (cluster: string, namespace: string, pod: string) => Promise<string | undefined> {
  const byCluster = new Map<string, Promise<Map<string, string>>>();
  const read = async (cluster: string): Promise<Map<string, string>> => {
    try {
      const t = await topologyOf!(cluster);
      return new Map(t.pods.filter((p) => p.node).map((p) => [`${p.namespace}/${p.name}`, p.node]));
    } catch {
      // the topology part reports its own failure; the pods keep their series without a node
      abortSignal?.throwIfAborted();
      return new Map();
    }
  };
  return async (cluster, namespace, pod) => {
    if (!topologyOf) return undefined;
    let nodes = byCluster.get(cluster);
    if (!nodes) byCluster.set(cluster, nodes = read(cluster));
    const map = await nodes;
    // a series without a namespace label: the pod name alone, when only one pod has it
    if (namespace) return map.get(`${namespace}/${pod}`);
    const hits = [...map].filter(([k]) => k.endsWith(`/${pod}`));
    return hits.length === 1 ? hits[0][1] : undefined;
  };
}

async function certEvidence(metrics: MetricsSource, plan: EvidencePlan, abortSignal?: AbortSignal): Promise<EvidenceDraft[]> {
  const { series, query } = await fetch(metrics, 'cert_expiry_seconds', plan.sampled, plan, abortSignal);
  return series.map((s) => ({ s, st: stats(s, plan, false) })).filter((r) => r.st.seen > 0).map(({ s, st }) => {
    const entity = `${s.labels?.namespace}/${s.labels?.certificate}`;
    return { source: 'metrics' as const, query, ...range(plan), excerpt: `cert_expiry_seconds of ${entity} (${s.cluster}): lowest ${fmt(st.low / 3600)} h during the incident${st.low <= 0 ? ' — expired' : ''}`, data: { ...shift(s, plan, st, { entity }), low: round(st.low) } };
  });
}

/** Golden signals of the affected components (and absence of data) on the sampled clusters. */
export async function goldenMetricEvidence(metrics: MetricsSource, group: IncidentGroup, plan: EvidencePlan, abortSignal?: AbortSignal): Promise<EvidenceDraft[]> {
  const components = group.components.filter((c) => c !== '*').slice(0, 4);
  const out: EvidenceDraft[] = [];
  const pairs = components.length ? GOLDEN.flatMap((sig) => components.map((c) => [sig, c] as const)) : [['request_rate', undefined] as const];
  for (const [signal, component] of pairs) {
    const { series, query } = await fetch(metrics, signal, plan.sampled, plan, abortSignal, component);
    for (const s of series) {
      const st = stats(s, plan, false);
      if (st.seen === 0 && Number.isFinite(st.before)) {
        out.push({ source: 'metrics', query, ...range(plan), excerpt: `${signal} of ${s.component} (${s.cluster}): ${fmt(st.before)} before → no samples at all during the incident`, data: { fact: 'metric-absent', signal, cluster: s.cluster, component: s.component, before: round(st.before) } });
      } else if (components.length) {
        out.push({ source: 'metrics', query, ...range(plan), excerpt: `${signal} of ${s.component} (${s.cluster}): ${fmt(st.before)} before → ${fmt(st.during)} during (peak ${fmt(st.peak)})`, data: { ...shift(s, plan, st, {}), series: [] } });
      }
    }
  }
  return out;
}

function round(x: number): number {
  return Number.isFinite(x) ? Number(x.toPrecision(4)) : NaN;
}
