import { accessSync, constants, mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { systemClock, type Clock } from '../core/clock.js';
import { loadConfig } from '../core/config/load-config.js';
import type { FleetopsConfig } from '../core/config/schema.js';
import { ConfigError } from '../core/errors.js';
import { createLogger, type Logger } from '../core/logger.js';
import type { ParsedArgs } from './parse-args.js';

export interface AppContext {
  config: FleetopsConfig;
  logger: Logger;
  clock: Clock;
  env: NodeJS.ProcessEnv;
  /** Absolute output folder, created and checked writable. */
  outDir: string;
}

export interface AppContextOptions {
  env?: NodeJS.ProcessEnv;
  clock?: Clock;
  logger?: Logger;
}

/** Config (defaults → file → env → flags), logger and output folder for one CLI invocation. */
export function createAppContext(args: ParsedArgs, opts: AppContextOptions = {}): AppContext {
  const env = opts.env ?? process.env;
  const overrides: Record<string, unknown> = {};
  if (typeof args.values.out === 'string') overrides.outDir = args.values.out;
  if (args.values['dry-run'] === true) overrides['clusterOps.kind'] = 'dry-run';
  if (typeof args.values['log-level'] === 'string') overrides.logLevel = args.values['log-level'];
  const config = loadConfig({ file: configFileOf(args, env), env, overrides });
  if (env.KUBERNETES_SERVICE_HOST && config.store.kind === 'sqlite' && env.FLEETOPS_ALLOW_SQLITE !== '1') {
    throw new ConfigError('store.kind: expected postgres inside Kubernetes (CronJob pods share one database), found sqlite; set FLEETOPS_ALLOW_SQLITE=1 only for a single-pod `fleetops schedule`');
  }
  const outDir = resolve(config.outDir);
  ensureWritable(outDir, typeof args.values.out === 'string' ? '--out' : 'outDir');
  const logger = opts.logger ?? createLogger({ level: config.logLevel });
  return { config, logger, clock: opts.clock ?? systemClock, env, outDir };
}

/** The config file of an invocation: --config, else $FLEETOPS_CONFIG, else none (built-in defaults). */
export function configFileOf(args: ParsedArgs, env: NodeJS.ProcessEnv): string | undefined {
  return typeof args.values.config === 'string' ? args.values.config : env.FLEETOPS_CONFIG;
}

function ensureWritable(dir: string, field: string): void {
  try {
    mkdirSync(dir, { recursive: true });
    accessSync(dir, constants.W_OK);
  } catch (err) {
    throw new ConfigError(`${field}: output folder ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? err})`, { cause: err });
  }
}
