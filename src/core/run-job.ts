import type { Store } from '../adapters/store/types.js';
import type { Clock } from './clock.js';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import { newRunId } from './run-id.js';

export interface PartFailure {
  /** What failed: `cluster:c-eu-west-1-0001`, `signal:latency_p99`, `sink:slack`, `shard:3/8`. */
  part: string;
  message: string;
}

export interface JobContext {
  runId: string;
  job: string;
  logger: Logger;
  clock: Clock;
  /** Aborts at the job deadline; pass it to every external call. */
  signal: AbortSignal;
  /** Record a failure of one part; the run continues and exits 1. */
  fail(part: string, err: unknown): void;
  readonly failures: readonly PartFailure[];
}

export interface JobResult {
  runId: string;
  exitCode: 0 | 1 | 2;
  summary: Record<string, unknown>;
  failures: PartFailure[];
}

export interface RunJobOptions {
  job: string;
  logger: Logger;
  clock: Clock;
  deadlineSeconds: number;
  store?: Store;
  shard?: string;
  runId?: string;
}

/**
 * Run one job body with a deadline, a run record and the exit-code contract:
 * 0 ok, 1 some part failed (recorded and reported), 2 bad config or usage.
 */
export async function runJob(opts: RunJobOptions, body: (ctx: JobContext) => Promise<Record<string, unknown>>): Promise<JobResult> {
  const runId = opts.runId ?? newRunId(opts.job, opts.clock.nowMs());
  const logger = opts.logger.child({ runId, job: opts.job });
  const failures: PartFailure[] = [];
  const deadline = AbortSignal.timeout(opts.deadlineSeconds * 1000);
  const ctx: JobContext = {
    runId, job: opts.job, logger, clock: opts.clock, signal: deadline, failures,
    fail(part, err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push({ part, message });
      logger.warn({ part, err: message }, 'part failed');
    },
  };
  await opts.store?.runs.start({ id: runId, job: opts.job, startedAtMs: opts.clock.nowMs(), status: 'running', shard: opts.shard });
  logger.info({ shard: opts.shard }, 'job started');
  let summary: Record<string, unknown> = {};
  let exitCode: 0 | 1 | 2;
  try {
    summary = await body(ctx);
    exitCode = failures.length > 0 ? 1 : 0;
  } catch (err) {
    exitCode = err instanceof ConfigError ? 2 : 1;
    const message = deadline.aborted ? `deadline of ${opts.deadlineSeconds}s exceeded` : (err as Error).message ?? String(err);
    failures.push({ part: 'job', message });
    logger.error({ err }, 'job failed');
  }
  const status = exitCode === 0 ? 'ok' : exitCode === 2 ? 'bad-input' : failures.some((f) => f.part === 'job') ? 'failed' : 'partial';
  await opts.store?.runs.finish(runId, { status, exitCode, finishedAtMs: opts.clock.nowMs(), summary: { ...summary, failures } });
  logger.info({ exitCode, failures: failures.length }, 'job finished');
  return { runId, exitCode, summary, failures };
}
