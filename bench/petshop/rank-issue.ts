/**
 * Runs the ranking on one PetShop issue folder, reading only the symptom (`target` of
 * target.json), the scenario's graph.csv, the issue's metrics.csv and the noissue metrics.
 */
import { existsSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { rankRootCauses } from '../../src/rca/ranking/rank-root-causes.js';
import type { NodeSeries, RankResult } from '../../src/rca/ranking/rank-types.js';
import { loadMetrics, loadSymptom, metricKey, parseGraphCsv, type PetshopMetrics, type PetshopSymptom } from './load-petshop.js';

/** Where the dataset's own evaluation analyses when no timestamp says otherwise: the third point. */
export const DEFAULT_TRIGGER_INDEX = 2;

export interface ScenarioData {
  readonly graph: { nodes: string[]; edges: [string, string][] };
  readonly normal: PetshopMetrics | null;
}

const scenarioCache = new Map<string, ScenarioData>();

/** graph.csv and noissue/metrics.csv of the scenario folder holding `<split>/<issue>`. */
export function loadScenario(scenarioDir: string): ScenarioData {
  const cached = scenarioCache.get(scenarioDir);
  if (cached) return cached;
  const graphFile = path.join(scenarioDir, 'graph.csv');
  if (!existsSync(graphFile)) throw new Error(`PetShop scenario has no graph.csv: ${graphFile}`);
  const normalFile = path.join(scenarioDir, 'noissue', 'metrics.csv');
  const data = {
    graph: parseGraphCsv(readFileSync(graphFile, 'utf8'), graphFile),
    normal: existsSync(normalFile) ? loadMetrics(normalFile) : null,
  };
  scenarioCache.set(scenarioDir, data);
  return data;
}

/** Keeps the symptom's metric and statistic for every node, as the data set's protocol does. */
export function selectSeries(metrics: PetshopMetrics, key: string, from = 0, to?: number): NodeSeries {
  const out: NodeSeries = new Map();
  for (const [node, byMetric] of metrics.series) {
    const values = byMetric.get(key);
    if (values) out.set(node, new Map([[key, values.slice(from, to)]]));
  }
  return out;
}

/**
 * The row whose 5-minute interval holds the reported symptom time (the last row starting at or
 * before it); the dataset's default row when there is no time.
 */
export function triggerIndex(timestamps: Float64Array, symptom: PetshopSymptom): number {
  const last = timestamps.length - 1;
  if (symptom.timestamp === undefined) return Math.min(DEFAULT_TRIGGER_INDEX, last);
  let i = 0;
  while (i < last && timestamps[i + 1] <= symptom.timestamp) i += 1;
  return i;
}

/** Latency and error counts are bad when they rise; availability and success when they fall. */
export function badDirection(metric: string): 'up' | 'down' | 'any' {
  if (/availab|success|throughput/i.test(metric)) return 'down';
  if (/latency|error|duration/i.test(metric)) return 'up';
  return 'any';
}

export function rankIssueDir(issueDir: string, scenarioDir: string): RankResult {
  const symptom = loadSymptom(issueDir);
  const scenario = loadScenario(scenarioDir);
  const metrics = loadMetrics(path.join(issueDir, 'metrics.csv'));
  const key = metricKey(symptom.metric, symptom.statistic);
  return rankRootCauses({
    nodes: scenario.graph.nodes,
    edges: scenario.graph.edges,
    target: { node: symptom.node, metric: key, direction: badDirection(symptom.metric) },
    series: selectSeries(metrics, key),
    normal: scenario.normal ? selectSeries(scenario.normal, key) : undefined,
    normalEnd: triggerIndex(metrics.timestamps, symptom),
  });
}
