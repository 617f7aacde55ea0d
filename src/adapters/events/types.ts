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
  /** Events in the range, newest first, at most `limit`. */
  listEvents(q: EventQuery): Promise<KubeEvent[]>;
}
