/** Text and JSON reports of the PetShop benchmark, beside the data set's published baseline. */
import type { RankParams } from '../../src/rca/ranking/rank-types.js';
import { summariseTopK, type IssueOutcome, type SpecificityCell } from './evaluate.js';

/** Anomaly-traversal baseline (MAD, threshold 5, call graph given), from the data set's README. */
export const PUBLISHED_BASELINE: Record<string, { top1: number; top3: number; specificity: number }> = {
  'low_traffic|latency': { top1: 0.57, top3: 0.57, specificity: 0.17 },
  'low_traffic|availability': { top1: 0.83, top3: 1.0, specificity: 1.0 },
  'high_traffic|latency': { top1: 0.57, top3: 0.79, specificity: 0.33 },
  'high_traffic|availability': { top1: 0.67, top3: 1.0, specificity: 1.0 },
  'temporal_traffic|latency': { top1: 1.0, top3: 1.0, specificity: 0.6 },
  'temporal_traffic|availability': { top1: 0.75, top3: 1.0, specificity: 1.0 },
};

const fmt = (x: number | undefined) => (x === undefined || Number.isNaN(x) ? '   -' : x.toFixed(2));

function keys(outcomes: IssueOutcome[], specificity: Map<string, SpecificityCell>): string[] {
  return [...new Set([...outcomes.map((o) => `${o.group}|${o.metric}`), ...specificity.keys()])].sort();
}

export function formatTable(
  root: string, split: string | undefined, outcomes: IssueOutcome[], specificity: Map<string, SpecificityCell>, elapsedMs: number,
): string {
  const cells = summariseTopK(outcomes);
  const lines = [
    `PetShop RCA: ${outcomes.length} issues from ${root}${split ? ` (split ${split})` : ''}, ${elapsedMs.toFixed(0)} ms`,
    `${'scenario | metric'.padEnd(32)}${'n'.padStart(4)}${'top1'.padStart(7)}${'top3'.padStart(7)}${'empty'.padStart(7)}${'spec'.padStart(7)}   published top1/top3/spec`,
  ];
  for (const key of keys(outcomes, specificity)) {
    const c = cells.get(key);
    const s = specificity.get(key);
    const p = PUBLISHED_BASELINE[key];
    lines.push(`${key.replace('|', ' | ').padEnd(32)}${String(c?.n ?? 0).padStart(4)}${fmt(c ? c.top1 / c.n : NaN).padStart(7)}${fmt(c ? c.top3 / c.n : NaN).padStart(7)}`
      + `${String(c?.empty ?? '-').padStart(7)}${fmt(s ? s.right / s.cuts : NaN).padStart(7)}   ${p ? `${fmt(p.top1)} / ${fmt(p.top3)} / ${fmt(p.specificity)}` : '-'}`);
  }
  const all = outcomes.length;
  const top1 = outcomes.filter((o) => o.rank === 1).length;
  const top3 = outcomes.filter((o) => o.rank !== null && o.rank <= 3).length;
  lines.push(`all issues: top1 ${top1}/${all} = ${fmt(top1 / all)}, top3 ${top3}/${all} = ${fmt(top3 / all)}`);
  lines.push('published figures are over all 68 issues of the original data set (train and test of every scenario).');
  return lines.join('\n');
}

export function formatJson(
  root: string, split: string | undefined, outcomes: IssueOutcome[], specificity: Map<string, SpecificityCell>, params: RankParams,
): string {
  const cells = summariseTopK(outcomes);
  const summary = keys(outcomes, specificity).map((key) => {
    const [scenario, metric] = key.split('|');
    const c = cells.get(key);
    const s = specificity.get(key);
    return {
      scenario, metric, issues: c?.n ?? 0,
      top1: c ? c.top1 / c.n : null, top3: c ? c.top3 / c.n : null, empty: c?.empty ?? null,
      specificity: s ? s.right / s.cuts : null, specificityCuts: s?.cuts ?? 0,
      published: PUBLISHED_BASELINE[key] ?? null,
    };
  });
  const issues = outcomes.map((o) => ({ folder: o.folder, inconclusive: o.inconclusive, ranked: o.ranked.map((c) => [c.node, c.score]) }));
  return JSON.stringify({ data: root, split: split ?? null, params, summary, issues }, null, 2);
}
