import { buildAdapters, type Adapters } from '../adapters/index.js';
import { pushJobMetrics } from '../core/job-metrics.js';
import { runJob, type JobContext, type JobResult } from '../core/run-job.js';
import { checkRequirements } from '../core/config/load-config.js';
import { configFileOf, createAppContext, type AppContext } from './app-context.js';
import type { CliIo } from './command.js';
import type { ParsedArgs } from './parse-args.js';

/**
 * The config sections each job surely uses, whose secrets and kind-specific fields are checked before
 * it starts: a missing Slack token or docs folder otherwise failed the job only after all its work.
 * (Sections a job may use only on some paths are left to the adapters, which fail as before.)
 */
const JOB_SECTIONS: Record<string, readonly string[]> = {
  'fleet-scan': ['store', 'metrics', 'inventory', 'chat'],
  'availability-digest': ['store', 'metrics', 'inventory', 'chat', 'docs'],
  'oncall-report': ['store', 'chat', 'docs'],
  proposals: ['store', 'chat', 'clusterOps'],
  // ops run checks its executor kind itself first (argo-workflows is refused there, with the reason)
  'ops-run': ['store'],
};

/** Shared by job commands: context, adapters, the run record, and closing the store afterwards. */
export async function runJobCommand(
  job: string, args: ParsedArgs, io: CliIo,
  body: (app: AppContext, adapters: Adapters, ctx: JobContext) => Promise<Record<string, unknown>>,
  shard?: string,
): Promise<JobResult & { app: AppContext }> {
  const app = createAppContext(args, { env: io.env, clock: io.clock, logger: io.logger });
  const sections = JOB_SECTIONS[job];
  if (sections) checkRequirements(app.config, { file: configFileOf(args, app.env), env: app.env }, sections);
  const adapters = buildAdapters({ config: app.config, outDir: app.outDir, env: app.env, clock: app.clock, logger: app.logger });
  try {
    const store = await adapters.store();
    const startedAtMs = Date.now();
    const result = await runJob({ job, logger: app.logger, clock: app.clock, deadlineSeconds: app.config.deadlineSeconds, store, shard }, (ctx) => body(app, adapters, ctx));
    const url = app.config.jobMetrics.pushgatewayUrl;
    if (url) {
      // metrics are a sink like any other: a failed push is reported, not fatal
      await pushJobMetrics({ url, job, instance: shard ?? 'all', result, startedAtMs, finishedAtMs: Date.now() })
        .catch((err: Error) => app.logger.warn({ err: err.message, url }, 'job metrics push failed'));
    }
    return { ...result, app };
  } finally {
    await adapters.close();
  }
}
