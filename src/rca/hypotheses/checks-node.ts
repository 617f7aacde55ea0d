import { fmt } from '../evidence/evidence-row.js';
import { ids, type Facts, type Shift } from './evidence-facts.js';
import { HypothesisBuilder, type Hypothesis } from './hypothesis.js';
import type { MetricRanker } from './metric-ranker.js';
import { compareText } from '../../core/compare-text.js';

/** Platform namespaces besides those the component matchers name (the row's `platformNamespaces`). */
const PLATFORM_NS = ['kube-system', 'kube-node-lease', 'kube-public', 'ingress-nginx', 'istio-system', 'cert-manager', 'monitoring'];
/** The default workload matcher's namespace, for rows that do not say which namespaces are the apps'. */
const DEFAULT_APP_NS = ['apps'];

/** A node's NIC saturated by a neighbour: DNS timeouts on the CoreDNS pod it hosts, the actor next to it. */
export function checkNicSaturation(f: Facts, rank: MetricRanker): Hypothesis[] {
  const hot = f.shifts.filter((s) => s.signal === 'node_network_saturation' && s.peak >= 0.85 && s.peak - s.before >= 0.3);
  return pickNodes(hot, f, rank, 'dns_timeouts').map(({ shift, metricScore }) => {
    const { cluster, node } = shift;
    const entity: Hypothesis['entity'] = { cluster, node };
    const h = new HypothesisBuilder('node.nic-saturation', entity);
    h.support(3, `NIC of ${node} saturated: ${fmt(shift.before)} before → peak ${fmt(shift.peak)} during`, ids(shift));
    if (metricScore > 0) h.support(metricScore, `metric ranking puts ${node} first among the nodes the symptom depends on`, ids(shift));
    const dns = f.shifts.filter((s) => s.signal === 'dns_timeouts' && s.cluster === cluster && s.node === node && s.during > 3 * Math.max(s.before, 0.01));
    h.support(2, `CoreDNS pod ${dns[0]?.pod} on ${node}: DNS timeouts ${fmt(dns[0]?.before ?? 0)} → ${fmt(dns[0]?.during ?? 0)} per 5 min`, ids(...dns));
    const noisy = noisyPod(f, cluster, node!);
    if (noisy) {
      entity.pod = noisy.pod;
      h.support(1, `${noisy.pod} shares ${node} with CoreDNS and ${noisy.why}`, noisy.evidenceIds);
    }
    return h.build();
  });
}

/**
 * Disk usage from which the kubelet acts by default: image GC above 85% (imageGCHighThresholdPercent),
 * eviction below 10% nodefs available. A disk that crept there slowly rose little in three hours.
 */
const KUBELET_DISK_HIGH = 0.85;

/** The kubelet's disk-pressure and eviction events on the node (its recovery, NodeHasNoDiskPressure, is none). */
function diskEvents(f: Facts, s: Shift): Facts['events'] {
  return f.events.filter((e) => e.cluster === s.cluster && /DiskPressure|Evict|FreeDiskSpace|ImageGCFailed/.test(e.reason) && !/NoDiskPressure/.test(e.reason)
    && e.objects.some((o) => o.node === s.node || o.name === s.node));
}

/** A node's filesystem filling up; the kubelet evicting pods. */
export function checkDiskPressure(f: Facts, rank: MetricRanker): Hypothesis[] {
  const full = f.shifts.filter((s) => s.signal === 'node_disk_usage' && s.peak >= 0.8 && (s.peak - s.before >= 0.15 || (s.peak >= KUBELET_DISK_HIGH && diskEvents(f, s).length > 0)));
  return pickNodes(full, f, rank, 'availability').map(({ shift, metricScore }) => {
    const h = new HypothesisBuilder('node.disk-pressure', { cluster: shift.cluster, node: shift.node });
    h.support(3, `disk of ${shift.node} filled: ${fmt(shift.before * 100)}% before → ${fmt(shift.peak * 100)}% during`, ids(shift));
    if (metricScore > 0) h.support(metricScore, `metric ranking puts ${shift.node} first among candidate nodes`, ids(shift));
    const ev = diskEvents(f, shift);
    h.support(2, `${ev.reduce((n, e) => n + e.count, 0)} disk-pressure and eviction events on ${shift.node} (${[...new Set(ev.map((e) => e.reason))].join(', ')})`, ids(...ev));
    return h.build();
  });
}

/** Candidate nodes, best first; the metric ranker (when it decides) adds its weight to its top node. */
function pickNodes(hot: Shift[], f: Facts, rank: MetricRanker, symptomSignal: string): { shift: Shift; metricScore: number }[] {
  const byNode = new Map<string, Shift>();
  for (const s of hot) if (!byNode.has(`${s.cluster}/${s.node}`)) byNode.set(`${s.cluster}/${s.node}`, s);
  const list = [...byNode.values()];
  const top = rank(list, f, symptomSignal);
  return list.map((shift) => ({ shift, metricScore: top === `${shift.cluster}/${shift.node}` && list.length > 1 ? 1 : 0 }));
}

function noisyPod(f: Facts, cluster: string, node: string): { pod: string; why: string; evidenceIds: string[] } | undefined {
  const onNode = f.nodePods.find((n) => n.cluster === cluster && n.node === node);
  if (!onNode) return undefined;
  const platform = new Set([...PLATFORM_NS, ...(onNode.platformNamespaces ?? [])]);
  const apps = new Set(onNode.appNamespaces ?? DEFAULT_APP_NS);
  const candidates = onNode.pods.filter((p) => !platform.has(p.namespace));
  // a pod of no known component's namespace stands out only when it is the one such pod on the node
  const outsiders = candidates.filter((p) => !apps.has(p.namespace));
  const scored = candidates.map((p) => {
    const scheduled = f.events.filter((e) => e.cluster === cluster && e.reason === 'Scheduled' && e.objects.some((o) => o.name === p.name));
    const logs = f.logs.filter((l) => l.cluster === cluster && l.pods.includes(p.name));
    return { p, scheduled, logs, score: 2 * Number(scheduled.length > 0) + Number(logs.length > 0) + Number(outsiders.length === 1 && outsiders[0] === p) };
  }).sort((a, b) => b.score - a.score || compareText(a.p.name, b.p.name));
  const best = scored[0];
  if (!best || best.score === 0) return undefined;
  const why = best.scheduled.length ? 'was scheduled there just before the onset' : best.logs.length ? `was busy: "${best.logs[0].example.slice(0, 80)}"` : `is the only non-platform, non-app pod there (${best.p.namespace})`;
  return { pod: best.p.name, why, evidenceIds: ids(onNode, ...best.scheduled, ...best.logs.slice(0, 1)) };
}
