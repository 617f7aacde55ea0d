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

/** Time an interrupted job gets to answer its aborted signal before its run is recorded without it. */
export const INTERRUPT_WRAP_UP_MS = 5000;
/**
 * A run still 'running' this long after its deadline was killed or lost (Kubernetes kills the pod 30 s
 * after it, at activeDeadlineSeconds); should its own end still come, it overwrites the record.
 */
const STALE_AFTER_DEADLINE_MS = 30_000;
/** How many recent runs of the job are checked for one left running. */
const STALE_SCAN_LIMIT = 50;

/** The runs of this process: a shutdown concerns each of them, whoever started it. */
const active = new Set<(reason: string) => void>();

/**
 * Interrupt every run in this process (the scheduler does when its grace period after SIGTERM ends):
 * their signal aborts, and each run is recorded as failed with `interrupted` in its summary, after
 * INTERRUPT_WRAP_UP_MS at most. Returns how many runs were interrupted.
 */
export function interruptRunningJobs(reason: string): number {
  for (const interrupt of active) interrupt(reason);
  return active.size;
}

/** Set once the process was told to stop: a run starting after that (a demo's next step) is recorded as interrupted without doing any work. */
let refusing: string | undefined;

/** From now on, runJob records each new run as interrupted by `reason` instead of running it (a signalled one-job process). */
export function refuseNewRuns(reason: string): void {
  refusing = reason;
}

/** Undoes refuseNewRuns (tests). */
export function acceptNewRuns(): void {
  refusing = undefined;
}

/** One run's interrupt: its signal, and the reason once interrupted. */
function runInterrupt(): { signal: AbortSignal; by: () => string | undefined; interrupt: (reason: string) => void } {
  const controller = new AbortController();
  let by: string | undefined;
  return {
    signal: controller.signal,
    by: () => by,
    interrupt(reason) {
      by ??= reason;
      controller.abort(new DOMException(`interrupted: ${reason}`, 'AbortError'));
    },
  };
}

/** The body's outcome; once interrupted, a rejection after the wrap-up time if the body has not settled. */
function untilWrappedUp<T>(work: Promise<T>, interrupted: AbortSignal): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  let onAbort = () => {};
  const cutOff = new Promise<never>((_ok, fail) => {
    onAbort = () => { timer = setTimeout(() => fail(interrupted.reason), INTERRUPT_WRAP_UP_MS); };
  });
  interrupted.addEventListener('abort', onAbort, { once: true });
  return Promise.race([work, cutOff]).finally(() => {
    clearTimeout(timer);
    interrupted.removeEventListener('abort', onAbort);
  });
}

/**
 * Close runs of the job left 'running' past their deadline (a killed pod records nothing): failed,
 * ended at the deadline. The deadline is the one the run recorded at its start, else this run's.
 */
async function closeStaleRuns(store: Store, o: { job: string; runId: string; nowMs: number; deadlineMs: number; logger: Logger }): Promise<void> {
  for (const r of await store.runs.list({ job: o.job, limit: STALE_SCAN_LIMIT })) {
    if (r.status !== 'running' || r.id === o.runId) continue;
    const recorded = r.summary?.deadlineAtMs;
    const deadlineAtMs = typeof recorded === 'number' ? recorded : r.startedAtMs + o.deadlineMs;
    if (deadlineAtMs + STALE_AFTER_DEADLINE_MS > o.nowMs) continue;
    const message = `no end recorded: the run was still running at its deadline (${new Date(deadlineAtMs).toISOString()}) and was killed or lost; found by ${o.runId}`;
    await store.runs.finish(r.id, { status: 'failed', exitCode: 1, finishedAtMs: Math.min(deadlineAtMs, o.nowMs), summary: { stale: true, failures: [{ part: 'job', message }] } });
    o.logger.warn({ staleRunId: r.id, shard: r.shard, startedAtMs: r.startedAtMs }, 'run left running by a killed process; recorded as failed');
  }
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
  const interrupt = runInterrupt();
  const ctx: JobContext = {
    runId, job: opts.job, logger, clock: opts.clock, signal: AbortSignal.any([deadline, interrupt.signal]), failures,
    fail(part, err) {
      const message = err instanceof Error ? err.message : String(err);
      failures.push({ part, message });
      logger.warn({ part, err: message }, 'part failed');
    },
  };
  const startedAtMs = opts.clock.nowMs();
  const deadlineMs = opts.deadlineSeconds * 1000;
  // the deadline goes in the record, so a later run of the job (a shorter one too) knows when this one is stale
  await opts.store?.runs.start({ id: runId, job: opts.job, startedAtMs, status: 'running', shard: opts.shard, summary: { deadlineAtMs: startedAtMs + deadlineMs } });
  if (opts.store) {
    await closeStaleRuns(opts.store, { job: opts.job, runId, nowMs: startedAtMs, deadlineMs, logger })
      .catch((err: Error) => logger.warn({ err: err.message }, 'could not check for runs left running'));
  }
  logger.info({ shard: opts.shard }, 'job started');
  let summary: Record<string, unknown> = {};
  let exitCode: 0 | 1 | 2;
  active.add(interrupt.interrupt);
  if (refusing) interrupt.interrupt(refusing);
  try {
    summary = await untilWrappedUp(refusing ? Promise.reject(interrupt.signal.reason) : body(ctx), interrupt.signal);
    exitCode = failures.length > 0 ? 1 : 0;
  } catch (err) {
    exitCode = err instanceof ConfigError && !interrupt.by() ? 2 : 1;
    const message = interrupt.by() ? `interrupted: ${interrupt.by()}` : deadline.aborted ? `deadline of ${opts.deadlineSeconds}s exceeded` : (err as Error).message ?? String(err);
    failures.push({ part: 'job', message });
    // bad config is the user's to fix: its message names the field, file and line, and a stack would bury it
    if (exitCode === 2) logger.error({ err: message }, 'job failed');
    else logger.error({ err }, 'job failed');
  } finally {
    active.delete(interrupt.interrupt);
  }
  // a job that answered the interrupt by returning early did not finish its work either
  if (interrupt.by() && !failures.some((f) => f.part === 'job')) {
    failures.push({ part: 'job', message: `interrupted: ${interrupt.by()}` });
    exitCode = 1;
  }
  const status = exitCode === 0 ? 'ok' : exitCode === 2 ? 'bad-input' : failures.some((f) => f.part === 'job') ? 'failed' : 'partial';
  const recorded = { ...summary, failures, ...(interrupt.by() && { interrupted: interrupt.by() }) };
  await opts.store?.runs.finish(runId, { status, exitCode, finishedAtMs: opts.clock.nowMs(), summary: recorded });
  logger.info({ exitCode, failures: failures.length }, 'job finished');
  return { runId, exitCode, summary, failures };
}
