import { formatFailures } from '../format-failures.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { ConfigError } from '../../core/errors.js';
import { fleetScanJob, formatScanSummary, type FleetScanSummary } from '../../scan/fleet-scan-job.js';
import type { Command } from '../command.js';
import { runJobCommand } from '../job-runner.js';
import { resolveShard, type ShardSpec } from '../parse-args.js';
import { createProgress } from '../progress.js';
import { join } from 'node:path';

/** Most shards a scan takes (scan.shards has the same bound): rendezvous hashing costs n hashes per cluster. */
const MAX_SHARDS = 1024;
const HOUR_MS = 3_600_000;

/** Shard label for the run record and job metrics (resolved and checked against the config before the run). */
function shardLabel(flag: unknown, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof flag === 'string') return flag;
  return env.JOB_COMPLETION_INDEX !== undefined ? `${env.JOB_COMPLETION_INDEX}/${env.FLEETOPS_SHARD_COUNT ?? '?'}` : undefined;
}

/**
 * The shard of this run: --shard, else JOB_COMPLETION_INDEX with FLEETOPS_SHARD_COUNT or scan.shards;
 * the finalize step needs only the count. A bad value is a ConfigError (exit 2) naming where it came from.
 */
export function resolveScanShard(flag: string | undefined, env: NodeJS.ProcessEnv, configShards: number, finalizeOnly: boolean): ShardSpec | undefined {
  const shard = resolveShard(flag, env, configShards)
    ?? (finalizeOnly ? { index: 0, count: shardCountOf(env.FLEETOPS_SHARD_COUNT, configShards) } : undefined);
  if (shard && shard.count > MAX_SHARDS) {
    const where = flag ? '--shard' : env.FLEETOPS_SHARD_COUNT !== undefined ? 'FLEETOPS_SHARD_COUNT' : 'scan.shards';
    throw new ConfigError(`${where}: at most ${MAX_SHARDS} shards, found ${shard.count}`);
  }
  return shard;
}

function shardCountOf(raw: string | undefined, configShards: number): number {
  if (raw === undefined) return configShards;
  if (!/^\d+$/.test(raw.trim()) || Number(raw) < 1) {
    throw new ConfigError(`FLEETOPS_SHARD_COUNT: expected the number of shards (a whole number ≥ 1, the Indexed Job's completions), found ${JSON.stringify(raw)}`);
  }
  return Number(raw);
}

/**
 * The default end of a live scan: the start of the current hour. Every pod of the hour's Indexed Job,
 * an index retried minutes later and the finalize step at :50 must name the same window, or finalize
 * finds none of the shards' results (each pod took its own start time, floored to the step).
 */
export const defaultScanEndMs = (nowMs: number) => Math.floor(nowMs / HOUR_MS) * HOUR_MS;

export const scanCommand: Command = {
  name: 'scan',
  summary: 'fleet-scan: find anomalies, SLO dips, peer outliers and silent clusters (hourly, incremental, sharded)',
  usage: `  --full          rebuild detector baselines from the whole lookback instead of the new hour
  --finalize      merge the shards of the window (run after the Indexed Job), compute fleet-wide peers
  --end ISO       end of the scan window (default: the start of the current hour, so the shards and the
                  finalize step of one hour agree; the simulated fleet's end on the simulator)`,
  options: { full: { type: 'boolean' }, finalize: { type: 'boolean' }, end: { type: 'string' } },
  async run(args, io) {
    const end = typeof args.values.end === 'string' ? Date.parse(args.values.end) : undefined;
    if (Number.isNaN(end)) throw new ConfigError(`--end: expected an ISO 8601 time such as 2026-11-30T06:00:00Z, found ${JSON.stringify(args.values.end)}`);
    const progress = createProgress('scan', io.isTty);
    let summary: FleetScanSummary | undefined;
    // the finalize step is its own job (run record, job metrics and the alerts on them: fleet-scan-finalize)
    const finalizeOnly = args.values.finalize === true;
    const job = finalizeOnly ? 'fleet-scan-finalize' : 'fleet-scan';
    let shard: ShardSpec | undefined;
    const result = await runJobCommand(job, args, io, async (app, adapters, ctx) => {
      const endMs = end ?? (app.config.metrics.kind === 'simulator' ? adapters.fleet().rangeMs.endMs : defaultScanEndMs(app.clock.nowMs()));
      summary = await fleetScanJob(adapters, ctx, { shard, fullRebuild: args.values.full === true, finalizeOnly, endMs, progress: progress.update });
      writeFileAtomic(join(app.outDir, 'scan', `summary-${summary.shard.replace('/', 'of')}.json`), JSON.stringify({ runId: ctx.runId, ...summary }, null, 1));
      return summary;
    }, {
      shard: shardLabel(args.values.shard, io.env),
      check: (app) => { shard = resolveScanShard(args.values.shard as string | undefined, app.env, app.config.scan.shards, finalizeOnly); },
    }).finally(() => progress.stop());
    if (summary) io.stdout(formatScanSummary(summary));
    io.stderr(formatFailures(result.failures, result.runId));
    return result.exitCode;
  },
};
