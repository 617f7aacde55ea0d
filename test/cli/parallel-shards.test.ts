import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { runShardProcesses } from '../../src/cli/parallel-shards.js';

/** A stand-in for the CLI entry: prints what it was given, then what the test asks for. */
const ENTRY = `
const shard = process.argv[process.argv.indexOf('--shard') + 1];
const [i] = shard.split('/').map(Number);
process.stdout.write('a'.repeat(65_535) + '€ shard ' + shard + ' args ' + process.argv.slice(2, -2).join(' ') + '\\n');
process.stderr.write('ü'.repeat(40_000) + '\\n');
process.exitCode = i === 1 ? 2 : 0;
`;

describe('runShardProcesses', () => {
  let dir = '';
  let argv1: string | undefined;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'fleetops-shards-'));
    writeFileSync(join(dir, 'entry.mjs'), ENTRY);
    argv1 = process.argv[1];
    process.argv[1] = join(dir, 'entry.mjs');
  });
  afterEach(() => {
    process.argv[1] = argv1!;
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs one process per shard with its --shard and keeps each one\'s output whole, multi-byte characters too', async () => {
    const runs = await runShardProcesses(['scan', '--full'], { PATH: process.env.PATH }, 3);

    expect(runs.map((r) => [r.shard, r.code])).toEqual([['0/3', 0], ['1/3', 2], ['2/3', 0]]);
    expect(runs.map((r) => r.stdout.slice(65_535))).toEqual(['€ shard 0/3 args scan --full\n', '€ shard 1/3 args scan --full\n', '€ shard 2/3 args scan --full\n']);
    expect(runs.every((r) => r.stderr === `${'ü'.repeat(40_000)}\n`)).toBe(true);
  });
});
