#!/usr/bin/env node
import { realpathSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ConfigError } from '../core/errors.js';
import type { CliIo, Command } from './command.js';
import { defaultIo } from './default-io.js';
import { COMMANDS } from './commands/index.js';
import { COMMON_OPTIONS, parseCommandArgs } from './parse-args.js';

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

function findCommand(argv: string[]): { command?: Command; rest: string[] } {
  const words = argv.filter((a) => !a.startsWith('-')).slice(0, 2);
  const two = COMMANDS.find((c) => c.name === words.join(' '));
  if (two) return { command: two, rest: argv.filter((a) => a !== words[0] && a !== words[1]) };
  const one = COMMANDS.find((c) => c.name === words[0]);
  return { command: one, rest: one ? argv.filter((a, i) => i !== argv.indexOf(words[0])) : argv };
}

/** Run the CLI; returns the exit code (0 ok, 1 part failed, 2 bad config or usage). */
export async function main(argv: string[], io: CliIo): Promise<number> {
  const first = argv.find((a) => !a.startsWith('-'));
  if (!first) {
    io.stdout(topHelp());
    return argv.includes('--help') || argv.includes('-h') ? 0 : 2;
  }
  const { command, rest } = findCommand(argv);
  if (!command) {
    const group = COMMANDS.filter((c) => c.name.startsWith(`${first} `)).map((c) => c.name);
    io.stderr(`fleetops: unknown command "${argv.filter((a) => !a.startsWith('-')).slice(0, 2).join(' ')}"${group.length ? `; did you mean: ${group.join(', ')}` : '; see fleetops --help'}\n`);
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

if (isEntryPoint()) {
  main(process.argv.slice(2), defaultIo()).then((code) => { process.exitCode = code; });
}
