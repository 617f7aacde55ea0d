import { rankGraphCandidates, type NodeSeries } from '../ranking/index.js';
import type { Facts, Shift } from './evidence-facts.js';

/**
 * The metric part of hypothesis scoring: which candidate node the symptom most plausibly comes from.
 * Returns `<cluster>/<node>` of the winner, or undefined when the metrics do not decide.
 */
export type MetricRanker = (candidates: Shift[], facts: Facts, symptomSignal: string) => string | undefined;

const HOUR = 3_600_000;

/** Uses src/rca/ranking (robust z + correlation on the dependency graph); falls back to the largest rise. */
export function createMetricRanker(): MetricRanker {
  return (candidates, facts, symptomSignal) => {
    if (candidates.length === 0) return undefined;
    const cluster = candidates[0].cluster;
    const local = candidates.filter((c) => c.cluster === cluster);
    return rankWithGraph(local, facts, symptomSignal) ?? largestRise(local);
  };
}

function largestRise(list: Shift[]): string | undefined {
  const best = [...list].sort((a, b) => (b.peak - b.before) - (a.peak - a.before))[0];
  return best ? `${best.cluster}/${best.node}` : undefined;
}

function rankWithGraph(list: Shift[], facts: Facts, symptomSignal: string): string | undefined {
  const cluster = list[0].cluster;
  const symptom = facts.shifts.filter((s) => s.cluster === cluster && s.signal === symptomSignal && s.series.length > 0);
  const n = list[0].series.length;
  if (symptom.length === 0 || n === 0 || list.some((s) => s.series.length !== n) || symptom.some((s) => s.series.length !== n)) return undefined;
  const total = new Float64Array(n);
  for (const s of symptom) s.series.forEach((v, i) => (total[i] += Number.isFinite(v) ? v : 0));
  const series: NodeSeries = new Map([['symptom', new Map([[symptomSignal, total]])]]);
  for (const s of list) series.set(`${s.cluster}/${s.node}`, new Map([[s.signal, Float64Array.from(s.series, (v) => (v === null ? NaN : v))]]));
  const windowStart = Math.round((3 * HOUR) / Math.max(1, (list[0].row.endMs - list[0].row.startMs) / n));
  try {
    const res = rankGraphCandidates({ dependsOn: list.map((s) => ['symptom', `${s.cluster}/${s.node}`] as const), symptom: { entityId: 'symptom', metric: symptomSignal, direction: 'up' }, series, windowStart });
    return res.inconclusive ? undefined : res.ranked.find((r) => r.node !== 'symptom')?.node;
  } catch {
    return undefined;
  }
}
