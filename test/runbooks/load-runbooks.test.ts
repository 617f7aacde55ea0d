import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { RunbookFormatError, createRunbookIndex, loadRunbooks } from '../../src/runbooks/index.js';

const CLEAN = 'test/fixtures/runbooks/clean/dns-slow.md';
const root = mkdtempSync(join(tmpdir(), 'fleetops-runbook-load-'));

function folder(name: string, files: Record<string, string | Buffer>): string {
  const dir = join(root, name);
  mkdirSync(dir);
  for (const [file, text] of Object.entries(files)) writeFileSync(join(dir, file), text);
  return dir;
}

function loadError(dir: string): RunbookFormatError {
  try {
    loadRunbooks(dir);
  } catch (err) {
    if (err instanceof RunbookFormatError) return err;
    throw err;
  }
  throw new Error(`loadRunbooks(${dir}) did not throw`);
}

describe('loadRunbooks refuses what would make the RCA link the wrong runbook', () => {
  it('refuses a runbook renamed without its id (the digest linked runbooks/<old id>.md)', () => {
    const dir = folder('renamed', { 'dns-slow-answers.md': readFileSync(CLEAN, 'utf8') });

    const err = loadError(dir);

    expect(err).toMatchObject({ file: join(dir, 'dns-slow-answers.md'), line: 2 });
    expect(err.message).toContain('id dns-slow does not match the file name dns-slow-answers.md');
  });

  it('refuses a copy that keeps the id (byId gave one file\'s front matter to the other\'s sections)', () => {
    const dir = folder('copied', {});
    copyFileSync(CLEAN, join(dir, 'dns-slow.md'));
    writeFileSync(join(dir, 'dns-slow-v2.md'), readFileSync(CLEAN, 'utf8').replace('title: CoreDNS slow answers', 'title: CoreDNS slow answers v2'));

    expect(loadError(dir).file).toBe(join(dir, 'dns-slow-v2.md'));
  });

  it('loads a runbook whose id is its file name', () => {
    const dir = folder('ok', {});
    copyFileSync(CLEAN, join(dir, 'dns-slow.md'));

    const index = createRunbookIndex(loadRunbooks(dir));

    expect(index.byId('dns-slow')?.file).toBe(join(dir, 'dns-slow.md'));
  });
});

describe('loadRunbooks names a bad front-matter field in words', () => {
  it.each([
    // before: `severity: Invalid option: expected one of "critical"|"high"|"medium"|"low"`
    ['severity: high', 'severity: urgent', 'severity', 'severity: expected one of "critical", "high", "medium", "low", found string "urgent"'],
    ['components: [coredns]', 'components: []', 'components', 'components: expected a list of at least 1 item, found a list with no items'],
    ['severity: high', 'severity: high\nteam: sre', 'team', 'team: unknown key (check spelling)'],
    // a pattern's own message names what the field expects (was `id: ids are kebab-case`, without the value)
    ['id: dns-slow', 'id: DNS_slow', 'id', 'id: expected a kebab-case id such as coredns-latency-timeouts, found string "DNS_slow"'],
    ['last_reviewed: 2026-11-01', 'last_reviewed: yesterday', 'last_reviewed', 'last_reviewed: expected a date like 2025-01-31, found string "yesterday"'],
  ])('%s → %s', (from, to, key, problem) => {
    const text = readFileSync(CLEAN, 'utf8').replace(from, to);
    const dir = folder(`field-${key}`, { 'dns-slow.md': text });

    const err = loadError(dir);

    expect(err).toMatchObject({ file: join(dir, 'dns-slow.md'), line: text.split('\n').findIndex((l) => l.startsWith(`${key}:`)) + 1, problem });
    expect(err.message).not.toMatch(/Invalid option|Invalid input|Too small|Too big|Unrecognized key/);
  });
});

describe('loadRunbooks names the file it cannot read', () => {
  it('names a broken symlink (ENOENT) and a folder called *.md (EISDIR said no file)', () => {
    const broken = folder('broken', {});
    symlinkSync(join(root, 'nowhere.md'), join(broken, 'broken.md'));
    const dirLike = folder('dir-like', {});
    mkdirSync(join(dirLike, 'folder.md'));

    expect(loadError(broken).message).toBe(`${join(broken, 'broken.md')}:1: cannot read the file: it does not exist (a broken symlink?) (run \`fleetops runbooks lint\` for every problem)`);
    expect(loadError(dirLike).message).toContain(`${join(dirLike, 'folder.md')}:1: cannot read the file: it is a directory`);
  });

  it('names the line of bytes that are not UTF-8', () => {
    const text = readFileSync(CLEAN, 'utf8').replace('CoreDNS answers slowly', 'CoreDNS r\xe9pond lentement');
    const dir = folder('latin1', { 'dns-slow.md': Buffer.from(text, 'latin1') });

    expect(loadError(dir)).toMatchObject({ file: join(dir, 'dns-slow.md'), line: text.split('\n').findIndex((l) => l.includes('lentement')) + 1 });
  });
});
