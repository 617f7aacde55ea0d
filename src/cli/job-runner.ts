import { accessSync, constants } from 'node:fs';
import { buildAdapters, type Adapters } from '../adapters/index.js';
import { pushJobMetrics } from '../core/job-metrics.js';
import { runJob, type JobContext, type JobResult } from '../core/run-job.js';
import { newRunId } from '../core/run-id.js';
import { checkRequirements, type LoadConfigOptions } from '../core/config/load-config.js';
import type { FleetopsConfig } from '../core/config/schema.js';
import { ConfigError } from '../core/errors.js';
import { loadClusterRegistry } from '../remediation/registry/cluster-registry-file.js';
import { runbooksDirFor } from '../runbooks/load-runbooks.js';
import { configFileOf, createAppContext, type AppContext } from './app-context.js';
import type { CliIo } from './command.js';
import type { ParsedArgs } from './parse-args.js';

/**
 * The config sections each job may use on any path, given the config: their secrets, kind-specific
 * fields and files are checked before it starts. A missing Slack token, OpenSearch password or
 * registry file otherwise failed the job only when that path was reached, after its work or never.
 */
const JOB_SECTIONS: Record<string, (config: FleetopsConfig) => readonly string[]> = {
  'fleet-scan': () => ['store', 'metrics', 'inventory', 'chat'],
  // merges the shards' stored results (a Prometheus inventory reads metrics.prometheus)
  'fleet-scan-finalize': () => ['store', 'metrics', 'inventory', 'chat'],
  // evidence per group: logs and events (through opensearch), changes (also maintenance windows), runbooks
  'availability-digest': () => ['store', 'metrics', 'inventory', 'chat', 'docs', 'logs', 'events', 'opensearch', 'changes', 'runbooksDir'],
  // the alert history is read from metrics.prometheus when metrics are Prometheus
  'oncall-report': (c) => ['store', 'chat', 'docs', ...(c.metrics.kind === 'prometheus' ? ['metrics'] : [])],
  // the guardrails read the inventory, the verification after an operation reads metrics
  proposals: () => ['store', 'chat', 'clusterOps', 'inventory', 'metrics'],
  // ops run refuses argo-workflows itself, with the reason; any other executor is checked here
  'ops-run': (c) => ['store', ...(c.clusterOps.kind === 'argo-workflows' ? [] : ['clusterOps'])],
  // detector states are kept for clusters in the inventory (a Prometheus inventory reads metrics.prometheus)
  retention: (c) => ['store', 'inventory', ...(c.inventory.kind === 'prometheus' ? ['metrics'] : [])],
};

/**
 * Throws ConfigError (exit 2) naming the field when a section one of `jobs` may use is configured but
 * unusable: a secret not in the environment, a field its kind requires, a file or folder it names that
 * cannot be read. Sections left at their defaults pass; nothing is connected to.
 */
export function checkJobConfig(jobs: readonly string[], config: FleetopsConfig, opts: Pick<LoadConfigOptions, 'file' | 'env'>): void {
  const sections = new Set(jobs.flatMap((job) => JOB_SECTIONS[job]?.(config) ?? []));
  checkRequirements(config, opts, [...sections]);
  const { inventory, clusterOps } = config;
  if (sections.has('inventory') && inventory.kind === 'file' && inventory.file) readable(inventory.file, 'inventory.file');
  // parsed, as the kubernetes executor does when it is built (a registry is small)
  if (sections.has('clusterOps') && clusterOps.kind === 'kubernetes' && clusterOps.registryFile) loadClusterRegistry(clusterOps.registryFile);
  if (sections.has('runbooksDir')) runbooksDirFor(config.runbooksDir);
}

/** Readable only: the inventory may be large, and the adapter parses it (naming file and line) when built. */
function readable(path: string, field: string): void {
  try {
    accessSync(path, constants.R_OK);
  } catch (err) {
    throw new ConfigError(`${field} ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? String(err)})`, { cause: err });
  }
}

/** "Now" for the data: the end of the simulated range on the simulator, else the clock. */
export function dataNowMs(app: AppContext, adapters: Adapters): number {
  return app.config.metrics.kind === 'simulator' ? adapters.fleet().rangeMs.endMs : app.clock.nowMs();
}

export interface JobCommandOptions {
  /** Shard label for the run record and job metrics. */
  shard?: string;
  /**
   * The command's flags checked against the loaded config (and the simulated fleet), before the run
   * starts: a ConfigError here exits 2 with no run recorded, no job metrics pushed and no stack trace.
   */
  check?: (app: AppContext, adapters: Adapters) => void;
}

/** Shared by job commands: context, adapters, the run record, and closing the store afterwards. */
export async function runJobCommand(
  job: string, args: ParsedArgs, io: CliIo,
  body: (app: AppContext, adapters: Adapters, ctx: JobContext) => Promise<Record<string, unknown>>,
  opts: JobCommandOptions = {},
): Promise<JobResult & { app: AppContext }> {
  const { shard } = opts;
  const app = createAppContext(args, { env: io.env, clock: io.clock, logger: io.logger });
  checkJobConfig([job], app.config, { file: configFileOf(args, app.env), env: app.env });
  // the run id exists before the adapters, so their log lines (retries, truncation) carry it too
  const runId = newRunId(job, app.clock.nowMs());
  const logger = app.logger.child({ runId, job });
  // the adapters are built before the job's deadline exists: this one follows it once the job starts
  const deadline = new AbortController();
  const adapters = buildAdapters({ config: app.config, outDir: app.outDir, env: app.env, clock: app.clock, logger, signal: deadline.signal });
  try {
    opts.check?.(app, adapters);
    const store = await adapters.store();
    const startedAtMs = Date.now();
    const result = await runJob({ job, runId, logger: app.logger, clock: app.clock, deadlineSeconds: app.config.deadlineSeconds, store, shard }, (ctx) => {
      ctx.signal.addEventListener('abort', () => deadline.abort(ctx.signal.reason), { once: true });
      return body(app, adapters, ctx);
    });
    const url = app.config.jobMetrics.pushgatewayUrl;
    if (url) {
      // metrics are a sink like any other: a failed push is reported, not fatal
      await pushJobMetrics({ url, job, instance: shard ?? 'all', result, startedAtMs, finishedAtMs: Date.now() })
        .catch((err: Error) => logger.warn({ err: err.message, url }, 'job metrics push failed'));
    }
    return { ...result, app };
  } finally {
    await adapters.close();
  }
}
