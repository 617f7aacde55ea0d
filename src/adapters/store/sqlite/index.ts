import Database from 'better-sqlite3';
import { resolve } from 'node:path';
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
    // two processes creating the same file (the demo's parallel shards) can both switch it to WAL at
    // once, and SQLite then answers SQLITE_BUSY without waiting on busy_timeout (5 in 150 tries here)
    retryWhileBusy(() => raw.pragma('journal_mode = WAL'), busyTimeoutMs);
    raw.pragma('synchronous = NORMAL');
    return raw;
  } catch (err) {
    throw new ConfigError(
      `Cannot open SQLite database at ${path}: ${(err as Error).message}. Check the store path and that its directory exists and is writable.`,
      { cause: err },
    );
  }
}

/**
 * Runs fn again while it fails with SQLITE_BUSY, sleeping a little longer each time, for up to
 * timeoutMs: for the statements SQLite does not retry itself through busy_timeout.
 */
export function retryWhileBusy<T>(fn: () => T, timeoutMs: number, sleep: (ms: number) => void = sleepSync, nowMs: () => number = Date.now): T {
  const deadline = nowMs() + timeoutMs;
  for (let pause = 5; ; pause = Math.min(pause * 2, 200)) {
    try {
      return fn();
    } catch (err) {
      if ((err as { code?: unknown }).code !== 'SQLITE_BUSY' || nowMs() >= deadline) throw err;
      sleep(Math.min(pause, Math.max(1, deadline - nowMs())));
    }
  }
}

function sleepSync(ms: number): void {
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
}

/** The resolved file path, or undefined for a private in-memory database (`:memory:` or ''). */
function queueKeyOf(path: string): string | undefined {
  return path === ':memory:' || path === '' ? undefined : resolve(path);
}

/** Embedded store: WAL mode so several processes can share one file; writers serialise on BEGIN IMMEDIATE. */
export async function createSqliteStore(options: SqliteStoreOptions): Promise<Store> {
  const clock = options.clock ?? systemClock;
  const db = createSqliteDb(open(options.path, options.busyTimeoutMs ?? 10_000), queueKeyOf(options.path));
  return {
    kind: 'sqlite',
    migrate: () => db.migrate(sqliteMigrations, clock.nowMs()),
    close: () => db.close(),
    ...createRepos(db, clock),
  };
}
