import { pino, type Logger } from 'pino';

export type { Logger } from 'pino';

export interface LoggerOptions {
  level?: string;
  /** Human-readable output (pino-pretty) instead of JSON; default: when stderr is a TTY. */
  pretty?: boolean;
  bindings?: Record<string, unknown>;
}

/** Structured JSON logs on stderr (stdout is for human summaries and machine output). */
export function createLogger(opts: LoggerOptions = {}): Logger {
  const pretty = opts.pretty ?? Boolean(process.stderr.isTTY);
  const base = { ...opts.bindings };
  const level = opts.level ?? 'info';
  if (pretty) {
    return pino({ level, base }, pino.transport({ target: 'pino-pretty', options: { destination: 2, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname' } }));
  }
  return pino({ level, base, timestamp: pino.stdTimeFunctions.isoTime }, pino.destination({ dest: 2, sync: true }));
}

export const silentLogger: Logger = pino({ level: 'silent' });
