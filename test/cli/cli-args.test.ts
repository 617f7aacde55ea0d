import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from './run-cli.js';

const out = mkdtempSync(join(tmpdir(), 'fleetops-cli-args-'));

describe('fleetops command words and option values', () => {
  it('keeps an option value that equals a command word (runbooks lint --dir runbooks)', async () => {
    // the shipped runbooks folder is `runbooks/`: its name is also the command's first word
    const run = await runCli(['runbooks', 'lint', '--dir', 'runbooks', '--out', out]);

    expect(run.stderr).not.toContain('usage error');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('runbooks lint: 0 error(s)');
  });

  it('finds the command after options that take a value', async () => {
    const run = await runCli(['--config', 'fleetops.example.yaml', '--out', out, 'config', 'validate']);

    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('config ok');
  });

  it('still names an unknown command and suggests the group', async () => {
    const run = await runCli(['--out', out, 'config']);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain('unknown command "config"; did you mean: config validate, config print');
  });
});
