import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { formatFinding, lintRunbooks, runRunbooksLint, type Finding } from '../../src/runbooks/index.js';
import { loadFailureModel } from '../../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../../src/remediation/catalog/index.js';

const NOW = new Date('2026-12-01T00:00:00Z');
const options = { now: NOW, failureModel: loadFailureModel(), catalog: loadSafeOperationCatalog() };
const FIXTURES = 'test/fixtures/runbooks';

/** 1-based line of the first line containing `text`, so expectations survive fixture edits. */
function lineOf(file: string, text: string): number {
  const index = readFileSync(file, 'utf8').split('\n').findIndex((line) => line.includes(text));
  if (index < 0) throw new Error(`${text} not in ${file}`);
  return index + 1;
}

function lintCase(name: string): Finding[] {
  return lintRunbooks(`${FIXTURES}/${name}`, options).filter((f) => f.rule !== 'unanswered-failure-mode');
}

describe('lintRunbooks on the shipped runbooks', () => {
  it('finds no errors and no warnings', () => {
    const findings = lintRunbooks('runbooks', options);

    expect(findings.map(formatFinding)).toEqual([]);
  });
});

describe('lintRunbooks rules', () => {
  it('accepts a clean runbook', () => {
    expect(lintCase('clean')).toEqual([]);
  });

  it.each([
    ['missing', 'no-front-matter.md', 'front-matter', 'error', () => 1],
    ['missing', 'no-owner.md', 'missing-field', 'error', () => 1],
    ['missing', 'no-owner.md', 'missing-section', 'error', (f: string) => lineOf(f, '## Escalation')],
    ['bad-yaml', 'broken.md', 'front-matter', 'error', (f: string) => lineOf(f, 'title:')],
    ['mismatch', 'wrong-name.md', 'id-mismatch', 'error', (f: string) => lineOf(f, 'id: right-name')],
    ['mismatch', 'wrong-name.md', 'invalid-field', 'error', (f: string) => lineOf(f, 'last_reviewed:')],
    ['unknown-refs', 'bad-refs.md', 'unknown-component', 'error', (f: string) => lineOf(f, 'dns-server')],
    ['unknown-refs', 'bad-refs.md', 'unknown-signal', 'error', (f: string) => lineOf(f, 'dns_latency')],
    ['unknown-refs', 'bad-refs.md', 'unknown-failure-mode', 'error', (f: string) => lineOf(f, 'coredns.melted')],
    ['unknown-refs', 'bad-refs.md', 'unknown-operation', 'error', (f: string) => lineOf(f, 'restart-cluster')],
    ['unknown-refs', 'bad-refs.md', 'operation-bounds', 'error', (f: string) => lineOf(f, 'max: 900')],
    ['stale', 'old.md', 'stale-review', 'warning', (f: string) => lineOf(f, 'last_reviewed:')],
    ['stale', 'ancient.md', 'stale-review', 'error', (f: string) => lineOf(f, 'last_reviewed:')],
    ['near-duplicate', 'dns-slow.md', 'near-duplicate', 'warning', (f: string) => lineOf(f, '## Symptoms')],
    ['conflict', 'scale-up.md', 'conflicting-remediation', 'error', (f: string) => lineOf(f, 'allowed_operations:')],
    ['conflict-disjoint', 'scale-up.md', 'conflicting-remediation', 'error', (f: string) => lineOf(f, 'allowed_operations:')],
  ] as const)('%s/%s: reports %s (%s) at the right line', (dir, name, rule, severity, expectedLine) => {
    const file = `${FIXTURES}/${dir}/${name}`;

    const findings = lintCase(dir).filter((f) => f.rule === rule && f.file === file);

    expect(findings).toHaveLength(1);
    expect(findings[0]).toMatchObject({ severity, line: expectedLine(file) });
  });

  it('explains a conflict by naming the other runbook and the opposite direction', () => {
    const [finding] = lintCase('conflict').filter((f) => f.rule === 'conflicting-remediation');

    expect(finding.message).toMatch(/scale-workload up but .*scale-down\.md allows scale-workload down/);
  });

  it('makes staleness limits configurable', () => {
    const findings = lintRunbooks(`${FIXTURES}/stale`, { ...options, staleWarningDays: 400, staleErrorDays: 600 });

    expect(findings.filter((f) => f.rule === 'stale-review').map((f) => f.severity)).toEqual(['warning']);
  });

  it('reports failure modes no runbook answers at their line in the failure model', () => {
    const model = options.failureModel;

    const findings = lintRunbooks(`${FIXTURES}/clean`, options).filter((f) => f.rule === 'unanswered-failure-mode');

    const etcd = findings.find((f) => f.message.includes('etcd.disk-latency'));
    expect(etcd).toMatchObject({ file: model.source?.path, severity: 'warning', line: lineOf(model.source!.path, 'id: etcd.disk-latency') });
    expect(findings.some((f) => f.message.includes('coredns.overload'))).toBe(false);
  });

  it('formats findings as file:line: severity: message [rule]', () => {
    const finding: Finding = { file: 'runbooks/x.md', line: 7, severity: 'error', rule: 'unknown-signal', message: 'unknown signal foo' };

    expect(formatFinding(finding)).toBe('runbooks/x.md:7: error: unknown signal foo [unknown-signal]');
  });
});

describe('runRunbooksLint', () => {
  it.each([
    ['runbooks', 0],
    [`${FIXTURES}/clean`, 0],
    [`${FIXTURES}/unknown-refs`, 1],
  ])('lints %s with exit code %i', (dir, code) => {
    const lines: string[] = [];

    expect(runRunbooksLint({ dir, now: NOW, out: (line) => lines.push(line) })).toBe(code);
    expect(lines.at(-1)).toMatch(/^runbooks lint: \d+ error\(s\), \d+ warning\(s\)$/);
  });

  it('exits 2 when the catalog cannot be loaded', () => {
    const lines: string[] = [];

    expect(runRunbooksLint({ dir: 'runbooks', now: NOW, out: (line) => lines.push(line), catalogPath: 'nope.yaml' })).toBe(2);
    expect(lines[0]).toMatch(/cannot read safe-operation catalog nope\.yaml/);
  });
});
