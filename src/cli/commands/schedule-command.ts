import { loadConfig } from '../../core/config/load-config.js';
import { ConfigError } from '../../core/errors.js';
import { createLogger } from '../../core/logger.js';
import { interruptRunningJobs } from '../../core/run-job.js';
import { createScheduler } from '../../core/scheduler.js';
import { JOB_SCHEDULES, withReportAtHandoff } from '../../core/schedules.js';
import { configFileOf } from '../app-context.js';
import type { Command } from '../command.js';

/** Seconds to let a running job finish after SIGTERM; jobs checkpoint their state as they go. */
const GRACE_SECONDS = 120;

export const scheduleCommand: Command = {
  name: 'schedule',
  summary: 'Run every job on its schedule in this one process (node-cron); for installs without Kubernetes',
  usage: `  Schedules are the same as the CronJobs' (src/core/schedules.ts), except that the on-call report runs at the
  config's report.handoff (the week it covers ends then). On SIGTERM or SIGINT no new run starts;
  a running job gets ${GRACE_SECONDS} s to finish (its progress is checkpointed in the store), then it is interrupted,
  its run is recorded as interrupted (failed), and the process exits. Allow the pod ${GRACE_SECONDS + 30} s to stop.`,
  async run(args, io) {
    const { main } = await import('../main.js');
    // not `job`: the scheduler's lines about a job carry that job's name under `job`
    const logger = io.logger ?? createLogger({ bindings: { component: 'scheduler' } });
    const passthrough = Object.entries(args.values).flatMap(([k, v]) => (typeof v === 'string' ? [`--${k}`, v] : v === true ? [`--${k}`] : []));
    // the config is read once here too: a bad one stops the scheduler at start (exit 2), not each run
    const config = loadConfig({ file: configFileOf(args, io.env), env: io.env });
    const schedules = withReportAtHandoff(JOB_SCHEDULES, config.report.handoff);
    const scheduler = handoffNamed(() => createScheduler({ schedules, logger, run: (s) => main([...s.args, ...passthrough], io), interrupt: interruptRunningJobs }));
    // the handlers go in before the scheduler starts (and logs 'scheduler started'): a signal that
    // arrives before a listener exists takes the default action and kills the process at once
    const stopped = new Promise<void>((resolve) => {
      const onSignal = (signal: string) => {
        process.off('SIGTERM', onSignal);
        process.off('SIGINT', onSignal);
        logger.info({ signal, running: scheduler.running() }, 'stopping scheduler');
        void scheduler.stop(GRACE_SECONDS * 1000).then((left) => {
          if (left.length) logger.warn({ jobs: left }, 'jobs still running at exit; their next run resumes from the checkpoint');
          resolve();
        });
      };
      process.once('SIGTERM', onSignal);
      process.once('SIGINT', onSignal);
    });
    scheduler.start();
    await stopped;
    return 0;
  },
};

/** A report schedule refused (a handoff in an hour daylight saving skips or repeats) names the config field it came from. */
function handoffNamed<T>(build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (err instanceof ConfigError && err.message.startsWith('schedule of oncall-report')) throw new ConfigError(`report.handoff: ${err.message} (fleetops schedule runs the report at the handoff)`, { cause: err });
    throw err;
  }
}
