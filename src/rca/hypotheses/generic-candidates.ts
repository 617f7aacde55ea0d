import { buildKnowledgeGraph, walk } from '../../fleet/knowledge-graph.js';
import type { Cluster, Topology } from '../../fleet/types.js';
import type { FailureModel } from '../failure-model/failure-model-schema.js';
import type { RunbookIndex } from '../../runbooks/runbook-index.js';
import { ids, type Facts } from './evidence-facts.js';
import { HypothesisBuilder, type Hypothesis } from './hypothesis.js';

const SYMPTOM_SIGNALS = new Set(['availability', 'error_ratio', 'latency_p99', 'request_rate', 'cpu_saturation', 'memory_saturation', 'network_saturation']);

/**
 * Failure modes reachable from the observed symptoms on the knowledge graph (and named by the
 * runbooks those symptoms retrieve) that no specific check covers: weak, symptom-only hypotheses,
 * so the ranking shows what else was considered.
 */
export function genericCandidates(f: Facts, covered: Set<string>, ctx: { failureModel: FailureModel; runbookIndex: RunbookIndex; topology: Map<string, Topology>; clusters: Cluster[] }, groupClusters: string[]): Hypothesis[] {
  const cluster = groupClusters[0];
  const topo = ctx.topology.get(cluster);
  const graph = buildKnowledgeGraph(ctx.clusters.filter((c) => c.id === cluster), new Map(topo ? [[cluster, topo]] : []));
  const found = new Map<string, { depth: number; via: Set<string>; rows: Facts['findings'] }>();
  const observed = f.findings.filter((x) => SYMPTOM_SIGNALS.has(x.signal) && x.component !== '*');
  for (const s of observed) {
    for (const c of walk(graph, ctx.failureModel, cluster, { component: s.component as never, signal: s.signal as never, direction: s.direction })) {
      if (covered.has(c.failureModeId)) continue;
      const e = found.get(c.failureModeId) ?? { depth: c.depth, via: new Set(), rows: [] };
      e.depth = Math.min(e.depth, c.depth);
      e.via.add(`${s.component} ${s.signal} ${s.direction}`);
      e.rows.push(s);
      found.set(c.failureModeId, e);
    }
  }
  const fromRunbooks = new Set(ctx.runbookIndex.search({ symptoms: observed.map((s) => ({ component: s.component, signal: s.signal, direction: s.direction })) }, 3)
    .flatMap((h) => ctx.runbookIndex.byId(h.runbookId)?.meta.failure_modes ?? []));
  return [...found].map(([mode, e]) => {
    const h = new HypothesisBuilder(mode, {});
    h.support(Math.min(1.5, 0.5 * e.via.size) / (1 + e.depth), `the failure model links ${mode} to the observed ${[...e.via].slice(0, 3).join(', ')}`, ids(...e.rows.slice(0, 3)));
    if (fromRunbooks.has(mode)) h.support(0.25, `a runbook retrieved for these symptoms covers ${mode}`, ids(...e.rows.slice(0, 1)));
    return h.build();
  });
}
