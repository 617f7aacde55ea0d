export interface Change {
  id: string;
  tsMs: number;
  cluster: string;
  component: string;
  kind: 'deploy' | 'config' | 'maintenance';
  fromVersion?: string;
  toVersion?: string;
  author: string;
  /** Deploy/sync outcome as reported by the source. */
  status: 'succeeded' | 'failed' | 'running';
  description: string;
  /** End of a maintenance window, when kind is `maintenance`. */
  endMs?: number;
}

export interface ChangeQuery {
  clusters: string[];
  startMs: number;
  endMs: number;
  abortSignal?: AbortSignal;
}

/** Deploy, config-change and maintenance history (Argo CD in production). */
export interface ChangeSource {
  /**
   * `false` when no change history is configured (changes.kind none): lists answer nothing (no
   * maintenance window is known, so none hides a finding), and the RCA reports deploys and config
   * changes as not configured rather than as absent.
   */
  readonly configured?: false;
  /** Changes in the range, oldest first. */
  listChanges(q: ChangeQuery): Promise<Change[]>;
}
