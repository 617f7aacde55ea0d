import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatFinding, lintRunbooks, parseRunbook, type Finding } from '../../src/runbooks/index.js';
import { sortFindings } from '../../src/runbooks/lint-finding.js';
import { loadFailureModel } from '../../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../../src/remediation/catalog/index.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const options = { now: NOW, failureModel: loadFailureModel(), catalog: loadSafeOperationCatalog() };
const CLEAN = readFileSync('test/fixtures/runbooks/clean/dns-slow.md', 'utf8');
const root = mkdtempSync(join(tmpdir(), 'fleetops-runbook-lint-'));
let dirs = 0;

/** Writes runbooks (name → text or bytes) into a fresh folder and lints it. */
function lint(files: Record<string, string | Buffer>): Finding[] {
  const dir = join(root, String((dirs += 1)));
  mkdirSync(dir);
  for (const [name, text] of Object.entries(files)) writeFileSync(join(dir, name), text);
  return lintRunbooks(dir, options).filter((f) => f.rule !== 'unanswered-failure-mode').map((f) => ({ ...f, file: f.file.slice(dir.length + 1) }));
}

const lineOf = (text: string, needle: string): number => text.split('\n').findIndex((line) => line.includes(needle)) + 1;

describe('runbooks lint: line numbers', () => {
  it('points a missing last section at the last line of the file, not past it', () => {
    const text = CLEAN.replace(/## Escalation[\s\S]*$/, '').trimEnd() + '\n';

    const findings = lint({ 'dns-slow.md': text });

    expect(findings.map(formatFinding)).toEqual([`dns-slow.md:${text.split('\n').length - 1}: error: missing section "## Escalation" [missing-section]`]);
  });

  it('gives the file line, not the front-matter line, inside a YAML error message', () => {
    const text = CLEAN.replace('  - op: scale-workload', '\t- op: scale-workload');

    const [finding] = lint({ 'dns-slow.md': text });

    const line = lineOf(text, '\t- op');
    expect(finding).toMatchObject({ rule: 'front-matter', line });
    expect(finding.message).toContain(`at line ${line}, column 1`);
  });

  it.each([
    ['a BOM', (t: string) => `\uFEFF${t}`],
    ['CRLF line ends', (t: string) => t.replace(/\n/g, '\r\n')],
    ['a BOM and CRLF', (t: string) => `\uFEFF${t.replace(/\n/g, '\r\n')}`],
  ])('reports the same lines with %s', (_, encode) => {
    const text = CLEAN.replace('signal: latency_p99', 'signal: latency_p42');

    const findings = lint({ 'dns-slow.md': encode(text) });

    expect(findings.map((f) => [f.rule, f.line])).toEqual([['unknown-signal', lineOf(text, 'latency_p42')]]);
  });
});

describe('runbooks lint: code fences', () => {
  it('does not close a ~~~ fence on a ``` line (the rest of the file was swallowed)', () => {
    const text = CLEAN.replace('## Symptoms\n', '## Symptoms\n\n~~~markdown\n```promql\n## Not a section\n~~~\n');

    expect(lint({ 'dns-slow.md': text })).toEqual([]);
  });

  it('does not close a ```` fence on a shorter ``` line (its ## line became a section)', () => {
    const text = CLEAN.replace('## Symptoms\n', '## Symptoms\n\n````markdown\n```\n## Diagnosis\n```\n````\n');

    const raw = parseRunbook(text, 'dns-slow.md');

    expect(raw.sections.map((s) => s.name)).toEqual(['Symptoms', 'Diagnosis', 'Remediation', 'Verification', 'Escalation']);
    expect(lint({ 'dns-slow.md': text })).toEqual([]);
  });

  it('counts a ~~~ fence in Diagnosis as evidence', () => {
    const text = CLEAN.replace(/```promql\n([\s\S]*?)```/, '~~~promql\n$1~~~');

    expect(lint({ 'dns-slow.md': text })).toEqual([]);
  });
});

describe('runbooks lint: front matter', () => {
  it('says an opened front matter is not closed, rather than missing', () => {
    const text = CLEAN.replace('severity: high\n---\n', 'severity: high\n\n');

    const findings = lint({ 'dns-slow.md': text });

    expect(findings.map(formatFinding)).toEqual(['dns-slow.md:1: error: front matter is not closed: end it with a --- line [front-matter]']);
  });

  it('reports YAML aliases that expand too far as a finding on that file (the run crashed naming no file)', () => {
    const bomb = ['x0: &x0 [a, a, a, a, a, a, a, a, a, a]', ...Array.from({ length: 6 }, (_, i) => `x${i + 1}: &x${i + 1} [${Array(10).fill(`*x${i}`).join(', ')}]`)];
    const text = CLEAN.replace('id: dns-slow\n', `id: dns-slow\n${bomb.join('\n')}\n`);

    const findings = lint({ 'dns-slow.md': text, 'other.md': CLEAN.replace('id: dns-slow', 'id: other').replace('signal: latency_p99', 'signal: latency_p42') });

    expect(findings.map((f) => [f.file, f.line, f.rule])).toEqual([['dns-slow.md', 2, 'front-matter'], ['other.md', lineOf(CLEAN, 'latency_p99'), 'unknown-signal']]);
    expect(findings[0].message).toMatch(/^front matter cannot be read: Excessive alias count/);
  });

  it('reports a missing enum field (severity) as missing, like the other fields', () => {
    const findings = lint({ 'dns-slow.md': CLEAN.replace('severity: high\n', '') });

    expect(findings.map(formatFinding)).toEqual(['dns-slow.md:1: error: front matter has no severity [missing-field]']);
  });

  it('names each bad front-matter field in words, an unknown one on its own line', () => {
    const text = CLEAN.replace('severity: high', 'severity: urgent\nteam: sre');

    const findings = lint({ 'dns-slow.md': text });

    // before: `severity: Invalid option: expected one of …` and `: Unrecognized key: "team"` on the first line
    expect(findings.map(formatFinding)).toEqual([
      `dns-slow.md:${lineOf(text, 'severity:')}: error: severity: expected one of "critical", "high", "medium", "low", found string "urgent" [invalid-field]`,
      `dns-slow.md:${lineOf(text, 'team:')}: error: team: unknown key (check spelling) [invalid-field]`,
    ]);
  });

  it('names what a patterned field expects and what it holds (was `id: ids are kebab-case`)', () => {
    const text = CLEAN.replace('id: dns-slow', 'id: DNS_slow');

    const findings = lint({ 'dns-slow.md': text });

    expect(findings.map(formatFinding)).toEqual([
      `dns-slow.md:${lineOf(text, 'id:')}: error: id: expected a kebab-case id such as coredns-latency-timeouts, found string "DNS_slow" [invalid-field]`,
    ]);
  });

  it.each([
    ['2026-02-30', 'is not a date'],
    ['2026-13-01', 'is not a date'],
    ['2062-11-01', 'is in the future'],
  ])('refuses last_reviewed %s (%s), which was never stale', (date, message) => {
    const text = CLEAN.replace('last_reviewed: 2026-11-01', `last_reviewed: ${date}`);

    const findings = lint({ 'dns-slow.md': text });

    expect(findings.map(formatFinding)).toEqual([`dns-slow.md:${lineOf(text, 'last_reviewed')}: error: last_reviewed ${date} ${message} [invalid-field]`]);
  });

  it('accepts a review dated tomorrow (time zones ahead of UTC)', () => {
    expect(lint({ 'dns-slow.md': CLEAN.replace('last_reviewed: 2026-11-01', 'last_reviewed: 2026-12-02') })).toEqual([]);
  });
});

describe('runbooks lint: sections', () => {
  it('reports a section given twice, at the second heading', () => {
    const text = `${CLEAN}\n## Diagnosis\n\nMore steps.\n`;

    const findings = lint({ 'dns-slow.md': text });

    expect(findings.map(formatFinding)).toEqual([`dns-slow.md:${text.split('\n').lastIndexOf('## Diagnosis') + 1}: error: section "## Diagnosis" appears twice (first at line ${lineOf(text, '## Diagnosis')}): merge them [duplicate-section]`]);
  });
});

describe('runbooks lint: files it cannot read', () => {
  it('names a folder called *.md and a broken symlink, and still lints the other runbooks', () => {
    const dir = join(root, 'unreadable');
    mkdirSync(join(dir, 'folder.md'), { recursive: true });
    symlinkSync(join(root, 'nowhere.md'), join(dir, 'broken.md'));
    writeFileSync(join(dir, 'dns-slow.md'), CLEAN.replace('signal: latency_p99', 'signal: latency_p42'));

    const findings = lintRunbooks(dir, options).filter((f) => f.rule !== 'unanswered-failure-mode');

    expect(findings.map(formatFinding)).toEqual([
      `${dir}/broken.md:1: error: cannot read the file: it does not exist (a broken symlink?) [unreadable]`,
      `${dir}/dns-slow.md:${lineOf(CLEAN, 'latency_p99')}: error: unknown signal latency_p42 [unknown-signal]`,
      `${dir}/folder.md:1: error: cannot read the file: it is a directory [unreadable]`,
    ]);
  });

  it('reports bytes that are not UTF-8 at their line instead of reading them as U+FFFD', () => {
    const text = CLEAN.replace('CoreDNS answers slowly', 'CoreDNS r\xe9pond lentement');

    const findings = lint({ 'dns-slow.md': Buffer.from(text, 'latin1') });

    expect(findings.map(formatFinding)).toEqual([`dns-slow.md:${lineOf(text, 'lentement')}: error: not valid UTF-8: save the file as UTF-8 [unreadable]`]);
  });
});

describe('runbooks lint: order', () => {
  it('sorts findings by code unit, whatever the machine\'s locale (localeCompare put a.md before B.md)', () => {
    const at = (file: string): Finding => ({ file, line: 1, severity: 'error', rule: 'r', message: 'm' });

    const sorted = sortFindings(['b.md', 'a.md', 'B.md', 'ä.md', '_x.md'].map(at)).map((f) => f.file);

    expect(sorted).toEqual(['B.md', '_x.md', 'a.md', 'b.md', 'ä.md']);
  });
});

describe('runbooks lint: the fixed sections, in order, and no others', () => {
  it('warns at a fixed section out of order, naming the one it follows and the order', () => {
    const diagnosis = CLEAN.slice(CLEAN.indexOf('## Diagnosis'), CLEAN.indexOf('## Remediation'));
    const text = CLEAN.replace(diagnosis, '').replace('## Verification', `${diagnosis}## Verification`);

    const findings = lint({ 'dns-slow.md': text });

    expect(findings.map(formatFinding)).toEqual([
      `dns-slow.md:${lineOf(text, '## Diagnosis')}: warning: section "## Diagnosis" comes after "## Remediation": the fixed order is Symptoms, Diagnosis, Remediation, Verification, Escalation [section-order]`,
    ]);
  });

  it('warns at a ## section that is not one of the fixed ones; ### inside them stays free', () => {
    const text = CLEAN.replace('## Escalation', '### Rollback notes\n\nSee the change log.\n\n## Notes\n\nAsk in #dns.\n\n## Escalation');

    const findings = lint({ 'dns-slow.md': text });

    expect(findings.map(formatFinding)).toEqual([
      `dns-slow.md:${lineOf(text, '## Notes')}: warning: section "## Notes" is not one of the fixed sections (Symptoms, Diagnosis, Remediation, Verification, Escalation): make it a ### heading inside one of them [extra-section]`,
    ]);
  });

  it('finds nothing in a runbook with the fixed sections in order', () => {
    expect(lint({ 'dns-slow.md': CLEAN })).toEqual([]);
  });
});

describe('runbooks lint: files the RCA would never load', () => {
  it('warns about a Markdown file not named *.md and a subfolder of runbooks, and loads neither', () => {
    const dir = join(root, String((dirs += 1)));
    mkdirSync(join(dir, 'network'), { recursive: true });
    writeFileSync(join(dir, 'dns-slow.md'), CLEAN);
    writeFileSync(join(dir, 'cert-expiry.MD'), CLEAN.replace('id: dns-slow', 'id: cert-expiry'));
    writeFileSync(join(dir, 'disk-full.markdown'), CLEAN.replace('id: dns-slow', 'id: disk-full'));
    writeFileSync(join(dir, 'network', 'nic-saturated.md'), CLEAN.replace('id: dns-slow', 'id: nic-saturated'));
    mkdirSync(join(dir, 'images'));
    writeFileSync(join(dir, 'images', 'diagram.png'), 'png');
    writeFileSync(join(dir, 'README.markdown'), '# about\n');

    const findings = lintRunbooks(dir, options).filter((f) => f.rule === 'not-loaded').map((f) => ({ ...f, file: f.file.slice(dir.length + 1) }));

    // before: nothing said, and the RCA never cited the three
    expect(findings.map(formatFinding)).toEqual([
      'cert-expiry.MD:1: warning: not loaded: only files named *.md are runbooks; rename it to cert-expiry.md [not-loaded]',
      'disk-full.markdown:1: warning: not loaded: only files named *.md are runbooks; rename it to disk-full.md [not-loaded]',
      `network:1: warning: a subfolder with 1 Markdown file: only runbooks directly in ${dir} are loaded; move them up [not-loaded]`,
    ]);
  });
});
