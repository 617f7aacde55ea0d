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
  /**
   * Firing episodes overlapping the range, ordered by start. `lookBack` for an episode already firing
   * at the range start: `start` (default) follows it back to its real start (within the source's
   * look-back limit); `range` only far enough to show that it started before the range, its start
   * then being some time before the range. Counting episodes by the week they started in needs only
   * `range`; showing since when an alert fires needs `start`.
   */
  listEpisodes(range: { startMs: number; endMs: number; lookBack?: 'start' | 'range'; abortSignal?: AbortSignal }): Promise<AlertEpisode[]>;
  /**
   * The earliest time the source holds alert history for, when it knows it (a simulated fleet's first
   * step). No episodes before it is no data, not a quiet week. Absent or undefined: not known.
   */
  historyStartMs?(signal?: AbortSignal): Promise<number | undefined>;
}
