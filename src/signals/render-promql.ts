import type { CatalogEntry } from './catalog.js';

export interface RenderOptions {
  clusterLabel: string;
  /** Cluster ids to select; empty selects every series carrying the cluster label (rules). */
  clusters: readonly string[];
  /** Range of rate()/increase(); ≥ 2 scrape intervals (Prometheus 3 windows are left-open). */
  rateWindow?: string;
  /** Query step, for per-step counts (`rate(x[w]) * {{stepSeconds}}`); default 300. */
  stepSeconds?: number;
  /** Query the entry's recording rule instead of its expression. */
  useRecordingRule?: boolean;
}

/** Escape RE2 metacharacters so a cluster id matches only itself inside `=~`. */
export function escapeRegex(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** Escape a value for a double-quoted PromQL string literal. */
export function quotePromql(value: string): string {
  return `"${value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n')}"`;
}

/** `cluster="a"` for one cluster, `cluster=~"a|b\\.c"` for many, `cluster!=""` for none. */
export function clusterMatcher(clusterLabel: string, clusters: readonly string[]): string {
  if (clusters.length === 0) return `${clusterLabel}!=""`;
  if (clusters.length === 1) return `${clusterLabel}=${quotePromql(clusters[0])}`;
  return `${clusterLabel}=~${quotePromql(clusters.map(escapeRegex).join('|'))}`;
}

/** Fill an entry's template (or select its recording rule) for one batch of clusters. */
export function renderPromql(entry: CatalogEntry, opts: RenderOptions): string {
  const matcher = clusterMatcher(opts.clusterLabel, opts.clusters);
  if (opts.useRecordingRule && entry.recordingRule) return `${entry.recordingRule}{${matcher}}`;
  const values: Record<string, string> = {
    clusterLabel: opts.clusterLabel,
    clusterMatcher: matcher,
    rateWindow: opts.rateWindow ?? '5m',
    componentMatcher: '',
    stepSeconds: String(opts.stepSeconds ?? 300),
  };
  return entry.promql.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}
