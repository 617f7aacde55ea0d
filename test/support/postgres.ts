import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { chownSync, existsSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';

export const PG_UNAVAILABLE_MESSAGE = 'PostgreSQL not available: set FLEETOPS_TEST_PG_URL or install postgresql';

/** A PostgreSQL server for one test file; each `createDatabase()` gives a fresh, empty database. */
export interface TestPostgres {
  createDatabase(): Promise<string>;
  stop(): Promise<void>;
}

/** The newest `/usr/lib/postgresql/<v>/bin`, when an initdb is installed. */
export function findPostgresBin(): string | undefined {
  const root = '/usr/lib/postgresql';
  if (!existsSync(root)) return undefined;
  const versions = readdirSync(root).filter((v) => existsSync(join(root, v, 'bin', 'initdb')));
  versions.sort((a, b) => Number(b) - Number(a));
  return versions[0] && join(root, versions[0], 'bin');
}

/** Whether the tests can get a PostgreSQL at all (decided synchronously, for `describe.skipIf`). */
export function postgresAvailable(): boolean {
  return Boolean(process.env.FLEETOPS_TEST_PG_URL) || findPostgresBin() !== undefined;
}

/** Uses FLEETOPS_TEST_PG_URL, else starts a throwaway local server, else undefined. */
export async function startTestPostgres(): Promise<TestPostgres | undefined> {
  const external = process.env.FLEETOPS_TEST_PG_URL;
  if (external) return withDatabases(external, async () => undefined);
  const bin = findPostgresBin();
  if (!bin) return undefined;
  const server = await startServer(bin);
  return withDatabases(server.url, server.stop);
}

function withUrlDatabase(url: string, database: string): string {
  const parsed = new URL(url);
  parsed.pathname = `/${database}`;
  return parsed.toString();
}

async function admin<T>(url: string, fn: (client: pg.Client) => Promise<T>): Promise<T> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return await fn(client);
  } finally {
    await client.end();
  }
}

function withDatabases(adminUrl: string, stopServer: () => Promise<void>): TestPostgres {
  const created: string[] = [];
  return {
    async createDatabase() {
      const name = `t_${randomBytes(6).toString('hex')}`;
      await admin(adminUrl, (c) => c.query(`CREATE DATABASE ${name}`));
      created.push(name);
      return withUrlDatabase(adminUrl, name);
    },
    async stop() {
      await admin(adminUrl, async (c) => {
        for (const name of created) await c.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      });
      await stopServer();
    },
  };
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/** PostgreSQL refuses to run as root, so as root every server command runs as the postgres user. */
function asServerUser(command: string, args: string[]): [string, string[]] {
  return process.getuid?.() === 0 ? ['runuser', ['-u', 'postgres', '--', command, ...args]] : [command, args];
}

function run(command: string, args: string[]): void {
  const [cmd, argv] = asServerUser(command, args);
  const result = spawnSync(cmd, argv, { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`${command} failed: ${result.stderr || result.stdout}`);
}

async function startServer(bin: string): Promise<{ url: string; stop: () => Promise<void> }> {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-pg-'));
  if (process.getuid?.() === 0) {
    const uid = Number(execFileSync('id', ['-u', 'postgres'], { encoding: 'utf8' }).trim());
    chownSync(dir, uid, uid);
  }
  const data = join(dir, 'data');
  const port = await freePort();
  run(join(bin, 'initdb'), ['-D', data, '-A', 'trust', '-U', 'postgres', '--no-sync']);
  const opts = `-p ${port} -k ${dir} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=100`;
  run(join(bin, 'pg_ctl'), ['-D', data, '-l', join(dir, 'log'), '-o', opts, '-w', 'start']);
  const stop = async () => {
    run(join(bin, 'pg_ctl'), ['-D', data, '-m', 'fast', '-w', 'stop']);
    rmSync(dir, { recursive: true, force: true });
  };
  return { url: `postgres://postgres@127.0.0.1:${port}/postgres`, stop };
}
