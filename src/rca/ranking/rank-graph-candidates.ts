/**
 * Adapter of the metric-based ranking for the digest's knowledge graph, whose nodes are entity
 * ids such as `cluster/node/x` or `cluster/component/coredns`.
 */
import { rankRootCauses } from './rank-root-causes.js';
import { DEFAULT_RANK_PARAMS, type NodeSeries, type RankParams, type RankResult } from './rank-types.js';

export interface GraphCandidatesInput {
  /**
   * Dependency edges between entity ids: `from` depends on `to` (a workload on CoreDNS, a pod on
   * its node). Faults are assumed to travel from `to` back to `from`.
   */
  readonly dependsOn: readonly (readonly [from: string, to: string])[];
  /** The entity showing the symptom and the key of its symptom series in `series`. */
  readonly symptom: { readonly entityId: string; readonly metric: string; readonly direction?: 'up' | 'down' | 'any' };
  /**
   * Per entity id, per metric name, aligned series of equal length and step (e.g. one value per
   * scan step over the incident window plus some time before it). NaN marks a missing point.
   */
  readonly series: NodeSeries;
  /** Index of the first point of the incident window; points before it are the baseline. */
  readonly windowStart: number;
  /** Optional longer normal-operation history, same keys, any length; preferred as baseline. */
  readonly history?: NodeSeries;
  /** Multiplicative weights from the feedback table (confirmed causes > 1, rejected < 1). */
  readonly priors?: ReadonlyMap<string, number>;
}

/**
 * Ranks the entities the symptom's entity (transitively) depends on by how anomalous they are
 * while the symptom is, how closely they move with it, and whether anything anomalous sits below
 * them. Same algorithm and parameters as the PetShop benchmark (`npm run bench:petshop`).
 *
 * Pure and deterministic: no I/O, no clock. Throws an Error naming the problem when the symptom
 * series is missing or `windowStart` is outside the series. Returns `inconclusive: true` when
 * the symptom is not anomalous against its baseline or no dependency moves with it; the digest
 * should then say "inconclusive — needs a human" rather than blame the top entry. Each ranked
 * entry carries `reasons` suitable as evidence excerpts.
 */
export function rankGraphCandidates(input: GraphCandidatesInput, params: RankParams = DEFAULT_RANK_PARAMS): RankResult {
  const nodes = new Set<string>([input.symptom.entityId, ...input.series.keys()]);
  for (const [from, to] of input.dependsOn) { nodes.add(from); nodes.add(to); }
  return rankRootCauses({
    nodes: [...nodes],
    edges: input.dependsOn,
    target: { node: input.symptom.entityId, metric: input.symptom.metric, direction: input.symptom.direction },
    series: input.series,
    normalEnd: input.windowStart,
    normal: input.history,
    priors: input.priors,
  }, params);
}
