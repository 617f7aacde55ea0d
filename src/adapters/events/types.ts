export interface KubeEvent {
  tsMs: number;
  cluster: string;
  namespace: string;
  involvedKind: string;
  involvedName: string;
  node?: string;
  reason: string;
  type: 'Normal' | 'Warning';
  message: string;
  count: number;
}

export interface EventQuery {
  clusters: string[];
  startMs: number;
  endMs: number;
  reasons?: string[];
  limit: number;
  abortSignal?: AbortSignal;
}

/** Kubernetes events (OpenSearch index or API server). */
export interface EventSource {
  /**
   * `false` when no event store is configured (events.kind none): lists answer nothing, and the RCA
   * reports events as not configured rather than as quiet.
   */
  readonly configured?: false;
  /** Events in the range, newest first, at most `limit`. */
  listEvents(q: EventQuery): Promise<KubeEvent[]>;
}
