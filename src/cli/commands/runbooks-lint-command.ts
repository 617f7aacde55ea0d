import { loadConfig } from '../../core/config/load-config.js';
import { runbooksDirFor, runRunbooksLint } from '../../runbooks/index.js';
import { configFileOf } from '../app-context.js';
import type { Command } from '../command.js';

export const runbooksLint: Command = {
  name: 'runbooks lint',
  summary: 'Lint the runbooks against the failure model and the safe-operation catalog (exit 1 on errors)',
  usage: 'Prints file:line: severity: message [rule]. The folder is --dir, else the config\'s runbooksDir, else the runbooks shipped with fleetops.',
  options: { dir: { type: 'string' } },
  async run(args, io) {
    const configured = typeof args.values.dir === 'string' ? args.values.dir : loadConfig({ file: configFileOf(args, io.env), env: io.env }).runbooksDir;
    const dir = runbooksDirFor(configured, typeof args.values.dir === 'string' ? '--dir' : 'runbooksDir');
    const now = new Date(io.clock?.nowMs() ?? Date.now());
    return runRunbooksLint({ dir, now, out: (line: string) => io.stdout(`${line}\n`) });
  },
};
