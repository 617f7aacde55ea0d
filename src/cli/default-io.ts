import type { CliIo } from './command.js';

/** The part of process.stdout / process.stderr that defaultIo uses. */
export interface OutputStream {
  write(text: string): unknown;
  on(event: 'error', listener: (err: NodeJS.ErrnoException) => void): unknown;
  readonly destroyed?: boolean;
}

export interface GuardedWriter {
  write(text: string): void;
  /** The error that stopped the output, if any. */
  error(): NodeJS.ErrnoException | undefined;
}

/**
 * Writes to `stream` that stop at its first error instead of crashing the process with an unhandled
 * 'error' event. EPIPE (the reader went away: `fleetops … | head -1`) ends the output quietly, as Unix
 * tools do; any other error (ENOSPC on a redirected file) is passed to `report` once.
 */
export function guardedWriter(stream: OutputStream, report: (err: NodeJS.ErrnoException) => void = () => {}): GuardedWriter {
  let failed: NodeJS.ErrnoException | undefined;
  const stop = (err: NodeJS.ErrnoException) => {
    if (failed) return;
    failed = err;
    if (err.code !== 'EPIPE') report(err);
  };
  stream.on('error', stop);
  return {
    write(text) {
      if (failed || stream.destroyed) return;
      try {
        stream.write(text);
      } catch (err) {
        stop(err as NodeJS.ErrnoException);
      }
    },
    error: () => failed,
  };
}

/** CliIo over the process's streams; `outputFailed` is true when stdout broke other than by EPIPE (the output is incomplete). */
export interface ProcessIo extends CliIo {
  outputFailed(): boolean;
}

/**
 * The process's real streams and environment. A stdout error other than EPIPE makes the process exit
 * at least 1 (the output is incomplete), also when it surfaces after the command returned.
 */
export function defaultIo(): ProcessIo {
  const stderr = guardedWriter(process.stderr);
  const stdout = guardedWriter(process.stdout, (err) => {
    stderr.write(`fleetops: cannot write the output: ${err.code ?? err.message}\n`);
    process.exitCode = Math.max(Number(process.exitCode ?? 0), 1);
  });
  return {
    stdout: stdout.write,
    stderr: stderr.write,
    env: process.env,
    isTty: Boolean(process.stderr.isTTY),
    outputFailed: () => stdout.error() !== undefined && stdout.error()?.code !== 'EPIPE',
  };
}
