#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import type { CliIo, Command } from './command.js';
import { defaultIo } from './default-io.js';
import { interruptOnSignals } from './interrupt-on-signal.js';
import { COMMANDS } from './commands/index.js';
import { COMMON_OPTIONS, parseCommandArgs, type OptionSpec } from './parse-args.js';

const COMMON_HELP = `Options (every command):
  -c, --config FILE     YAML config (default: $FLEETOPS_CONFIG, else built-in defaults)
  -o, --out DIR         output folder (default: out)
      --dry-run         never change a cluster (the default executor is dry-run anyway)
      --shard i/n       scan shard i of n (0-based); also JOB_COMPLETION_INDEX + FLEETOPS_SHARD_COUNT
      --log-level LVL   trace|debug|info|warn|error|silent
  -h, --help            this help`;

function topHelp(): string {
  const width = Math.max(...COMMANDS.map((c) => c.name.length));
  const lines = COMMANDS.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`);
  return `fleetops: scheduled batch jobs for a Kubernetes fleet\n\nUsage: fleetops <command> [options]\n\nCommands:\n${lines.join('\n')}\n\n${COMMON_HELP}\n\nExit codes: 0 ok, 1 some part failed (reported), 2 bad config or usage.\n`;
}

function commandHelp(c: Command): string {
  const extra = Object.entries(c.options ?? {}).filter(([k]) => !(k in COMMON_OPTIONS))
    .map(([k, o]) => `      --${k}${o.type === 'string' ? ' VALUE' : ''}`).join('\n');
  return `fleetops ${c.name}: ${c.summary}\n\nUsage: fleetops ${c.name} [options]\n${c.usage ? `\n${c.usage}\n` : ''}${extra ? `\nCommand options:\n${extra}\n` : ''}\n${COMMON_HELP}\n`;
}

/** Long and short names of every option that takes a value (common or any command's). */
function valueOptions(): Set<string> {
  const names = new Set<string>();
  for (const spec of [COMMON_OPTIONS, ...COMMANDS.map((c) => c.options ?? {})] as OptionSpec[]) {
    for (const [name, o] of Object.entries(spec)) {
      if (o.type !== 'string') continue;
      names.add(`--${name}`);
      if (o.short) names.add(`-${o.short}`);
    }
  }
  return names;
}

/**
 * Indexes of the positional words of argv: an option's value (`--dir runbooks`, `-c fleetops.yaml`) is
 * never a command word, so `runbooks lint --dir runbooks` keeps its value and options may come first.
 */
function positionalIndexes(argv: string[]): number[] {
  const takesValue = valueOptions();
  const out: number[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (!a.startsWith('-') || a === '-') out.push(i);
    else if (takesValue.has(a)) i++;
  }
  return out;
}

function findCommand(argv: string[]): { command?: Command; words: string[]; rest: string[] } {
  const at = positionalIndexes(argv).slice(0, 2);
  const words = at.map((i) => argv[i]);
  const without = (n: number) => argv.filter((_, i) => !at.slice(0, n).includes(i));
  const two = COMMANDS.find((c) => c.name === words.join(' '));
  if (two) return { command: two, words, rest: without(2) };
  const one = COMMANDS.find((c) => c.name === words[0]);
  return { command: one, words, rest: one ? without(1) : argv };
}

/** Run the CLI; returns the exit code (0 ok, 1 part failed, 2 bad config or usage). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const { command, words, rest } = findCommand(argv);
  if (words.length === 0) {
    io.stdout(topHelp());
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${words[0]} `)).map((c) => c.name);
    io.stderr(`fleetops: unknown command "${words.join(' ')}"${group.length ? `; did you mean: ${group.join(', ')}` : '; see fleetops --help'}\n`);
    return 2;
  }
  if (rest.includes('--help') || rest.includes('-h')) {
    io.stdout(commandHelp(command));
    return 0;
  }
  try {
    const args = parseCommandArgs(rest, command.options);
    return await command.run(args, io);
  } catch (err) {
    if (err instanceof ConfigError) {
      io.stderr(`fleetops ${command.name}: ${err.message}\n`);
      return 2;
    }
    io.stderr(`fleetops ${command.name}: failed: ${(err as Error)?.message ?? String(err)}\n`);
    return 1;
  }
}

function isEntryPoint(): boolean {
  try {
    return realpathSync(process.argv[1] ?? '') === realpathSync(fileURLToPath(import.meta.url));
  } catch {
    return false;
  }
}

/**
 * The process entry of the `fleetops` binary and of each jobs/*.ts CronJob entry: the real streams
 * (a closed stdout ends the output quietly), SIGTERM / SIGINT recorded as an interrupted run, the exit code.
 */
export async function runCliProcess(argv: string[]): Promise<void> {
  const io = defaultIo();
  // `schedule` has its own handlers (a grace period, then the same interrupt)
  const signals = findCommand(argv).command?.name === 'schedule' ? undefined : interruptOnSignals(process, io.stderr);
  const code = await main(argv, io);
  signals?.remove();
  // EPIPE keeps the command's code (the reader left, the job did its work); another write error is a failure
  const exitCode = io.outputFailed() ? Math.max(code, 1) : code;
  process.exitCode = exitCode;
  // an interrupted job may leave sockets or timers behind (a query that never answered): do not wait on them
  if (signals?.signalled()) process.exit(exitCode);
}

if (isEntryPoint()) void runCliProcess(process.argv.slice(2));
