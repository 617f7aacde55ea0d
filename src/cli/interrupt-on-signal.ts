import { interruptRunningJobs, refuseNewRuns } from '../core/run-job.js';

/** Exit codes of a process ended by SIGINT / SIGTERM (128 + signal number), as the shell reports them. */
const SIGNAL_EXIT: Record<'SIGINT' | 'SIGTERM', number> = { SIGINT: 130, SIGTERM: 143 };

export interface SignalTarget {
  once(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  off(event: 'SIGTERM' | 'SIGINT', listener: (signal: NodeJS.Signals) => void): unknown;
  exit(code: number): never | void;
}

/**
 * A one-job process (a CronJob pod) told to stop: Kubernetes sends SIGTERM at the job's
 * activeDeadlineSeconds, on eviction or on a node drain, and kills the pod terminationGracePeriodSeconds
 * (default 30 s) later. Without a handler Node dies at once and the run stays 'running' until the job's
 * next run closes it. With it, the running jobs are interrupted: their signal aborts, and each run is
 * recorded as failed with `interrupted: SIGTERM` within INTERRUPT_WRAP_UP_MS; the process then exits 1
 * through the normal path. A signal while no job runs (config loading, before the run record) exits at
 * once, as does a second signal; a run that would start later (the demo's next step) is recorded as
 * interrupted without running. Returns a function removing the handlers, and whether a signal came.
 */
export function interruptOnSignals(proc: SignalTarget, stderr: (text: string) => void): { remove: () => void; signalled: () => boolean } {
  let received: NodeJS.Signals | undefined;
  const onSecond = (signal: NodeJS.Signals) => {
    stderr(`fleetops: ${signal} again: exiting without waiting for the interrupted job(s) to record their runs\n`);
    proc.exit(SIGNAL_EXIT[signal as 'SIGINT' | 'SIGTERM'] ?? 1);
  };
  const onSignal = (signal: NodeJS.Signals) => {
    received = signal;
    proc.off('SIGTERM', onSignal);
    proc.off('SIGINT', onSignal);
    refuseNewRuns(signal);
    const interrupted = interruptRunningJobs(signal);
    if (interrupted === 0) {
      stderr(`fleetops: ${signal}: no job running; exiting\n`);
      proc.exit(SIGNAL_EXIT[signal as 'SIGINT' | 'SIGTERM'] ?? 1);
      return;
    }
    stderr(`fleetops: ${signal}: interrupting ${interrupted} running job(s); each run is recorded as interrupted (send ${signal} again to exit at once)\n`);
    proc.once('SIGTERM', onSecond);
    proc.once('SIGINT', onSecond);
  };
  proc.once('SIGTERM', onSignal);
  proc.once('SIGINT', onSignal);
  return {
    remove() {
      for (const l of [onSignal, onSecond]) {
        proc.off('SIGTERM', l);
        proc.off('SIGINT', l);
      }
    },
    signalled: () => received !== undefined,
  };
}
