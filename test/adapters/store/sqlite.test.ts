import Database from 'better-sqlite3';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createSqliteStore, retryWhileBusy } from '../../../src/adapters/store/sqlite/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { anomaly, evidence, type StoreHarness } from './fixtures.js';
import { registerStoreSuite } from './store-suite.js';

const dir = mkdtempSync(join(tmpdir(), 'fleetops-sqlite-'));
let count = 0;
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const harness: StoreHarness = {
  kind: 'sqlite',
  newTarget: async () => join(dir, `store-${(count += 1)}.db`),
  open: (path) => createSqliteStore({ path }),
  async raw(path, sql) {
    const db = new Database(path);
    try {
      const statement = db.prepare(sql);
      if (statement.reader) return statement.all() as Record<string, unknown>[];
      statement.run();
      return [];
    } finally {
      db.close();
    }
  },
};

registerStoreSuite('sqlite store', () => harness);

describe('sqlite store specifics', () => {
  it('works in memory', async () => {
    const store = await createSqliteStore({ path: ':memory:' });
    await store.migrate();

    const result = await store.anomalies.upsertMany([anomaly('a1')]);

    expect(result).toEqual({ inserted: 1, updated: 0 });
    await store.close();
  });

  it('uses WAL mode on files', async () => {
    const path = join(dir, 'wal.db');
    const store = await createSqliteStore({ path });
    await store.migrate();

    const [mode] = await harness.raw(path, 'PRAGMA journal_mode');

    expect(mode).toEqual({ journal_mode: 'wal' });
    await store.close();
  });

  it('creates new files with 16 KB pages and opens an existing 4 KB-page file as it is', async () => {
    const fresh = join(dir, 'pages-new.db');
    const store = await createSqliteStore({ path: fresh });
    await store.migrate();
    await store.baselines.put('scan:c1', new Uint8Array(200_000).fill(7), 1, 2);
    await store.close();
    expect(await harness.raw(fresh, 'PRAGMA page_size')).toEqual([{ page_size: 16_384 }]);

    const existing = join(dir, 'pages-old.db');
    const old = new Database(existing);
    old.pragma('journal_mode = WAL');
    old.exec('CREATE TABLE before_fleetops (x)');
    old.close();
    const reopened = await createSqliteStore({ path: existing });
    await reopened.migrate();
    await reopened.baselines.put('scan:c1', new Uint8Array(200_000).fill(7), 1, 2);
    expect((await reopened.baselines.get('scan:c1'))?.state).toEqual(new Uint8Array(200_000).fill(7));
    await reopened.close();
    expect(await harness.raw(existing, 'PRAGMA page_size')).toEqual([{ page_size: 4_096 }]);
  });

  it('sees evidence stored with a NUL before NUL became U+FFFD as unchanged when it is observed again', async () => {
    const path = join(dir, 'evidence-nul.db');
    const store = await createSqliteStore({ path });
    await store.migrate();
    const row = evidence('e1', { excerpt: 'a\u0000b' });
    await harness.raw(path, `INSERT INTO evidence (id, group_id, source, query, start_ms, end_ms, excerpt, data, created_at_ms)
      VALUES ('e1', 'g-1', 'metrics', '${row.query}', ${row.startMs}, ${row.endMs}, 'a' || char(0) || 'b', '${JSON.stringify(row.data)}', ${row.createdAtMs})`);

    const inserted = await store.evidence.insertMany([row]);

    expect(inserted).toBe(0);
    expect((await store.evidence.get(['e1']))[0].excerpt).toBe('a\u0000b');
    await store.close();
  });

  it('reports an unopenable path as a ConfigError naming it', async () => {
    const opening = createSqliteStore({ path: join(dir, 'no', 'such', 'dir', 'x.db') });

    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    await expect(opening).rejects.toThrow(/no\/such\/dir/);
  });

  describe('retryWhileBusy (switching a file to WAL, which SQLite does not retry through busy_timeout)', () => {
    const busy = () => Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const clock = () => {
      let now = 0;
      return { sleeps: [] as number[], nowMs: () => now, sleep(this: { sleeps: number[] }, ms: number) { this.sleeps.push(ms); now += ms; } };
    };

    it('runs the statement again while SQLite answers busy, waiting longer each time', () => {
      const c = clock();
      let calls = 0;
      const out = retryWhileBusy(() => { if (++calls < 4) throw busy(); return 'wal'; }, 10_000, (ms) => c.sleep(ms), c.nowMs);

      expect(out).toBe('wal');
      expect(calls).toBe(4);
      expect(c.sleeps).toEqual([5, 10, 20]);
    });

    it('gives up after the timeout with the busy error, and never retries another error', () => {
      const c = clock();
      expect(() => retryWhileBusy(() => { throw busy(); }, 100, (ms) => c.sleep(ms), c.nowMs)).toThrow('database is locked');
      expect(c.sleeps.reduce((a, b) => a + b, 0)).toBe(100);

      let calls = 0;
      expect(() => retryWhileBusy(() => { calls++; throw Object.assign(new Error('disk I/O error'), { code: 'SQLITE_IOERR' }); }, 10_000, () => undefined)).toThrow('disk I/O error');
      expect(calls).toBe(1);
    });
  });
});
