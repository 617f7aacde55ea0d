import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../../core/clock.js';
import { ConfigError } from '../../../core/errors.js';
import { createRepos } from '../sql/create-repos.js';
import type { Store } from '../types.js';
import { sqliteMigrations } from './migrations.js';
import { createSqliteDb } from './sqlite-db.js';

export interface SqliteStoreOptions {
  /** File path, or ':memory:' for a private in-process database. */
  path: string;
  /** How long a writer waits for another process's write lock before failing. Default 10 s. */
  busyTimeoutMs?: number;
  clock?: Clock;
}

const PAGE_SIZE = 16_384;

function open(path: string, busyTimeoutMs: number): Database.Database {
  try {
    const raw = new Database(path);
    raw.pragma(`busy_timeout = ${Math.trunc(busyTimeoutMs)}`);
    // 16 KB pages for a new file (an existing one keeps its own): detector states are blobs of
    // ~200 KB per cluster, and writing 1,400 of them took half the CPU with 16 KB pages as with 4 KB
    raw.pragma(`page_size = ${PAGE_SIZE}`);
    raw.pragma('journal_mode = WAL');
    raw.pragma('synchronous = NORMAL');
    return raw;
  } catch (err) {
    throw new ConfigError(
      `Cannot open SQLite database at ${path}: ${(err as Error).message}. Check the store path and that its directory exists and is writable.`,
      { cause: err },
    );
  }
}

/** Embedded store: WAL mode so several processes can share one file; writers serialise on BEGIN IMMEDIATE. */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const db = createSqliteDb(open(options.path, options.busyTimeoutMs ?? 10_000));
  return {
    kind: 'sqlite',
    migrate: () => db.migrate(sqliteMigrations, clock.nowMs()),
    close: () => db.close(),
    ...createRepos(db, clock),
  };
}
