import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { describe, expect, it } from 'vitest';
import { runUnderLocales } from '../support/run-under-locales.js';

// Equal scores are ordered by runbook id; localeCompare followed LANG (Estonian sorts z before t).
const SCRIPT = `
import { createRunbookIndex, loadRunbooks } from ${JSON.stringify(pathToFileURL(resolve('src/runbooks/index.ts')).href)};
const [rb] = loadRunbooks('test/fixtures/runbooks/clean');
const index = createRunbookIndex(['zebra', 'tallinn'].map((id) => ({ ...rb, id })));
console.log(index.search('CoreDNS answers slowly', 2).map((h) => h.runbookId).join(' '));
`;

describe('runbook retrieval order', () => {
  it('breaks score ties by id in the same order whatever the locale', () => {
    const runs = runUnderLocales(SCRIPT);

    expect(runs.map((run) => run.stderr)).toEqual(['', '']);
    expect(runs.map((run) => run.stdout.trim())).toEqual(['tallinn zebra', 'tallinn zebra']);
  }, 30_000);
});
