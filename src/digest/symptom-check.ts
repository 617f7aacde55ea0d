import type { MetricsSource } from '../adapters/metrics/types.js';
import type { AnomalyRow } from '../adapters/store/types.js';
import type { SignalCatalog } from '../signals/catalog.js';
import { compareText } from '../core/compare-text.js';

export interface SymptomCheckOptions {
  metrics: MetricsSource;
  catalog: SignalCatalog;
  /** SLO overrides by `signal` or `signal:component` (config.scan.slo). */
  sloOverrides?: Record<string, number>;
  /** The data's "now": the end of the look-back window. */
  nowMs: number;
  /** Default 15 minutes. */
  windowMs?: number;
  stepSeconds: number;
  /** Clusters checked per symptom (the worst findings first); bounds the query. Default 50. */
  maxClusters?: number;
  signal?: AbortSignal;
}

export interface SymptomCheck {
  present: boolean;
  /** Clusters where the symptom was seen in the window. */
  clusters: string[];
  /**
   * Clusters whose query failed (MetricsAnswer.failedClusters): not judged. Absent rows there are no
   * answer, neither a silence (missing data) nor a recovery; with none seen, the symptom is unknown.
   */
  unknown: string[];
  detail: string;
}

interface Symptom {
  signal: string;
  component: string;
  kind: AnomalyRow['kind'];
  /** Bad when the value is on the wrong side of this threshold. */
  threshold?: number;
  badDirection: 'up' | 'down';
  clusters: string[];
}

/**
 * Is the group's symptom still there? For each (signal, component) of its findings, fetches the
 * last `windowMs` through MetricsSource and looks for a bad point: beyond the SLO when the signal has
 * one, else past halfway from the finding's baseline to its worst value; for missing data, no sample.
 */
export async function checkSymptomPresent(findings: readonly AnomalyRow[], opts: SymptomCheckOptions): Promise<SymptomCheck> {
  const windowMs = opts.windowMs ?? 15 * 60_000;
  const symptoms = symptomsOf(findings, opts);
  const seen = new Set<string>();
  const unanswered = new Set<string>();
  const reasons = new Set<string>();
  for (const s of symptoms) {
    const answer = await opts.metrics.query({
      signal: s.signal, component: s.kind === 'missing-data' ? undefined : s.component, clusters: s.clusters,
      startMs: opts.nowMs - windowMs, endMs: opts.nowMs, stepSeconds: opts.stepSeconds, abortSignal: opts.signal,
    });
    const failed = new Set(answer.failedClusters);
    for (const r of answer.failureReasons ?? []) reasons.add(r);
    for (const cluster of s.clusters) {
      if (failed.has(cluster)) {
        unanswered.add(cluster);
        continue;
      }
      const values = answer.series.filter((x) => x.cluster === cluster).flatMap((x) => [...x.values]);
      if (isBad(values, s)) seen.add(cluster);
    }
  }
  const clusters = [...seen].sort();
  const unknown = [...unanswered].filter((c) => !seen.has(c)).sort();
  const minutes = Math.round(windowMs / 60_000);
  const why = reasons.size ? ` (${[...reasons].slice(0, 2).join('; ')})` : '';
  const detail = clusters.length
    ? `symptom still present in the last ${minutes} minutes on ${clusters.length} clusters`
    : unknown.length
      ? `symptom not judged: the metrics query failed for ${unknown.join(', ')}${why}`
      : `symptom not present in the last ${minutes} minutes (recovered)`;
  return { present: clusters.length > 0, clusters, unknown, detail };
}

function isBad(values: number[], s: Symptom): boolean {
  const seen = values.filter((v) => !Number.isNaN(v));
  if (s.kind === 'missing-data') return seen.length === 0;
  if (s.threshold === undefined) return false;
  const t = s.threshold;
  return seen.some((v) => (s.badDirection === 'down' ? v < t : v > t));
}

function symptomsOf(findings: readonly AnomalyRow[], opts: SymptomCheckOptions): Symptom[] {
  const byKey = new Map<string, Symptom & { worst: Map<string, number> }>();
  for (const f of findings) {
    const key = f.kind === 'missing-data' ? 'missing-data' : `${f.signal}\u0000${f.component}`;
    const entry = opts.catalog.entriesFor(f.signal, f.component)[0];
    const s: Symptom & { worst: Map<string, number> } = byKey.get(key) ?? { signal: f.signal, component: f.component, kind: f.kind, badDirection: entry?.badDirection ?? 'down', clusters: [], worst: new Map() };
    s.threshold ??= thresholdOf(f, entry?.slo, opts.sloOverrides, s.badDirection);
    s.worst.set(f.cluster, Math.max(s.worst.get(f.cluster) ?? 0, f.score));
    byKey.set(key, s);
  }
  const max = opts.maxClusters ?? 50;
  return [...byKey.values()].map(({ worst, ...s }) => ({ ...s, clusters: [...worst].sort((a, b) => b[1] - a[1] || compareText(a[0], b[0])).slice(0, max).map(([c]) => c) }));
}

function thresholdOf(f: AnomalyRow, slo: number | undefined, overrides: Record<string, number> = {}, bad: 'up' | 'down'): number | undefined {
  const num = (v: unknown) => (typeof v === 'number' && Number.isFinite(v) ? v : undefined);
  const explicit = num(f.details.slo) ?? overrides[`${f.signal}:${f.component}`] ?? overrides[f.signal] ?? slo;
  if (explicit !== undefined) return explicit;
  const baseline = num(f.details.baseline) ?? num(f.details.levelBefore);
  const worst = num(f.details.worst) ?? (baseline !== undefined && num(f.details.magnitude) !== undefined ? baseline + (bad === 'up' ? 1 : -1) * Math.abs(num(f.details.magnitude)!) : undefined);
  return baseline !== undefined && worst !== undefined ? (baseline + worst) / 2 : undefined;
}
