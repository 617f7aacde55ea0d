/**
 * PetShop RCA benchmark of the metric-based root-cause ranking:
 * `npm run bench:petshop -- [--data DIR] [--split train|test] [--json]`.
 * Every issue folder present is ranked (one parameter set) from its symptom, the call graph and
 * the metrics only; top-1/top-3 per scenario and symptom metric and specificity on the noissue
 * data are printed beside the data set's published anomaly-traversal baseline.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { DEFAULT_RANK_PARAMS } from '../src/rca/ranking/rank-types.js';
import { petshopRoot } from './petshop/load-petshop.js';
import { evaluateAll } from './petshop/evaluate.js';
import { formatJson, formatTable } from './petshop/report.js';

function argValue(args: string[], name: string): string | undefined {
  const i = args.indexOf(name);
  if (i < 0) return undefined;
  const value = args[i + 1];
  if (!value || value.startsWith('--')) throw new Error(`${name} needs a value`);
  return value;
}

function main(args: string[]): number {
  const known = new Set(['--data', '--split', '--json']);
  const unknown = args.filter((a, i) => a.startsWith('--') && !known.has(a) && args[i - 1] !== '--data');
  if (unknown.length > 0) throw new Error(`unknown option(s) ${unknown.join(', ')}; usage: bench:petshop -- [--data DIR] [--split train|test] [--json]`);
  const data = argValue(args, '--data');
  // --data may name the dataset folder itself or the folder holding `dataset/`.
  const root = data ? (existsSync(path.join(data, 'dataset')) ? path.join(data, 'dataset') : path.resolve(data)) : petshopRoot();
  const split = argValue(args, '--split');
  const t0 = performance.now();
  const { outcomes, specificity } = evaluateAll(root, split);
  const elapsedMs = performance.now() - t0;
  console.log(args.includes('--json')
    ? formatJson(root, split, outcomes, specificity, DEFAULT_RANK_PARAMS)
    : formatTable(root, split, outcomes, specificity, elapsedMs));
  return 0;
}

try {
  process.exitCode = main(process.argv.slice(2));
} catch (err) {
  console.error(`bench:petshop: ${(err as Error).message} (set --data DIR or FLEETOPS_BENCHMARKS to the benchmarks folder)`);
  process.exitCode = 1;
}
