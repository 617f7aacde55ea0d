import type pg from 'pg';
import { ExternalServiceError } from '../../../core/errors.js';
import { pendingMigrations, type Migration } from '../migrations.js';
import type { SqlDb, SqlParam, SqlQuery } from '../sql/sql-db.js';

export interface PgDb extends SqlDb {
  migrate(migrations: readonly Migration[], nowMs: number): Promise<void>;
}

const MIGRATE_LOCK_KEY = 'fleetops.migrate';
const RETRYABLE = /^(40001|40P01|57P0[123]|08...|53300|ECONNRESET|ECONNREFUSED|ETIMEDOUT)$/;

function wrap(err: unknown): ExternalServiceError {
  const code = String((err as { code?: string }).code ?? '');
  const message = `PostgreSQL query failed (${code || 'error'}): ${(err as Error).message}`;
  return new ExternalServiceError(message, { service: 'postgres', retryable: RETRYABLE.test(code) }, { cause: err });
}

function queryVia(q: pg.Pool | pg.PoolClient): SqlQuery {
  return {
    async query<Row>(sql: string, params: readonly SqlParam[] = []) {
      try {
        const result = await q.query(sql, params as SqlParam[]);
        return result.rows as Row[];
      } catch (err) {
        throw wrap(err);
      }
    },
  };
}

async function connect(pool: pg.Pool): Promise<pg.PoolClient> {
  try {
    return await pool.connect();
  } catch (err) {
    throw wrap(err);
  }
}

/** Runs `fn` on one pooled client; a client that failed mid-way is destroyed rather than reused. */
async function withClient<T>(pool: pg.Pool, fn: (client: pg.PoolClient, q: SqlQuery) => Promise<T>): Promise<T> {
  const client = await connect(pool);
  let failure: Error | undefined;
  try {
    return await fn(client, queryVia(client));
  } catch (err) {
    failure = err as Error;
    throw err;
  } finally {
    client.release(failure);
  }
}

async function inTransaction<T>(q: SqlQuery, fn: (tx: SqlQuery) => Promise<T>, lockKey?: string): Promise<T> {
  await q.query('BEGIN');
  try {
    if (lockKey !== undefined) await q.query('SELECT pg_advisory_xact_lock(hashtext($1))', [lockKey]);
    const result = await fn(q);
    await q.query('COMMIT');
    return result;
  } catch (err) {
    await q.query('ROLLBACK').catch(() => undefined);
    throw err;
  }
}

async function applyMigrations(q: SqlQuery, migrations: readonly Migration[], nowMs: number): Promise<void> {
  await q.query('CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at_ms BIGINT NOT NULL)');
  const rows = await q.query<{ version: number }>('SELECT version FROM schema_migrations');
  for (const m of pendingMigrations(migrations, new Set(rows.map((r) => r.version)))) {
    await inTransaction(q, async (tx) => {
      await tx.query(m.sql);
      await tx.query('INSERT INTO schema_migrations (version, name, applied_at_ms) VALUES ($1, $2, $3)', [m.version, m.name, nowMs]);
    });
  }
}

/** Session advisory lock: several CronJob pods starting at once migrate one after another. */
async function migrate(pool: pg.Pool, migrations: readonly Migration[], nowMs: number): Promise<void> {
  await withClient(pool, async (_client, q) => {
    await q.query('SELECT pg_advisory_lock(hashtext($1))', [MIGRATE_LOCK_KEY]);
    try {
      await applyMigrations(q, migrations, nowMs);
    } finally {
      await q.query('SELECT pg_advisory_unlock(hashtext($1))', [MIGRATE_LOCK_KEY]);
    }
  });
}

export function createPgDb(pool: pg.Pool): PgDb {
  return {
    dialect: 'postgres',
    query: queryVia(pool).query,
    transaction: (fn, options) => withClient(pool, (_client, q) => inTransaction(q, fn, options?.lockKey)),
    migrate: (migrations, nowMs) => migrate(pool, migrations, nowMs),
  };
}
