import { createTask, type ScheduledTask, type TaskOptions } from 'node-cron';
import { parseKubernetesCron } from './cron-grammar.js';
import { checkDstSafe } from './dst-check.js';
import { ConfigError } from './errors.js';
import type { Logger } from './logger.js';
import type { JobSchedule } from './schedules.js';

export interface Scheduler {
  /** Start every task; they fire per their cron and time zone. */
  start(): void;
  /**
   * Stop firing, then wait for running jobs (up to graceMs); jobs still running then are interrupted
   * and get wrapUpMs to record their run. Resolves with the jobs still running after that.
   */
  stop(graceMs: number, wrapUpMs?: number): Promise<string[]>;
  /** Run one job now (also used by tests); overlapping runs of the same job are skipped. */
  trigger(job: string): Promise<number | 'skipped'>;
  running(): string[];
}

export interface SchedulerOptions {
  schedules: readonly JobSchedule[];
  run: (s: JobSchedule) => Promise<number>;
  logger: Logger;
  /** Called when the grace period of stop() is over with jobs still running (interruptRunningJobs). */
  interrupt?: (reason: string) => void;
}

/** Throws ConfigError naming the job and the field: a bad entry must not leave the others running. */
function checkSchedules(schedules: readonly JobSchedule[], nowMs: number): void {
  for (const s of schedules) {
    const cron = parseKubernetesCron(s.cron);
    if (typeof cron === 'string') throw new ConfigError(`schedule of ${s.job}: cron "${s.cron}": ${cron}`);
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: s.timeZone });
    } catch {
      throw new ConfigError(`schedule of ${s.job}: timeZone "${s.timeZone}": not an IANA time zone (e.g. Etc/UTC, Europe/Berlin)`);
    }
    const dst = checkDstSafe(s.cron, s.timeZone, nowMs);
    if (dst) throw new ConfigError(`schedule of ${s.job}: cron "${s.cron}" in ${s.timeZone}: ${dst}`);
  }
}

/** node-cron's own messages as JSON lines of the job (its default logger prints coloured text). */
function cronLogger(logger: Logger): NonNullable<TaskOptions['logger']> {
  const text = (m: unknown) => (m instanceof Error ? m.message : String(m));
  return {
    info: (m) => logger.info({ detail: m }, 'node-cron'),
    warn: (m) => logger.warn({ detail: m }, 'node-cron'),
    error: (m, err) => logger.error({ detail: text(m), err: err && text(err) }, 'node-cron'),
    debug: (m) => logger.debug({ detail: text(m) }, 'node-cron'),
  };
}

const settle = (runs: Promise<unknown>[], ms: number) => Promise.race([Promise.all(runs), new Promise((r) => setTimeout(r, ms).unref())]);

/**
 * All jobs in one process with node-cron, for users without Kubernetes. The same schedule table as
 * the CronJobs; no two runs of the same job overlap (like concurrencyPolicy: Forbid), and a start
 * that fires late (a busy process) still runs within startingDeadlineSeconds.
 */
export function createScheduler(opts: SchedulerOptions): Scheduler {
  checkSchedules(opts.schedules, Date.now());
  const inFlight = new Map<string, Promise<number>>();
  const tasks: ScheduledTask[] = [];
  const trigger = async (job: string): Promise<number | 'skipped'> => {
    const s = opts.schedules.find((x) => x.job === job);
    if (!s) throw new Error(`unknown job ${job}`);
    if (inFlight.has(job)) {
      opts.logger.warn({ job }, 'previous run still going; skipped');
      return 'skipped';
    }
    const p = opts.run(s).catch((err: Error) => {
      opts.logger.error({ job, err: err.message }, 'scheduled job threw');
      return 1;
    }).finally(() => inFlight.delete(job));
    inFlight.set(job, p);
    return p;
  };
  return {
    start() {
      for (const s of opts.schedules) {
        const logger = opts.logger.child({ job: s.job });
        // no noOverlap: trigger() skips an overlapping tick itself and logs it with the job
        const task = createTask(s.cron, async () => { await trigger(s.job); }, {
          name: s.job, timezone: s.timeZone, missedExecutionTolerance: s.startingDeadlineSeconds * 1000, logger: cronLogger(logger),
        });
        task.on('execution:missed', (c) => logger.warn({ scheduledAt: c.date.toISOString(), startingDeadlineSeconds: s.startingDeadlineSeconds }, 'missed a scheduled start; the next one runs as usual'));
        task.start();
        tasks.push(task);
      }
      opts.logger.info({ jobs: opts.schedules.map((s) => `${s.job} (${s.cron} ${s.timeZone})`) }, 'scheduler started');
    },
    async stop(graceMs, wrapUpMs = 20_000) {
      await Promise.all(tasks.map((t) => t.stop()));
      await settle([...inFlight.values()], graceMs);
      if (inFlight.size === 0 || !opts.interrupt) return [...inFlight.keys()];
      opts.logger.warn({ jobs: [...inFlight.keys()], graceSeconds: graceMs / 1000 }, 'grace period over; interrupting the jobs still running');
      opts.interrupt(`still running when the grace period of ${graceMs / 1000} s after the stop ended`);
      await settle([...inFlight.values()], wrapUpMs);
      return [...inFlight.keys()];
    },
    trigger,
    running: () => [...inFlight.keys()],
  };
}
