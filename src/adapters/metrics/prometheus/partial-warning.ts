/** The note an answer carries for one of its queries that failed (its clusters are in failedClusters). */
export const failedQueryNote = (q: { signal: string; component: string; clusters: readonly string[] }, reason: string): string =>
  `${q.signal}/${q.component}: query for ${q.clusters.length} clusters failed: ${reason}`;

const FAILED_QUERY_NOTE = /^[a-z][a-z0-9_]*\/[^\s:]+: query for \d+ clusters failed: /;

/**
 * Whether a warning on a Prometheus-API answer means data was left out. Prometheus' own query
 * annotations ("PromQL info: metric might not be a counter …", "PromQL warning: …") are about the
 * data, not data left out, and the note of a failed query names clusters already failed (taken for a
 * partial answer, it failed the clusters other queries answered with no series: silent ones); any
 * other warning is a Thanos or Mimir partial response (a store or ingester did not answer). Shared by
 * the fleet scan and the alert history.
 */
export const isPartialWarning = (w: string): boolean => !/^PromQL (info|warning):/i.test(w) && !FAILED_QUERY_NOTE.test(w);
