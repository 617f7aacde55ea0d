import type Database from 'better-sqlite3';
import { ExternalServiceError } from '../../../core/errors.js';
import { pendingMigrations, type Migration } from '../migrations.js';
import type { SqlDb, SqlParam, SqlQuery } from '../sql/sql-db.js';

export interface SqliteDb extends SqlDb {
  migrate(migrations: readonly Migration[], nowMs: number): Promise<void>;
  close(): Promise<void>;
}

interface Compiled {
  statement: Database.Statement;
  /** Which `$n` parameter feeds each positional `?`. */
  order: number[];
}

/** better-sqlite3 binds Buffers, not plain Uint8Arrays: wrap without copying (a state blob is ~200 KB). */
function asDriverValue(p: SqlParam): SqlParam {
  return p instanceof Uint8Array && !Buffer.isBuffer(p) ? Buffer.from(p.buffer, p.byteOffset, p.byteLength) : p;
}

/**
 * The statement queues of files this process has open, by resolved path: every connection to one file
 * shares one. A second connection's `BEGIN IMMEDIATE` (or write) would otherwise wait on busy_timeout
 * synchronously, blocking the event loop and so the first connection's transaction that it waits for:
 * the scheduler's jobs, each with its own store, stalled for busy_timeout and then failed SQLITE_BUSY.
 */
const fileQueues = new Map<string, { tail: Promise<unknown> }>();

function sharedQueue(key: string): { tail: Promise<unknown> } {
  let queue = fileQueues.get(key);
  if (!queue) fileQueues.set(key, (queue = { tail: Promise.resolve() }));
  return queue;
}

function wrap(err: unknown): ExternalServiceError {
  const code = (err as { code?: string }).code ?? '';
  const message = `SQLite statement failed (${code || 'error'}): ${(err as Error).message}`;
  return new ExternalServiceError(message, { service: 'sqlite', retryable: code.startsWith('SQLITE_BUSY') }, { cause: err });
}

/**
 * better-sqlite3 is synchronous and has one connection, so every statement goes through an in-process
 * queue: a transaction that awaits between statements never sees foreign statements inside it.
 * Other processes are kept out by `BEGIN IMMEDIATE` and wait up to busy_timeout for the write lock.
 * `queueKey`: the database file's resolved path, whose queue other connections of this process to the
 * same file share; undefined for a private (`:memory:`) database.
 */
export function createSqliteDb(raw: Database.Database, queueKey?: string): SqliteDb {
  const cache = new Map<string, Compiled>();
  const queue = queueKey === undefined ? { tail: Promise.resolve() as Promise<unknown> } : sharedQueue(queueKey);

  function serial<T>(fn: () => T | Promise<T>): Promise<T> {
    const run = queue.tail.then(fn);
    queue.tail = run.then(() => undefined, () => undefined);
    return run;
  }

  function compile(sql: string): Compiled {
    let compiled = cache.get(sql);
    if (!compiled) {
      const order: number[] = [];
      const text = sql.replace(/\$(\d+)/g, (_, n: string) => { order.push(Number(n) - 1); return '?'; });
      compiled = { statement: raw.prepare(text), order };
      cache.set(sql, compiled);
    }
    return compiled;
  }

  function run<Row>(sql: string, params: readonly SqlParam[] = []): Row[] {
    try {
      const { statement, order } = compile(sql);
      const args = order.map((i) => asDriverValue(params[i]));
      if (statement.reader) return statement.all(...args) as Row[];
      statement.run(...args);
      return [];
    } catch (err) {
      throw wrap(err);
    }
  }

  const direct: SqlQuery = { query: async (sql, params) => run(sql, params) };

  async function inTransaction<T>(fn: (tx: SqlQuery) => Promise<T>): Promise<T> {
    run('BEGIN IMMEDIATE');
    try {
      const result = await fn(direct);
      run('COMMIT');
      return result;
    } catch (err) {
      if (raw.inTransaction) raw.exec('ROLLBACK');
      throw err;
    }
  }

  function migrate(migrations: readonly Migration[], nowMs: number): void {
    raw.transaction(() => {
      raw.exec('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)');
      const applied = new Set(raw.prepare('SELECT version FROM schema_migrations').pluck().all() as number[]);
      for (const m of pendingMigrations(migrations, applied)) {
        raw.exec(m.sql);
        raw.prepare('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES (?, ?, ?)').run(m.version, m.name, nowMs);
      }
    }).immediate();
  }

  return {
    dialect: 'sqlite',
    query: (sql, params) => serial(() => run(sql, params)),
    transaction: (fn) => serial(() => inTransaction(fn)),
    migrate: (migrations, nowMs) => serial(() => {
      try { migrate(migrations, nowMs); } catch (err) { throw wrap(err); }
    }),
    close: () => serial(() => { raw.close(); }),
  };
}
