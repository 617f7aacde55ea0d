/**
 * The store a weekly report reads, made the way the daily pipeline makes it: the scan CLI over the
 * report week (shards, then finalize: bench/digest/scan-setup.ts), then the digest CLI once per day of
 * the week (incident groups, RCAs, proposals). Child processes, so the benchmark process's CPU time
 * and peak RSS are the report's alone.
 */
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { scanIntoStore } from '../digest/scan-setup.js';

const CLI = join(import.meta.dirname, '..', '..', 'src', 'cli', 'main.ts');

export interface PipelineSetup { seconds: number; scanSeconds: number; shards: number; exitCodes: number[]; digestDays: string[] }

/** Resolves with the exit code (1: some part failed and was reported); rejects on any other. */
function runCli(args: string[], env: NodeJS.ProcessEnv): Promise<number> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [...process.execArgv, CLI, ...args], { env, stdio: ['ignore', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => { stderr = (stderr + d).slice(-4000); });
    child.on('error', reject);
    child.on('exit', (code) => (code === 0 || code === 1 ? resolve(code) : reject(new Error(`fleetops ${args.join(' ')} exited ${code}:\n${stderr}`))));
  });
}

/** Scan of the window ending at `endIso` (scan.lookbackHours in `env`), then one digest per day in `days`. */
export async function pipelineIntoStore(env: NodeJS.ProcessEnv, endIso: string, shards: number, days: readonly string[]): Promise<PipelineSetup> {
  const t0 = performance.now();
  const scan = await scanIntoStore(env, endIso, shards);
  const codes = [...scan.exitCodes];
  // one at a time: each run supersedes or keeps the groups of its own day only
  for (const day of days) codes.push(await runCli(['digest', '--day', day], env));
  return { seconds: (performance.now() - t0) / 1000, scanSeconds: scan.seconds, shards, exitCodes: codes, digestDays: [...days] };
}
