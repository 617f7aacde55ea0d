import type { IncidentGroup } from '../../correlate/incident-group.js';
import { DEFAULT_COMPONENT_MATCHERS } from '../../signals/component-matchers.js';
import { compareText } from '../../core/compare-text.js';

const MIN = 60_000;
const HOUR = 60 * MIN;

/** Time windows and the bounded cluster sample every collector of one group uses. */
export interface EvidencePlan {
  onsetMs: number;
  /** Baseline: ends an hour before onset, since some causes (a disk filling) ramp up before it. */
  before: { startMs: number; endMs: number };
  during: { startMs: number; endMs: number };
  /** At most `maxSampled` clusters, earliest onset first: drill-downs stay bounded for fleet-wide groups. */
  sampled: string[];
  /** First severe finding per cluster: each cluster's own onset (rollouts reach clusters in waves). */
  clusterOnsetMs: Map<string, number>;
  /**
   * Each component's namespaces, as its pod matcher (the one its findings' series came from) names
   * them: a log line of the component counts as its own only from these, not from a same-named
   * workload in another namespace.
   */
  componentNamespaces: Record<string, string[]>;
  /** The group's own components (not `*`), sorted: their log lines are searched apart from the rest. */
  components: string[];
  /** The group's components with no known namespace (the kubelet, user-defined ones): their lines are read from any. */
  unscopedComponents: string[];
}

export function evidencePlan(group: IncidentGroup, nowMs: number, maxSampled = 3, matchers: Readonly<Record<string, string>> = DEFAULT_COMPONENT_MATCHERS): EvidencePlan {
  const clusterOnsetMs = new Map<string, number>();
  for (const f of group.findings) {
    if (f.kind === 'peer-outlier' || f.severity === 'info') continue;
    clusterOnsetMs.set(f.cluster, Math.min(clusterOnsetMs.get(f.cluster) ?? Infinity, f.startMs));
  }
  for (const c of group.clusters) if (!clusterOnsetMs.has(c)) clusterOnsetMs.set(c, group.startMs);
  const onsetMs = group.startMs;
  const sampled = [...clusterOnsetMs].sort((a, b) => a[1] - b[1] || compareText(a[0], b[0])).slice(0, maxSampled).map(([c]) => c);
  const duringEnd = Math.max(onsetMs + 10 * MIN, Math.min(group.endMs, onsetMs + 2 * HOUR, nowMs));
  const componentNamespaces: Record<string, string[]> = {};
  for (const [component, matcher] of Object.entries(matchers)) {
    const namespaces = matcherNamespaces(matcher);
    if (namespaces) componentNamespaces[component] = namespaces;
  }
  // `*`: a finding of the whole cluster (its series stopped), no component's lines
  const components = [...new Set(group.components.filter((c) => c !== '*'))].sort();
  const unscopedComponents = components.filter((c) => !Object.hasOwn(componentNamespaces, c));
  return {
    onsetMs, before: { startMs: onsetMs - 3 * HOUR, endMs: onsetMs - HOUR }, during: { startMs: onsetMs, endMs: duringEnd }, sampled, clusterOnsetMs,
    componentNamespaces, components, unscopedComponents,
  };
}

const MATCHER = /([a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)\s*"((?:[^"\\]|\\.)*)"/g;
/** `a|b|c` of namespace names: a regex matcher that is only a list. */
const NAME_LIST = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\|[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** The namespaces a PromQL matcher list pins (`namespace="x"`, or `namespace=~"x|y"`); undefined when it pins none. */
export function matcherNamespaces(matcher: string): string[] | undefined {
  for (const [, label, op, value] of matcher.matchAll(MATCHER)) {
    if (label !== 'namespace') continue;
    if (op === '=' && value !== '' && !value.includes('\\')) return [value];
    if (op === '=~' && NAME_LIST.test(value)) return [...new Set(value.split('|'))].sort();
  }
  return undefined;
}
