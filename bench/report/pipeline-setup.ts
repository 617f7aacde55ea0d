/**
 * The store a weekly report reads, made the way the daily pipeline makes it: the scan CLI over the
 * report week (shards, then finalize: bench/digest/scan-setup.ts), then the digest CLI once per day of
 * the week (incident groups, RCAs, proposals). Child processes, so the benchmark process's CPU time
 * and peak RSS are the report's alone.
 */
import { runCli, scanIntoStore } from '../digest/scan-setup.js';

export interface PipelineSetup { seconds: number; scanSeconds: number; shards: number; exitCodes: number[]; digestDays: string[] }

/** Scan of the window ending at `endIso` (scan.lookbackHours in `env`), then one digest per day in `days`. */
export async function pipelineIntoStore(env: NodeJS.ProcessEnv, endIso: string, shards: number, days: readonly string[]): Promise<PipelineSetup> {
  const t0 = performance.now();
  const scan = await scanIntoStore(env, endIso, shards);
  const codes = [...scan.exitCodes];
  // one at a time: each run supersedes or keeps the groups of its own day only
  for (const day of days) codes.push(await runCli(['digest', '--day', day], env));
  return { seconds: (performance.now() - t0) / 1000, scanSeconds: scan.seconds, shards, exitCodes: codes, digestDays: [...days] };
}
