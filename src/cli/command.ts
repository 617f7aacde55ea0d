import type { Clock } from '../core/clock.js';
import type { Logger } from '../core/logger.js';
import type { OptionSpec, ParsedArgs } from './parse-args.js';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  env: NodeJS.ProcessEnv;
  /** Tests inject these; the real CLI uses the system clock and a pino logger. */
  clock?: Clock;
  logger?: Logger;
  isTty: boolean;
}

export interface Command {
  /** One or two words: `scan`, `config print`. */
  name: string;
  summary: string;
  /** Extra lines for `--help` (arguments, examples). */
  usage?: string;
  options?: OptionSpec;
  run(args: ParsedArgs, io: CliIo): Promise<number>;
}
