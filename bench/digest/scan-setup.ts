/**
 * A day's findings the way the daily pipeline makes them (`npm start` / the demo's fleet-scan step):
 * the scan CLI as shard processes (one per core), then the finalize step, into the SQLite store of
 * `outDir`. Child processes, so the benchmark process's CPU time and peak RSS are the digest's alone.
 */
import { spawn } from 'node:child_process';
import { closeSync, copyFileSync, existsSync, fsyncSync, openSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface ScanSetup { seconds: number; shards: number; exitCodes: number[] }

/** Resolves with the exit code (1: some part failed and was reported, the findings are stored); rejects on any other. */
export function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    // process.execArgv carries tsx's loader when this runs under tsx
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 || code === 1 ? resolve(code) : reject(new Error(`fleetops ${args.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

/** Full scan of the window ending at `endIso` in `shards` processes, then finalize; throws naming the step that failed. */
export async function scanIntoStore(env: NodeJS.ProcessEnv, endIso: string, shards: number): Promise<ScanSetup> {
  const t0 = performance.now();
  const common = ['--full', '--end', endIso];
  const codes = await Promise.all(Array.from({ length: shards }, (_, i) => runCli(['scan', ...common, '--shard', `${i}/${shards}`], env)));
  codes.push(await runCli(['scan', '--finalize', '--end', endIso], { ...env, FLEETOPS_SHARD_COUNT: String(shards) }));
  return { seconds: (performance.now() - t0) / 1000, shards, exitCodes: codes };
}

/**
 * Copies a store kept by an earlier run (`--scan-db` / `--store-db`) to `dbFile`, when `cached` exists
 * and its sidecar says it was made from `made`; refuses one made from something else. False: none kept.
 */
export function reuseStore(flag: string, cached: string | undefined, dbFile: string, made: string): boolean {
  if (!cached || !existsSync(cached)) return false;
  const kept = existsSync(`${cached}.json`) ? readFileSync(`${cached}.json`, 'utf8') : '(no sidecar file)';
  if (kept !== made) throw new Error(`${flag} ${cached}: made for ${kept}, this run is ${made}; remove it or name another file`);
  copyFileSync(cached, dbFile);
  // flushed now, or the job's first write waits for the copy's dirty pages (0.7 s at 7,000 clusters)
  const fd = openSync(dbFile, 'r');
  fsyncSync(fd);
  closeSync(fd);
  return true;
}
