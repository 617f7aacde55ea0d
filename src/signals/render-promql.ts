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
  /**
   * Rules for a Prometheus that holds one cluster and names it only in its external labels (added
   * on remote write, federation and Thanos upload, not to rule inputs): select every series, with or
   * without the cluster label, instead of `cluster!=""`, which there matches nothing.
   */
  anyCluster?: boolean;
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

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3_600 };

/**
 * The rate window of a query at this step: the configured window, or the step when the step is
 * longer. A 5m rate sampled every hour reads 5 minutes of each hour, and the per-step counts (pod
 * restarts, OOM kills) would miss what happened in the other 55.
 */
export function rateWindowFor(window: string, stepSeconds: number | undefined): string {
  const m = /^(\d+)([smh])$/.exec(window);
  if (!m || stepSeconds === undefined) return window;
  return Number(m[1]) * UNIT_SECONDS[m[2]] < stepSeconds ? `${stepSeconds}s` : window;
}

/** Rate window of the shipped recording rules (rules/, renderRecordingRules). */
export const RULE_RATE_WINDOW = '5m';

/** Fill an entry's template (or select its recording rule) for one batch of clusters. */
export function renderPromql(entry: CatalogEntry, opts: RenderOptions): string {
  // `=~".*"` also matches a series without the label (the metric name is the selector's non-empty matcher)
  const matcher = opts.anyCluster ? `${opts.clusterLabel}=~".*"` : clusterMatcher(opts.clusterLabel, opts.clusters);
  if (opts.useRecordingRule && entry.recordingRule) {
    // at a step longer than the rule's window, one sample a step would miss a dip between two of them
    const window = rateWindowFor(RULE_RATE_WINDOW, opts.stepSeconds);
    const selector = `${entry.recordingRule}{${matcher}}`;
    return window === RULE_RATE_WINDOW ? selector : `avg_over_time(${selector}[${window}])`;
  }
  const values: Record<string, string> = {
    clusterLabel: opts.clusterLabel,
    clusterMatcher: matcher,
    rateWindow: rateWindowFor(opts.rateWindow ?? '5m', opts.stepSeconds),
    componentMatcher: '',
    stepSeconds: String(opts.stepSeconds ?? 300),
  };
  return entry.promql.replace(/\{\{\s*([a-zA-Z]+)\s*\}\}/g, (_, name: string) => values[name] ?? '');
}
