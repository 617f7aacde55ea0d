/**
 * Reads the PetShop RCA data set (amazon-science/petshop-root-cause-analysis) from the shared
 * benchmarks folder, never copied into the repo. Only the symptom part of target.json is parsed:
 * `root_cause` and `metadata` are kept apart (`readAnswer`) so the ranking can never see them.
 */
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';

/** Metrics of one file: series keyed by node, then by `metric:statistic` (e.g. `latency:Average`). */
export interface PetshopMetrics {
  readonly timestamps: Float64Array;
  readonly series: Map<string, Map<string, Float64Array>>;
}

export interface PetshopSymptom {
  readonly node: string;
  readonly metric: string;
  readonly statistic: string;
  /** Unix seconds of the reported symptom, when given. */
  readonly timestamp?: number;
}

export interface PetshopIssueRef {
  readonly scenario: string;
  readonly split: string;
  /** Folder of the issue, relative to the dataset root, e.g. `low_traffic/test/issue_3`. */
  readonly folder: string;
  readonly dir: string;
}

/** `$FLEETOPS_BENCHMARKS/petshop/dataset`, the env var defaulting to ../shared/benchmarks from the cwd. */
export function petshopRoot(cwd = process.cwd()): string {
  return path.resolve(cwd, process.env.FLEETOPS_BENCHMARKS ?? '../shared/benchmarks', 'petshop', 'dataset');
}

export function metricKey(metric: string, statistic: string): string {
  return `${metric}:${statistic}`;
}

function isDir(p: string): boolean {
  return existsSync(p) && statSync(p).isDirectory();
}

/** Every `<scenario>/<split>/<issue>` folder holding metrics.csv and target.json, sorted. */
export function listIssues(root: string, split?: string): PetshopIssueRef[] {
  if (!isDir(root)) throw new Error(`PetShop dataset folder not found: ${root}`);
  const out: PetshopIssueRef[] = [];
  for (const scenario of readdirSync(root).sort()) {
    for (const s of isDir(path.join(root, scenario)) ? readdirSync(path.join(root, scenario)).sort() : []) {
      if (s === 'noissue' || s.startsWith('.') || (split && s !== split)) continue;
      const splitDir = path.join(root, scenario, s);
      if (!isDir(splitDir)) continue;
      for (const issue of readdirSync(splitDir).sort(byNumericSuffix)) {
        const dir = path.join(splitDir, issue);
        if (existsSync(path.join(dir, 'metrics.csv')) && existsSync(path.join(dir, 'target.json'))) {
          out.push({ scenario, split: s, folder: `${scenario}/${s}/${issue}`, dir });
        }
      }
    }
  }
  return out;
}

function byNumericSuffix(a: string, b: string): number {
  const na = Number(/(\d+)$/.exec(a)?.[1] ?? NaN);
  const nb = Number(/(\d+)$/.exec(b)?.[1] ?? NaN);
  return Number.isNaN(na) || Number.isNaN(nb) || na === nb ? a.localeCompare(b) : na - nb;
}

function parseCell(cell: string): number {
  const v = cell.trim() === '' ? NaN : Number(cell);
  return Number.isFinite(v) ? v : NaN;
}

/** Parses metrics.csv: 3 header rows (node, metric, statistic), an optional index-name row, then rows. */
export function parseMetricsCsv(text: string, file = 'metrics.csv'): PetshopMetrics {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  if (lines.length < 3) throw new Error(`${file}: expected 3 header rows (node, metric, statistic)`);
  const [nodes, metrics, stats] = lines.slice(0, 3).map((l) => l.split(','));
  if (nodes.length !== metrics.length || nodes.length !== stats.length) {
    throw new Error(`${file}: header rows have different widths (${nodes.length}, ${metrics.length}, ${stats.length})`);
  }
  const rows = lines.slice(3).map((l) => l.split(',')).filter((r) => !Number.isNaN(parseCell(r[0])));
  const timestamps = Float64Array.from(rows, (r) => parseCell(r[0]));
  const series = new Map<string, Map<string, Float64Array>>();
  for (let c = 1; c < nodes.length; c += 1) {
    const values = Float64Array.from(rows, (r) => parseCell(r[c] ?? ''));
    const byMetric = series.get(nodes[c]) ?? new Map<string, Float64Array>();
    byMetric.set(metricKey(metrics[c], stats[c]), values);
    series.set(nodes[c], byMetric);
  }
  return { timestamps, series };
}

export function loadMetrics(file: string): PetshopMetrics {
  return parseMetricsCsv(readFileSync(file, 'utf8'), file);
}

/** graph.csv is an adjacency matrix: a non-zero cell at (row, column) means row calls column. */
export function parseGraphCsv(text: string, file = 'graph.csv'): { nodes: string[]; edges: [string, string][] } {
  const lines = text.split(/\r?\n/).filter((l) => l.length > 0);
  const header = lines[0]?.split(',').slice(1);
  if (!header?.length) throw new Error(`${file}: missing header row of node names`);
  const edges: [string, string][] = [];
  for (const line of lines.slice(1)) {
    const [from, ...cells] = line.split(',');
    if (cells.length !== header.length) throw new Error(`${file}: row ${from} has ${cells.length} cells, expected ${header.length}`);
    cells.forEach((cell, j) => {
      const v = parseCell(cell);
      if (!Number.isNaN(v) && v !== 0) edges.push([from, header[j]]);
    });
  }
  return { nodes: header, edges };
}

/** Reads only `target` of target.json: the symptom the ranking is allowed to see. */
export function loadSymptom(dir: string): PetshopSymptom {
  const file = path.join(dir, 'target.json');
  const raw = JSON.parse(readFileSync(file, 'utf8')) as { target?: Record<string, unknown> };
  const t = raw.target;
  if (!t || typeof t.node !== 'string' || typeof t.metric !== 'string') {
    throw new Error(`${file}: "target" must have string "node" and "metric"`);
  }
  const statistic = typeof t.agg === 'string' ? t.agg : 'Average';
  const timestamp = typeof t.timestamp === 'number' ? t.timestamp : undefined;
  return { node: t.node, metric: t.metric, statistic, timestamp };
}

/** The true root-cause node, for scoring only; null when the file has none. */
export function readAnswer(dir: string): string | null {
  const raw = JSON.parse(readFileSync(path.join(dir, 'target.json'), 'utf8')) as { root_cause?: { node?: unknown } };
  return typeof raw.root_cause?.node === 'string' ? raw.root_cause.node : null;
}
