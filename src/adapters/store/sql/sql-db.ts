/** A parameter value both drivers accept. JSON is passed as a string (TEXT in SQLite, cast to JSONB). */
export type SqlParam = string | number | null | Uint8Array;

/** Runs one statement with `$1`-style placeholders; returns rows (empty for non-RETURNING writes). */
export interface SqlQuery {
  query<Row = Record<string, unknown>>(sql: string, params?: readonly SqlParam[]): Promise<Row[]>;
}

/**
 * The little the shared repositories need from a database. `transaction` serialises writers:
 * SQLite with `BEGIN IMMEDIATE`, PostgreSQL with `pg_advisory_xact_lock(lockKey)` when given.
 * Inside the callback use only the passed handle.
 */
export interface SqlDb extends SqlQuery {
  readonly dialect: 'sqlite' | 'postgres';
  transaction<T>(fn: (tx: SqlQuery) => Promise<T>, options?: { lockKey?: string }): Promise<T>;
}

/** `$1, $2, …` for `values`, numbered after `offset` existing parameters. */
export function placeholders(values: readonly unknown[], offset: number): string {
  return values.map((_, i) => `$${offset + i + 1}`).join(', ');
}

export function json(value: unknown): string | null {
  return value === undefined ? null : JSON.stringify(value);
}

/**
 * The rows of a multi-row write sorted by their key (stable: a repeated key's last row still wins), so
 * concurrent transactions lock rows in one order: in the callers' orders, two PostgreSQL writers of
 * the same rows each waited on a row the other had written and one was killed as a deadlock (40P01).
 */
export function inKeyOrder<T>(rows: readonly T[], keyOf: (row: T) => string): T[] {
  return [...rows].sort((a, b) => {
    const ka = keyOf(a);
    const kb = keyOf(b);
    return ka < kb ? -1 : ka > kb ? 1 : 0;
  });
}
