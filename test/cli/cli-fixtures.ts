import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { afterEach, beforeEach } from 'vitest';
import { createStore } from '../../src/adapters/store/index.js';
import type { RunRecord } from '../../src/adapters/store/types.js';

/** The runs recorded in the SQLite store of an out folder (the CLI's default store). */
export async function runsInStore(out: string): Promise<RunRecord[]> {
  const store = await createStore({ kind: 'sqlite', path: join(out, 'fleetops.db') });
  try {
    await store.migrate();
    return await store.runs.list({ limit: 10 });
  } finally {
    await store.close();
  }
}

/**
 * A Prometheus stand-in that takes every query and never answers, started for each test of the
 * calling suite: a scan against it is busy until it is stopped. Returns its port, read in a test.
 */
export function useSilentPrometheus(): () => number {
  let server: Server;
  let port = 0;
  beforeEach(async () => {
    server = createServer(() => undefined);
    await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
    port = (server.address() as AddressInfo).port;
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise((ok) => server.close(ok));
  });
  return () => port;
}
