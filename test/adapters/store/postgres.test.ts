import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPostgresStore } from '../../../src/adapters/store/postgres/index.js';
import { ConfigError } from '../../../src/core/errors.js';
import { PG_UNAVAILABLE_MESSAGE, postgresAvailable, startTestPostgres, type TestPostgres } from '../../support/postgres.js';
import type { StoreHarness } from './fixtures.js';
import { registerStoreSuite } from './store-suite.js';

const available = postgresAvailable();
if (!available) console.warn(PG_UNAVAILABLE_MESSAGE);

let server: TestPostgres | undefined;
const icuDatabases: { admin: string; name: string }[] = [];

/**
 * A fresh database with an en-US (ICU) collation, as production servers usually have, not the test
 * server's C: text ordering that only matched SQLite's under C went unnoticed. Falls back to the plain
 * database where the server has no ICU.
 */
async function newLinguisticDatabase(base: string): Promise<string> {
  const name = `${new URL(base).pathname.slice(1)}_icu`;
  const client = new pg.Client({ connectionString: base });
  await client.connect();
  try {
    await client.query(`CREATE DATABASE ${name} TEMPLATE template0 LOCALE_PROVIDER icu ICU_LOCALE 'en-US' LOCALE 'C.UTF-8'`);
  } catch {
    return base;
  } finally {
    await client.end();
  }
  icuDatabases.push({ admin: base, name });
  const url = new URL(base);
  url.pathname = `/${name}`;
  return url.toString();
}

const harness: StoreHarness = {
  kind: 'postgres',
  newTarget: async () => {
    if (!server) throw new Error(PG_UNAVAILABLE_MESSAGE);
    return newLinguisticDatabase(await server.createDatabase());
  },
  open: (url) => createPostgresStore({ url, poolSize: 4, applicationName: 'fleetops-test' }),
  async raw(url, sql) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return (await client.query(sql)).rows as Record<string, unknown>[];
    } finally {
      await client.end();
    }
  },
};

describe.skipIf(!available)(available ? 'postgres' : `postgres (skipped: ${PG_UNAVAILABLE_MESSAGE})`, () => {
  beforeAll(async () => {
    server = await startTestPostgres();
  });
  afterAll(async () => {
    for (const { admin, name } of icuDatabases.splice(0)) await harness.raw(admin, `DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
    await server?.stop();
  });

  registerStoreSuite('postgres store', () => harness);
});

describe('postgres store startup', () => {
  it('reports an unreachable server as a ConfigError naming host:port', async () => {
    const opening = createPostgresStore({ url: 'postgres://fleetops:secret@127.0.0.1:1/fleetops', connectTimeoutMs: 2_000 });

    await expect(opening).rejects.toBeInstanceOf(ConfigError);
    await expect(opening).rejects.toThrow(/127\.0\.0\.1:1\/fleetops/);
    await expect(opening).rejects.not.toThrow(/secret/);
  });

  it('reports a malformed URL as a ConfigError', async () => {
    await expect(createPostgresStore({ url: 'not a url' })).rejects.toBeInstanceOf(ConfigError);
  });
});
