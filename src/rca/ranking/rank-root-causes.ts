/**
 * Metric-based first-level root-cause ranking over a call graph (pure, typed arrays).
 *
 * Following the PetShop data set's findings: candidates are the nodes the symptom's node reaches
 * along call edges; a candidate is anomalous when one of its metrics leaves its robust (median/MAD)
 * baseline at the points where the symptom is anomalous; anomalous candidates are ranked by their
 * correlation with the symptom plus a bonus for having nothing anomalous below them (faults
 * propagate upstream to callers, so the deepest anomalous node on a path is the likeliest origin),
 * the bonus shrinking as the anomalous callees below track the symptom themselves.
 */
import { anomalousBelow, calleesOf, reachableFrom } from './call-graph.js';
import { pearson, robustBaseline, robustZ } from './robust-stats.js';
import {
  DEFAULT_RANK_PARAMS, type RankInput, type RankParams, type RankResult, type RankedCause, type SymptomRef,
} from './rank-types.js';
import { compareText } from '../../core/compare-text.js';

interface NodeEvidence {
  anomaly: number;
  correlation: number;
  metric: string;
}

function symptomSeries(input: RankInput): Float64Array {
  const values = input.series.get(input.target.node)?.get(input.target.metric);
  if (!values) throw new Error(`rankRootCauses: no series for target ${input.target.node} metric ${input.target.metric}`);
  return values;
}

function resolveNormalEnd(input: RankInput, length: number): number {
  const end = input.normalEnd ?? (input.normal ? 0 : Math.floor(length / 2));
  if (!Number.isInteger(end) || end < 0 || end >= length) {
    throw new Error(`rankRootCauses: normalEnd ${end} must be an integer in [0, ${length - 1}]`);
  }
  return end;
}

/**
 * Signed robust z of a series against its baseline: separate normal data, else its own early
 * part, else (too few early points) the whole series.
 */
function zSeries(input: RankInput, node: string, metric: string, values: Float64Array, normalEnd: number, p: RankParams): Float64Array {
  const early = values.subarray(0, normalEnd);
  const enough = early.filter(Number.isFinite).length >= p.minBaselinePoints;
  const source = input.normal?.get(node)?.get(metric) ?? (enough ? early : values);
  const baseline = robustBaseline(source, { relativeFloor: p.relativeFloor });
  return values.map((v) => robustZ(v, baseline, p.relativeFloor));
}

function badness(z: number, direction: SymptomRef['direction']): number {
  if (direction === 'up') return z;
  if (direction === 'down') return -z;
  return Math.abs(z);
}

/** Indices of the issue window where the symptom is anomalous in its bad direction. */
function symptomPoints(input: RankInput, normalEnd: number, p: RankParams): number[] {
  const { node, metric, direction } = input.target;
  const z = zSeries(input, node, metric, symptomSeries(input), normalEnd, p);
  const points: number[] = [];
  for (let i = normalEnd; i < z.length; i += 1) if (badness(z[i], direction) >= p.threshold) points.push(i);
  return points;
}

/** The node's most anomalous metric at the symptom points, and its best |r| with the symptom. */
function evidenceFor(input: RankInput, node: string, points: number[], normalEnd: number, p: RankParams): NodeEvidence | null {
  const metrics = input.series.get(node);
  if (!metrics) return null;
  const symptom = symptomSeries(input);
  let best: NodeEvidence | null = null;
  let correlation = 0;
  for (const [metric, values] of metrics) {
    const z = zSeries(input, node, metric, values, normalEnd, p);
    const anomaly = points.reduce((m, i) => (Number.isFinite(z[i]) ? Math.max(m, Math.abs(z[i])) : m), 0);
    correlation = Math.max(correlation, Math.abs(pearson(values, symptom)));
    if (!best || anomaly > best.anomaly) best = { anomaly, correlation: 0, metric };
  }
  return best && { ...best, correlation };
}

function reasonsFor(node: string, ev: NodeEvidence, below: string[], prior: number, target: SymptomRef): string[] {
  const reasons = [
    `${ev.metric} ${ev.anomaly.toFixed(1)} robust z from its baseline while ${target.node} ${target.metric} was anomalous`,
    `correlation with the symptom |r| = ${ev.correlation.toFixed(2)}`,
  ];
  if (below.length > 0) reasons.push(`anomalous dependencies below it may explain it: ${below.join(', ')}`);
  else reasons.push(node === target.node ? 'no dependency of the symptom node is anomalous' : 'no anomalous dependency below it');
  if (prior !== 1) reasons.push(`prior from past feedback x${prior}`);
  return reasons;
}

function collectEvidence(input: RankInput, candidates: string[], points: number[], normalEnd: number, p: RankParams): Map<string, NodeEvidence> {
  const evidence = new Map<string, NodeEvidence>();
  for (const node of candidates) {
    const ev = evidenceFor(input, node, points, normalEnd, p);
    const explains = node === input.target.node || (ev?.correlation ?? 0) >= p.minCorrelation;
    if (ev && ev.anomaly >= p.threshold && explains) evidence.set(node, ev);
  }
  return evidence;
}

/**
 * Ranks the likely origins of `input.target`'s symptom. Pure and deterministic; throws on a
 * missing target series or an out-of-range `normalEnd`. See rank-types.ts for the shapes.
 */
export function rankRootCauses(input: RankInput, params: RankParams = DEFAULT_RANK_PARAMS): RankResult {
  const normalEnd = resolveNormalEnd(input, symptomSeries(input).length);
  const points = symptomPoints(input, normalEnd, params);
  if (points.length === 0) return { ranked: [], inconclusive: true };
  const callees = calleesOf(input.edges);
  const candidates = [...reachableFrom(input.target.node, callees).keys()];
  const evidence = collectEvidence(input, candidates, points, normalEnd, params);
  const ranked: RankedCause[] = [...evidence].map(([node, ev]) => {
    const below = anomalousBelow(node, callees, (n) => evidence.has(n), (n) => input.series.has(n));
    const explained = below.reduce((m, b) => Math.max(m, evidence.get(b)?.correlation ?? 0), 0);
    const prior = input.priors?.get(node) ?? 1;
    const a = ev.anomaly / params.threshold;
    const score = prior * (ev.correlation + params.downstreamWeight * (1 - explained) + 0.01 * (a / (1 + a)));
    return { node, score, anomaly: ev.anomaly, correlation: ev.correlation, reasons: reasonsFor(node, ev, below, prior, input.target) };
  });
  ranked.sort((x, y) => y.score - x.score || y.correlation - x.correlation || y.anomaly - x.anomaly || compareText(x.node, y.node));
  // The symptom node alone is no explanation: it or something unobserved, a human must look.
  return { ranked, inconclusive: ranked.every((c) => c.node === input.target.node) };
}
