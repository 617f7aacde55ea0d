import { createWriteStream, renameSync } from 'node:fs';
import { resolve } from 'node:path';
import { stringify } from 'yaml';
import { buildAdapters } from '../../adapters/index.js';
import { ConfigError } from '../../core/errors.js';
import { exportOpenMetrics } from '../../simulator/index.js';
import { createAppContext } from '../app-context.js';
import type { Command, CliIo } from '../command.js';
import { parseIntArg, type ParsedArgs } from '../parse-args.js';

const SIM_OPTIONS = { seed: { type: 'string' }, clusters: { type: 'string' }, days: { type: 'string' }, scenarios: { type: 'string' } } as const;

/** Simulator flags override the config's simulator section. */
function simulatedAdapters(args: ParsedArgs, io: CliIo) {
  const app = createAppContext(args, { env: io.env, clock: io.clock, logger: io.logger });
  const sim = app.config.simulator;
  sim.seed = parseIntArg(args.values.seed as string | undefined, 'seed', sim.seed);
  sim.clusters = parseIntArg(args.values.clusters as string | undefined, 'clusters', sim.clusters);
  sim.days = parseIntArg(args.values.days as string | undefined, 'days', sim.days);
  const scenarios = args.values.scenarios;
  if (scenarios !== undefined && scenarios !== 'default' && scenarios !== 'random') throw new ConfigError(`--scenarios: expected default or random, found ${JSON.stringify(scenarios)}`);
  if (scenarios) sim.scenarios = scenarios;
  if (sim.clusters < 1) throw new ConfigError('--clusters: expected at least 1, found 0');
  return { app, adapters: buildAdapters({ config: app.config, outDir: app.outDir, env: app.env, clock: app.clock, logger: app.logger }) };
}

export const simulateExport: Command = {
  name: 'simulate export-openmetrics',
  summary: 'Write the simulated fleet as OpenMetrics for `promtool tsdb create-blocks-from openmetrics`',
  usage: '  --out FILE (required; here --out names the file), --clusters N, --days D, --seed S, --cluster-label NAME',
  options: { ...SIM_OPTIONS, file: { type: 'string' }, 'cluster-label': { type: 'string' } },
  async run(args, io) {
    const file = args.values.out ?? args.values.file;
    if (typeof file !== 'string') throw new ConfigError('--out: expected the OpenMetrics file to write, found nothing');
    const { app, adapters } = simulatedAdapters({ ...args, values: { ...args.values, out: undefined } }, io);
    const tmp = `${resolve(file)}.tmp`;
    const out = createWriteStream(tmp);
    await new Promise<void>((ok, fail) => out.once('open', () => ok()).once('error', (e) => fail(new ConfigError(`--out: cannot write ${file} (${(e as NodeJS.ErrnoException).code})`, { cause: e }))));
    const stats = await exportOpenMetrics(adapters.fleet(), { write: out, clusterLabel: (args.values['cluster-label'] as string | undefined) ?? app.config.clusterLabel });
    await new Promise<void>((ok, fail) => out.end((err?: Error | null) => (err ? fail(err) : ok())));
    renameSync(tmp, resolve(file));
    io.stdout(`wrote ${file}: ${stats.series} series, ${stats.samples} samples, ${(stats.bytes / 1e6).toFixed(1)} MB\n`);
    return 0;
  },
};

export const simulateInventory: Command = {
  name: 'simulate inventory',
  summary: 'Print the simulated inventory (YAML, usable as an inventory file)',
  options: SIM_OPTIONS,
  async run(args, io) {
    const { adapters } = simulatedAdapters(args, io);
    io.stdout(stringify({ clusters: adapters.fleet().clusters }));
    return 0;
  },
};

export const simulateGroundTruth: Command = {
  name: 'simulate ground-truth',
  summary: 'Print the injected incidents and confounders of a seed (JSON)',
  options: SIM_OPTIONS,
  async run(args, io) {
    const { adapters } = simulatedAdapters(args, io);
    io.stdout(`${JSON.stringify(adapters.fleet().groundTruth, null, 1)}\n`);
    return 0;
  },
};
