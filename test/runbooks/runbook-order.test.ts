import { spawnSync } from 'node:child_process';
import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';

// Equal scores are ordered by runbook id; localeCompare followed LANG (Estonian sorts z before t).
const SCRIPT = `
import { createRunbookIndex, loadRunbooks } from ${JSON.stringify(pathToFileURL(resolve('src/runbooks/index.ts')).href)};
const [rb] = loadRunbooks('test/fixtures/runbooks/clean');
const index = createRunbookIndex(['zebra', 'tallinn'].map((id) => ({ ...rb, id })));
console.log(index.search('CoreDNS answers slowly', 2).map((h) => h.runbookId).join(' '));
`;

describe('runbook retrieval order', () => {
  it('breaks score ties by id in the same order whatever the locale', () => {
    const tsx = pathToFileURL(resolve('node_modules/tsx/dist/loader.mjs')).href;

    const runs = ['en_US.UTF-8', 'et_EE.UTF-8'].map((lang) => spawnSync(process.execPath, ['--import', tsx, '--input-type=module', '-e', SCRIPT], {
      encoding: 'utf8', env: { ...process.env, LANG: lang, LC_ALL: lang },
    }));

    expect(runs.map((run) => run.stderr)).toEqual(['', '']);
    expect(runs.map((run) => run.stdout.trim())).toEqual(['tallinn zebra', 'tallinn zebra']);
  }, 30_000);
});
