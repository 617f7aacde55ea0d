/**
 * Reads the NAB corpus from the shared benchmarks folder (never copied into the repo):
 * data series, label windows, profiles, published thresholds and scores.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import type { CostMatrix, FileScore } from './nab-sweeper.js';

export interface NabSeries {
  /** Data path relative to `data/`, e.g. `realKnownCause/nyc_taxi.csv`. */
  readonly path: string;
  readonly timestamps: readonly string[];
  readonly timesMs: Float64Array;
  readonly values: Float64Array;
  /** Label windows as [startMs, endMs], in file order. */
  readonly windows: readonly (readonly [number, number])[];
}

/** A row of NAB's published `*_scores.csv`: the file's score and counts at the detector's threshold. */
export interface PublishedFileScore extends FileScore {
  readonly threshold: number;
}

export const PROFILES = ['standard', 'reward_low_FP_rate', 'reward_low_FN_rate'] as const;
export type ProfileName = (typeof PROFILES)[number];

/** `$FLEETOPS_BENCHMARKS/nab`, the env var defaulting to ../shared/benchmarks from the cwd. */
export function nabRoot(cwd = process.cwd()): string {
  return path.resolve(cwd, process.env.FLEETOPS_BENCHMARKS ?? '../shared/benchmarks', 'nab');
}

export function hasNab(root: string): boolean {
  return existsSync(path.join(root, 'labels', 'combined_windows.json'));
}

/** "YYYY-MM-DD HH:MM:SS[.ffffff]" read as UTC milliseconds. */
export function parseTimestampMs(s: string): number {
  const m = /^(\d{4})-(\d\d)-(\d\d)[ T](\d\d):(\d\d):(\d\d)(?:\.(\d+))?/.exec(s);
  if (!m) throw new Error(`bad NAB timestamp: ${s}`);
  const ms = m[7] ? Math.round(Number(`0.${m[7]}`) * 1000) : 0;
  return Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6], ms);
}

/** Two-column CSV with a header: first column text, second numeric. */
export function readTwoColumnCsv(file: string): { first: string[]; second: Float64Array } {
  const lines = readFileSync(file, 'utf8').split(/\r?\n/).filter((l) => l.length > 0);
  const first: string[] = [];
  const second = new Float64Array(lines.length - 1);
  for (let i = 1; i < lines.length; i++) {
    const comma = lines[i].indexOf(',');
    first.push(lines[i].slice(0, comma));
    second[i - 1] = Number(lines[i].slice(comma + 1));
  }
  return { first, second };
}

function readJson<T>(file: string): T {
  return JSON.parse(readFileSync(file, 'utf8')) as T;
}

/** Every labelled series under data/, sorted by path. */
export function loadNabSeries(root: string): NabSeries[] {
  const labels = readJson<Record<string, [string, string][]>>(path.join(root, 'labels', 'combined_windows.json'));
  return Object.keys(labels).sort().map((rel) => {
    const { first, second } = readTwoColumnCsv(path.join(root, 'data', rel));
    const windows = labels[rel].map(([a, b]) => [parseTimestampMs(a), parseTimestampMs(b)] as const);
    return { path: rel, timestamps: first, timesMs: Float64Array.from(first, parseTimestampMs), values: second, windows };
  });
}

export function loadProfiles(root: string): Record<ProfileName, CostMatrix> {
  const raw = readJson<Record<ProfileName, { CostMatrix: CostMatrix }>>(path.join(root, 'config', 'profiles.json'));
  return Object.fromEntries(PROFILES.map((p) => [p, raw[p].CostMatrix])) as Record<ProfileName, CostMatrix>;
}

/** results/<det>/<category>/<det>_<name>.csv, the detector's per-row anomaly_score. */
export function resultFilePath(dir: string, detector: string, rel: string): string {
  const [category, name] = rel.split('/');
  return path.join(dir, detector, category, `${detector}_${name}`);
}

export function loadDetectorScores(root: string, detector: string, rel: string): Float64Array {
  return readTwoColumnCsv(resultFilePath(path.join(root, 'results'), detector, rel)).second;
}

export function loadThresholds(root: string): Record<string, Record<ProfileName, { threshold: number; score: number }>> {
  return readJson(path.join(root, 'config', 'thresholds.json'));
}

export function loadFinalResults(root: string): Record<string, Record<ProfileName, number>> {
  return readJson(path.join(root, 'results', 'final_results.json'));
}

/** The published per-file rows of results/<det>/<det>_<profile>_scores.csv (Totals excluded). */
export function loadPublishedScores(root: string, detector: string, profile: ProfileName): Map<string, PublishedFileScore> {
  const file = path.join(root, 'results', detector, `${detector}_${profile}_scores.csv`);
  const rows = readFileSync(file, 'utf8').split(/\r?\n/).slice(1).filter((l) => l && !l.startsWith('Totals'));
  return new Map(rows.map((l) => {
    const c = l.split(',');
    const [threshold, score, tp, tn, fp, fn, total] = c.slice(3).map(Number);
    return [c[2], { threshold, score, tp, tn, fp, fn, total }];
  }));
}

export function listDetectors(root: string): string[] {
  return readdirSync(path.join(root, 'results'), { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name).sort();
}
