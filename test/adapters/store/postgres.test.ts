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

const harness: StoreHarness = {
  kind: 'postgres',
  newTarget: () => {
    if (!server) throw new Error(PG_UNAVAILABLE_MESSAGE);
    return server.createDatabase();
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
