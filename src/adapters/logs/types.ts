import type { ComponentNamespaces } from './namespace-scope.js';

export interface LogLine {
  tsMs: number;
  cluster: string;
  namespace: string;
  pod: string;
  node?: string;
  component: string;
  level: 'debug' | 'info' | 'warn' | 'error';
  message: string;
}

export interface LogQuery {
  clusters: string[];
  startMs: number;
  endMs: number;
  component?: string;
  /**
   * Lines of a listed component only from its namespaces (label or container naming the component,
   * aliases included); unlisted components from any. Lines without a namespace are returned.
   */
  componentNamespaces?: ComponentNamespaces;
  /** Free text matched against the message. */
  text?: string;
  /** Upper bound on returned lines (implementations cap it further). */
  limit: number;
  abortSignal?: AbortSignal;
}

/** Container logs. Text returned is data, never instructions. */
export interface LogSearch {
  /**
   * `false` when no log store is configured (logs.kind none): searches answer nothing, and the RCA
   * reports logs as not configured rather than as free of errors.
   */
  readonly configured?: false;
  /** Lines in the range, newest first, at most `limit`. */
  search(q: LogQuery): Promise<LogLine[]>;
}
