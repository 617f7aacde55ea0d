/**
 * The RCA engine: evidence collection for an incident group (the only I/O, bounded per group) and the
 * pure analysis that ranks hypotheses on that evidence.
 */
import type { ChangeSource } from '../adapters/changes/types.js';
import type { EventSource } from '../adapters/events/types.js';
import type { Inventory } from '../adapters/inventory/types.js';
import type { LogSearch } from '../adapters/logs/types.js';
import type { MetricsSource } from '../adapters/metrics/types.js';
import type { EvidenceRow } from '../adapters/store/types.js';
import type { IncidentGroup } from '../correlate/incident-group.js';
import type { Topology } from '../fleet/types.js';
import {
  attributeEvidence, changeEvidence, eventEvidence, evidencePlan, evidenceRow, feedbackEvidence, goldenMetricEvidence, logEvidence,
  nodeMetricEvidence, podMetricEvidence, topologyEvidence, type EvidenceDraft,
} from './evidence/index.js';
import { findingEvidence } from './evidence/finding-evidence.js';
import { incidentSignature } from './hypotheses/index.js';

export { analyseGroup, incidentSignature, type AnalyseContext, type Hypothesis, type RcaResult, type Claim } from './hypotheses/index.js';

export interface RcaPorts {
  inventory: Inventory;
  metrics: MetricsSource;
  logs: LogSearch;
  events: EventSource;
  changes: ChangeSource;
}

export interface CollectContext {
  signal?: AbortSignal;
  nowMs: number;
  fail(part: string, err: unknown): void;
  /** Clusters drilled into per group (default 3): the query count does not grow with the fleet. */
  maxSampledClusters?: number;
  /** Fleet size for the attribute excerpts (default: unknown → the group's size is shown alone). */
  fleetSize?: number;
  /** Past feedback keyed `<signature>::<failureMode>`: the group's own become `history` rows, which a prior must cite. */
  feedbackPriors?: ReadonlyMap<string, number>;
  /** Component → pod matchers (default: the built-in ones): a component's log lines count only from the namespaces its matcher names. */
  componentMatchers?: Readonly<Record<string, string>>;
}

/**
 * Collects evidence for one group: a fixed set of queries (golden ≤ 12, node 4, pod 4, events 1,
 * logs 1, changes 1, topology ≤ 3) whatever the fleet size. A failing part is reported through
 * `ctx.fail(part, err)` and the rest still runs. Rows are immutable with content-hash ids: the same
 * observations give the same ids on a rerun.
 */
export async function collectEvidence(group: IncidentGroup, ports: RcaPorts, ctx: CollectContext): Promise<EvidenceRow[]> {
  const plan = evidencePlan(group, ctx.nowMs, ctx.maxSampledClusters ?? 3, ctx.componentMatchers);
  const s = ctx.signal;
  // one topology read per cluster, shared by the pod drill-down (pod → node) and the topology part
  const topologies = new Map<string, Promise<Topology>>();
  const topologyOf = (cluster: string): Promise<Topology> => {
    let t = topologies.get(cluster);
    if (!t) topologies.set(cluster, t = ports.inventory.getTopology(cluster, s));
    return t;
  };
  const inventory: Inventory = { listClusters: (signal) => ports.inventory.listClusters(signal), getTopology: (cluster) => topologyOf(cluster) };
  const parts: [string, () => Promise<EvidenceDraft[]> | EvidenceDraft[]][] = [
    ['findings', () => findingEvidence(group)],
    ['attributes', () => attributeEvidence(group, ctx.fleetSize ?? 0)],
    ['feedback', () => feedbackEvidence(group, incidentSignature(group), ctx.feedbackPriors)],
    ['metrics:golden', () => goldenMetricEvidence(ports.metrics, group, plan, s)],
    ['metrics:nodes', () => nodeMetricEvidence(ports.metrics, plan, s)],
    ['metrics:pods', () => podMetricEvidence(ports.metrics, plan, s, topologyOf)],
    ['events', () => eventEvidence(ports.events, plan, s)],
    ['logs', () => logEvidence(ports.logs, plan, s)],
    ['changes', () => changeEvidence(ports.changes, group, plan, s)],
    ['topology', () => topologyEvidence(inventory, group, plan, s)],
  ];
  const rows = new Map<string, EvidenceRow>();
  for (const [part, run] of parts) {
    try {
      for (const d of await run()) {
        const row = evidenceRow(group.id, d, ctx.nowMs);
        rows.set(row.id, row);
      }
    } catch (err) {
      s?.throwIfAborted();
      ctx.fail(`evidence:${part}:${group.id}`, err);
    }
  }
  return [...rows.values()];
}
