import { formatFailures } from '../format-failures.js';
import { writeFileAtomic } from '../../core/atomic-write.js';
import { ConfigError } from '../../core/errors.js';
import { fleetScanJob, formatScanSummary, type FleetScanSummary } from '../../scan/fleet-scan-job.js';
import type { Command } from '../command.js';
import { runJobCommand } from '../job-runner.js';
import { resolveShard } from '../parse-args.js';
import { createProgress } from '../progress.js';
import { join } from 'node:path';

/** Shard label for the run record and job metrics (the full resolution happens inside the job). */
function shardLabel(flag: unknown, env: NodeJS.ProcessEnv): string | undefined {
  if (typeof flag === 'string') return flag;
  return env.JOB_COMPLETION_INDEX !== undefined ? `${env.JOB_COMPLETION_INDEX}/${env.FLEETOPS_SHARD_COUNT ?? '?'}` : undefined;
}

export const scanCommand: Command = {
  name: 'scan',
  summary: 'fleet-scan: find anomalies, SLO dips, peer outliers and silent clusters (hourly, incremental, sharded)',
  usage: `  --full          rebuild detector baselines from the whole lookback instead of the new hour
  --finalize      merge the shards of the window (run after the Indexed Job), compute fleet-wide peers
  --end ISO       end of the scan window (default: now; the simulated fleet's end on the simulator)`,
  options: { full: { type: 'boolean' }, finalize: { type: 'boolean' }, end: { type: 'string' } },
  async run(args, io) {
    const end = typeof args.values.end === 'string' ? Date.parse(args.values.end) : undefined;
    if (Number.isNaN(end)) throw new ConfigError(`--end: expected an ISO 8601 time such as 2026-11-30T06:00:00Z, found ${JSON.stringify(args.values.end)}`);
    const progress = createProgress('scan', io.isTty);
    let summary: FleetScanSummary | undefined;
    const result = await runJobCommand('fleet-scan', args, io, async (app, adapters, ctx) => {
      const finalizeOnly = args.values.finalize === true;
      // the finalize step runs once for all shards: it needs only their count
      const shard = resolveShard(args.values.shard as string | undefined, app.env, app.config.scan.shards)
        ?? (finalizeOnly ? { index: 0, count: Number(app.env.FLEETOPS_SHARD_COUNT ?? app.config.scan.shards) } : undefined);
      const endMs = end ?? (app.config.metrics.kind === 'simulator' ? adapters.fleet().rangeMs.endMs : app.clock.nowMs());
      summary = await fleetScanJob(adapters, ctx, { shard, fullRebuild: args.values.full === true, finalizeOnly, endMs, progress: progress.update });
      writeFileAtomic(join(app.outDir, 'scan', `summary-${summary.shard.replace('/', 'of')}.json`), JSON.stringify({ runId: ctx.runId, ...summary }, null, 1));
      return summary;
    }, shardLabel(args.values.shard, io.env));
    progress.stop();
    if (summary) io.stdout(formatScanSummary(summary));
    io.stderr(formatFailures(result.failures, result.runId));
    return result.exitCode;
  },
};
