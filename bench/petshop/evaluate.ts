/**
 * PetShop evaluation: top-k accuracy per scenario group and symptom metric, and specificity on
 * the normal-operation data following the data set's rca_task.evaluate_specificity.
 */
import path from 'node:path';
import { rankRootCauses } from '../../src/rca/ranking/rank-root-causes.js';
import { listIssues, loadSymptom, metricKey, readAnswer, type PetshopIssueRef } from './load-petshop.js';
import { badDirection, DEFAULT_TRIGGER_INDEX, loadScenario, rankIssueDir, selectSeries } from './rank-issue.js';

export interface IssueOutcome {
  readonly folder: string;
  readonly group: string;
  readonly metric: string;
  readonly inconclusive: boolean;
  readonly ranked: { node: string; score: number }[];
  /** 1-based rank of the true root cause among the reported causes; null when absent. */
  readonly rank: number | null;
}

export interface Cell { n: number; top1: number; top3: number; empty: number }
export interface SpecificityCell { cuts: number; right: number }

/** Scenario folders are grouped as the data set's own report does: temporal_traffic1/2 → temporal_traffic. */
export function scenarioGroup(scenario: string): string {
  return scenario.replace(/\d+$/, '');
}

export function evaluateIssue(root: string, ref: PetshopIssueRef): IssueOutcome {
  const result = rankIssueDir(ref.dir, path.join(root, ref.scenario));
  // No root cause is reported when the ranking is inconclusive, as the data set's empty list.
  const ranked = result.inconclusive ? [] : result.ranked.map((c) => ({ node: c.node, score: c.score }));
  const answer = readAnswer(ref.dir);
  const at = ranked.findIndex((c) => c.node === answer);
  const metric = loadSymptom(ref.dir).metric;
  return { folder: ref.folder, group: scenarioGroup(ref.scenario), metric, inconclusive: result.inconclusive, ranked, rank: at < 0 ? null : at + 1 };
}

export function summariseTopK(outcomes: IssueOutcome[]): Map<string, Cell> {
  const cells = new Map<string, Cell>();
  for (const o of outcomes) {
    const key = `${o.group}|${o.metric}`;
    const cell = cells.get(key) ?? { n: 0, top1: 0, top3: 0, empty: 0 };
    cell.n += 1;
    if (o.rank !== null && o.rank <= 1) cell.top1 += 1;
    if (o.rank !== null && o.rank <= 3) cell.top3 += 1;
    if (o.ranked.length === 0) cell.empty += 1;
    cells.set(key, cell);
  }
  return cells;
}

/** Cut points of the data set's protocol: from half way, in steps of 10%, keeping 3 rows after. */
export function specificityCuts(rows: number): number[] {
  const step = Math.max(1, Math.floor(rows * 0.1));
  const cuts: number[] = [];
  for (let cut = Math.floor(rows / 2); cut < rows - 3; cut += step) cuts.push(cut);
  return cuts;
}

/** For each scenario with noissue data and each symptom its issues report: share of cuts with no root cause. */
export function evaluateSpecificity(root: string, refs: PetshopIssueRef[]): Map<string, SpecificityCell> {
  const cells = new Map<string, SpecificityCell>();
  const byScenario = new Map<string, PetshopIssueRef[]>();
  for (const ref of refs) byScenario.set(ref.scenario, [...(byScenario.get(ref.scenario) ?? []), ref]);
  for (const [scenario, issues] of byScenario) {
    const { graph, normal } = loadScenario(path.join(root, scenario));
    if (!normal) continue;
    const symptoms = new Map(issues.map((r) => loadSymptom(r.dir)).map((s) => [`${s.node}|${s.metric}|${s.statistic}`, s]));
    for (const s of symptoms.values()) {
      const key = metricKey(s.metric, s.statistic);
      const cell = cells.get(`${scenarioGroup(scenario)}|${s.metric}`) ?? { cuts: 0, right: 0 };
      for (const cut of specificityCuts(normal.timestamps.length)) {
        const result = rankRootCauses({
          nodes: graph.nodes, edges: graph.edges,
          target: { node: s.node, metric: key, direction: badDirection(s.metric) },
          series: selectSeries(normal, key, cut), normal: selectSeries(normal, key, 0, cut), normalEnd: DEFAULT_TRIGGER_INDEX,
        });
        cell.cuts += 1;
        if (result.inconclusive) cell.right += 1;
      }
      cells.set(`${scenarioGroup(scenario)}|${s.metric}`, cell);
    }
  }
  return cells;
}

export function evaluateAll(root: string, split?: string): { outcomes: IssueOutcome[]; specificity: Map<string, SpecificityCell> } {
  const refs = listIssues(root, split);
  if (refs.length === 0) throw new Error(`No PetShop issues found under ${root}${split ? ` for split ${split}` : ''}`);
  return { outcomes: refs.map((ref) => evaluateIssue(root, ref)), specificity: evaluateSpecificity(root, listIssues(root)) };
}
