import cliProgress from 'cli-progress';

/** A progress bar on a TTY (stderr); nothing otherwise, so logs stay clean in pods. */
export function createProgress(label: string, isTty: boolean): { update: (done: number, total: number) => void; stop: () => void } {
  if (!isTty) return { update: () => {}, stop: () => {} };
  const bar = new cliProgress.SingleBar({ format: `${label} [{bar}] {value}/{total} {eta_formatted}`, stream: process.stderr, clearOnComplete: true }, cliProgress.Presets.shades_classic);
  let started = false;
  return {
    update(done, total) {
      if (!started) {
        bar.start(total, 0);
        started = true;
      }
      bar.update(done);
    },
    stop: () => started && bar.stop(),
  };
}
