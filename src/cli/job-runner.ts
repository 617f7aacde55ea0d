import { buildAdapters, type Adapters } from '../adapters/index.js';
import { runJob, type JobContext, type JobResult } from '../core/run-job.js';
import { createAppContext, type AppContext } from './app-context.js';
import type { CliIo } from './command.js';
import type { ParsedArgs } from './parse-args.js';

/** Shared by job commands: context, adapters, the run record, and closing the store afterwards. */
export async function runJobCommand(
  job: string, args: ParsedArgs, io: CliIo,
  body: (app: AppContext, adapters: Adapters, ctx: JobContext) => Promise<Record<string, unknown>>,
  shard?: string,
): Promise<JobResult & { app: AppContext }> {
  const app = createAppContext(args, { env: io.env, clock: io.clock, logger: io.logger });
  const adapters = buildAdapters({ config: app.config, outDir: app.outDir, env: app.env, clock: app.clock, logger: app.logger });
  try {
    const store = await adapters.store();
    const result = await runJob({ job, logger: app.logger, clock: app.clock, deadlineSeconds: app.config.deadlineSeconds, store, shard }, (ctx) => body(app, adapters, ctx));
    return { ...result, app };
  } finally {
    await adapters.close();
  }
}
