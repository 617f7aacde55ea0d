import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/core/errors.js';
import { listRunbookFiles, runbooksDirFor, shippedRunbooksDir } from '../../src/runbooks/index.js';
import { runCli } from '../cli/run-cli.js';

const tmp = mkdtempSync(join(tmpdir(), 'fleetops-runbooks-'));

describe('the runbook folder', () => {
  it('defaults to the runbooks shipped beside the package, whatever the working directory', () => {
    expect(shippedRunbooksDir()).toBe(resolve('runbooks'));
    expect(runbooksDirFor(undefined)).toBe(resolve('runbooks'));
    expect(listRunbookFiles(shippedRunbooksDir()).length).toBeGreaterThan(5);
  });

  it('takes a configured folder relative to the working directory, and refuses one that does not exist naming the field', () => {
    const own = join(tmp, 'own');
    mkdirSync(own);
    expect(runbooksDirFor(own)).toBe(own);
    expect(() => runbooksDirFor(join(tmp, 'absent'))).toThrow(ConfigError);
    expect(() => runbooksDirFor(join(tmp, 'absent'))).toThrow(`runbooksDir: runbook folder ${join(tmp, 'absent')} does not exist`);
  });

  it('runbooks lint reads the config\'s runbooksDir and exits 2 naming it when it is missing', async () => {
    const config = join(tmp, 'c.yaml');
    writeFileSync(config, `runbooksDir: ${join(tmp, 'nope')}\n`);

    const run = await runCli(['runbooks', 'lint', '--config', config]);

    expect(run.code).toBe(2);
    expect(run.stderr).toContain(`runbooksDir: runbook folder ${join(tmp, 'nope')} does not exist`);
  });

  it('runbooks lint started from another working directory lints the shipped runbooks (it failed with ENOENT)', () => {
    const cwd = mkdtempSync(join(tmpdir(), 'fleetops-cwd-'));
    // tsx by its path: `--import tsx` resolves from the working directory
    const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;
    const run = spawnSync(process.execPath, ['--import', tsx, resolve('src/cli/main.ts'), 'runbooks', 'lint'], { cwd, encoding: 'utf8', env: { ...process.env, FLEETOPS_CONFIG: '' } });

    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/runbooks lint: 0 error\(s\)/);
  }, 30_000);
});
