import type { Series } from '../../fleet/types.js';

export interface MetricsRequest {
  /** Catalog signal id (golden signal or drill-down signal such as `node_network_saturation`). */
  signal: string;
  /** Cluster ids to fetch; the implementation batches them (never one query per cluster). */
  clusters: string[];
  /** Restrict to one component; all components of the signal when absent. */
  component?: string;
  startMs: number;
  endMs: number;
  stepSeconds: number;
  abortSignal?: AbortSignal;
}

export interface MetricsAnswer {
  series: Series[];
  /** Partial-data warnings (Thanos/Mimir `warnings`, split queries that failed). */
  warnings: string[];
  /** Clusters requested but absent from the answer because a query failed (not: had no data). */
  failedClusters: string[];
  /** Why those queries failed: each distinct error once (for the run's failure report). */
  failureReasons?: string[];
  /** Bytes received over the wire (0 for in-process sources). */
  bytesFetched: number;
}

/** Golden signals and drill-down series, by catalog id, over a time range. */
export interface MetricsSource {
  /** Fetch one signal for many clusters. Partial failures are reported in the answer, not thrown. */
  query(req: MetricsRequest): Promise<MetricsAnswer>;
}
