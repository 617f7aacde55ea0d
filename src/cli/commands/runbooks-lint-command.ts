import { resolve } from 'node:path';
import { runRunbooksLint } from '../../runbooks/index.js';
import type { Command } from '../command.js';

export const runbooksLint: Command = {
  name: 'runbooks lint',
  summary: 'Lint runbooks/ against the failure model and the safe-operation catalog (exit 1 on errors)',
  usage: 'Prints file:line: severity: message [rule]. --dir picks another runbook folder.',
  options: { dir: { type: 'string' } },
  async run(args, io) {
    const dir = resolve(typeof args.values.dir === 'string' ? args.values.dir : 'runbooks');
    const now = new Date(io.clock?.nowMs() ?? Date.now());
    return runRunbooksLint({ dir, now, out: (line: string) => io.stdout(`${line}\n`) });
  },
};
