import pg from 'pg';
import { systemClock, type Clock } from '../../../core/clock.js';
import { ConfigError } from '../../../core/errors.js';
import { createRepos } from '../sql/create-repos.js';
import type { Store } from '../types.js';
import { postgresMigrations } from './migrations.js';
import { createPgDb } from './pg-db.js';

export interface PostgresStoreOptions {
  /** `postgres://user:password@host:port/database`. */
  url: string;
  /** Pool size per process. Default 5. */
  poolSize?: number;
  applicationName?: string;
  /** Server-side statement timeout (includes waiting for locks). Default 30 s. */
  statementTimeoutMs?: number;
  /** Time to establish a connection. Default 10 s. */
  connectTimeoutMs?: number;
  clock?: Clock;
}

/** host:port/database of the URL, without credentials, for error messages. */
export function describeTarget(url: string): string {
  const parsed = new URL(url);
  return `${parsed.hostname || 'localhost'}:${parsed.port || '5432'}${parsed.pathname}`;
}

function createPool(options: PostgresStoreOptions): pg.Pool {
  const statementTimeoutMs = options.statementTimeoutMs ?? 30_000;
  const pool = new pg.Pool({
    connectionString: options.url,
    max: options.poolSize ?? 5,
    application_name: options.applicationName ?? 'fleetops',
    statement_timeout: statementTimeoutMs,
    query_timeout: statementTimeoutMs + 5_000,
    idle_in_transaction_session_timeout: statementTimeoutMs * 2,
    connectionTimeoutMillis: options.connectTimeoutMs ?? 10_000,
  });
  // An idle client losing its connection must not crash the job; the next query reports the failure.
  pool.on('error', () => undefined);
  return pool;
}

async function checkReachable(pool: pg.Pool, target: string): Promise<void> {
  try {
    await pool.query('SELECT 1');
  } catch (err) {
    await pool.end().catch(() => undefined);
    throw new ConfigError(
      `Cannot connect to PostgreSQL at ${target}: ${(err as Error).message}. Check the store URL (host, port, database, credentials) and that the server is reachable.`,
      { cause: err },
    );
  }
}

/** Production store: a pg Pool; fails fast with ConfigError when the database is unreachable. */
export async function createPostgresStore(options: PostgresStoreOptions): Promise<Store> {
  let target: string;
  try {
    target = describeTarget(options.url);
  } catch (err) {
    throw new ConfigError('Invalid PostgreSQL URL: expected postgres://user:password@host:port/database', { cause: err });
  }
  const pool = createPool(options);
  await checkReachable(pool, target);
  const db = createPgDb(pool);
  const clock = options.clock ?? systemClock;
  return {
    kind: 'postgres',
    migrate: () => db.migrate(postgresMigrations, clock.nowMs()),
    close: () => pool.end(),
    ...createRepos(db, clock),
  };
}
