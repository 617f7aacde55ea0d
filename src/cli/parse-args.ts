import { parseArgs } from 'node:util';
import { ConfigError } from '../core/errors.js';

/** Options every command accepts. */
export const COMMON_OPTIONS = {
  config: { type: 'string', short: 'c' },
  out: { type: 'string', short: 'o' },
  'dry-run': { type: 'boolean' },
  shard: { type: 'string' },
  help: { type: 'boolean', short: 'h' },
  'log-level': { type: 'string' },
} as const;

export type OptionSpec = Record<string, { type: 'string' | 'boolean'; short?: string; multiple?: boolean }>;

export interface ParsedArgs {
  values: Record<string, string | boolean | string[] | undefined>;
  positionals: string[];
}

/** Parse argv strictly: an unknown flag is a usage error (exit 2) naming the flag. */
export function parseCommandArgs(argv: string[], extra: OptionSpec = {}): ParsedArgs {
  try {
    const { values, positionals } = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...extra }, allowPositionals: true, strict: true });
    return { values: values as ParsedArgs['values'], positionals };
  } catch (err) {
    throw new ConfigError(`usage error: ${(err as Error).message.split('\n')[0]} (see --help)`, { cause: err });
  }
}

export interface ShardSpec {
  index: number;
  count: number;
}

/** `i/n` with 0 ≤ i < n (0-based, like JOB_COMPLETION_INDEX). */
export function parseShard(spec: string, where = '--shard'): ShardSpec {
  const m = /^(\d+)\/(\d+)$/.exec(spec.trim());
  if (!m) throw new ConfigError(`${where}: expected "i/n" such as 0/8, found ${JSON.stringify(spec)}`);
  const index = Number(m[1]);
  const count = Number(m[2]);
  if (count < 1 || index >= count) throw new ConfigError(`${where}: index must be in 0..n-1 and n ≥ 1, found ${JSON.stringify(spec)}`);
  return { index, count };
}

/** Shard from the flag, else from an Indexed Job (JOB_COMPLETION_INDEX + FLEETOPS_SHARD_COUNT or config). */
export function resolveShard(flag: string | undefined, env: NodeJS.ProcessEnv, configShards: number): ShardSpec | undefined {
  if (flag) return parseShard(flag);
  const index = env.JOB_COMPLETION_INDEX;
  if (index === undefined) return undefined;
  const count = env.FLEETOPS_SHARD_COUNT ?? String(configShards);
  return parseShard(`${index}/${count}`, 'JOB_COMPLETION_INDEX/FLEETOPS_SHARD_COUNT');
}

export function parseIntArg(value: string | undefined, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (!/^\d+$/.test(value)) throw new ConfigError(`--${name}: expected a non-negative integer, found ${JSON.stringify(value)}`);
  return Number(value);
}
