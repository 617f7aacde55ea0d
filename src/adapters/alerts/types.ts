export interface AlertEpisode {
  alertname: string;
  cluster: string;
  severity: string;
  labels: Record<string, string>;
  startMs: number;
  /** Last firing sample + one step; equals range end when still firing. */
  endMs: number;
}

/** Alert history (Prometheus `ALERTS{alertstate="firing"}`). */
export interface AlertHistory {
  /** Firing episodes overlapping the range, ordered by start. */
  listEpisodes(range: { startMs: number; endMs: number; abortSignal?: AbortSignal }): Promise<AlertEpisode[]>;
}
