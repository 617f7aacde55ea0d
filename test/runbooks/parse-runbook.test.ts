import { describe, expect, it } from 'vitest';
import { RunbookFormatError, loadRunbooks, parseRunbook, toRunbook } from '../../src/runbooks/index.js';

const TEXT = [
  '---', // 1
  'id: x', // 2
  'title: X', // 3
  '---', // 4
  '', // 5
  '## Symptoms', // 6
  'it is slow', // 7
  '```sh', // 8
  '## not a heading inside a fence', // 9
  '```', // 10
  '## Diagnosis', // 11
  'look', // 12
].join('\n');

describe('parseRunbook', () => {
  it('splits sections with 1-based heading lines and ignores headings in code fences', () => {
    const raw = parseRunbook(TEXT, 'x.md');

    expect(raw.sections.map((s) => [s.name, s.line])).toEqual([['Symptoms', 6], ['Diagnosis', 11]]);
    expect(raw.sections[0].lines).toContain('## not a heading inside a fence');
  });

  it('maps front-matter paths to file lines', () => {
    const raw = parseRunbook(TEXT, 'x.md');

    expect(raw.frontMatter).toEqual({ id: 'x', title: 'X' });
    expect(raw.lineOf(['title'])).toBe(3);
    expect(raw.lineOf(['owner'])).toBe(1);
  });

  it('reports a missing front matter', () => {
    expect(parseRunbook('## Symptoms\n', 'x.md').frontMatterError?.line).toBe(1);
  });

  it('throws a RunbookFormatError at the offending line when loading', () => {
    expect(() => toRunbook(parseRunbook(TEXT, 'x.md'))).toThrow(RunbookFormatError);
  });
});

describe('loadRunbooks', () => {
  it('loads the shipped runbooks with their sections', () => {
    const runbooks = loadRunbooks('runbooks');

    expect(runbooks.length).toBeGreaterThanOrEqual(16);
    for (const runbook of runbooks) {
      expect(runbook.sections.map((s) => s.name)).toEqual(['Symptoms', 'Diagnosis', 'Remediation', 'Verification', 'Escalation']);
    }
  });
});
