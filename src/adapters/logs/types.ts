import type { ComponentNamespaces } from './namespace-scope.js';

export interface LogLine {
  /** The store's id of the line (OpenSearch: index and document id), when it has one: a line two searches found counts once. */
  id?: string;
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
  /** Lines of these components only (label or container naming one, aliases included); an empty list, none. */
  components?: readonly string[];
  /**
   * Warning and error lines only: the store leaves out lines whose level it knows to be lower (a
   * level field of info, debug, …), before the limit. Lines it cannot judge (no level field) are
   * returned with the level read from their message, so callers still filter on `level`.
   */
  problemsOnly?: boolean;
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
