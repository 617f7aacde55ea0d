import { createTask, type ScheduledTask } from 'node-cron';
import type { Logger } from './logger.js';
import type { JobSchedule } from './schedules.js';

export interface Scheduler {
  /** Start every task; they fire per their cron and time zone. */
  start(): void;
  /** Stop firing, then wait for running jobs (up to graceMs); resolves with the jobs still running. */
  stop(graceMs: number): Promise<string[]>;
  /** Run one job now (also used by tests); overlapping runs of the same job are skipped. */
  trigger(job: string): Promise<number | 'skipped'>;
  running(): string[];
}

/**
 * All jobs in one process with node-cron, for users without Kubernetes. The same schedule table as
 * the CronJobs; no two runs of the same job overlap (like concurrencyPolicy: Forbid).
 */
export function createScheduler(opts: { schedules: readonly JobSchedule[]; run: (s: JobSchedule) => Promise<number>; logger: Logger }): Scheduler {
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
        const task = createTask(s.cron, async () => { await trigger(s.job); }, { name: s.job, timezone: s.timeZone, noOverlap: true });
        task.start();
        tasks.push(task);
      }
      opts.logger.info({ jobs: opts.schedules.map((s) => `${s.job} (${s.cron} ${s.timeZone})`) }, 'scheduler started');
    },
    async stop(graceMs) {
      await Promise.all(tasks.map((t) => t.stop()));
      const timeout = new Promise<'timeout'>((r) => setTimeout(r, graceMs, 'timeout').unref());
      await Promise.race([Promise.all(inFlight.values()), timeout]);
      return [...inFlight.keys()];
    },
    trigger,
    running: () => [...inFlight.keys()],
  };
}
