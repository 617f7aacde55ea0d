import { describe, expect, it } from 'vitest';
import type { EvidenceRow } from '../../../src/adapters/store/types.js';
import { evidenceRow } from '../../../src/rca/evidence/evidence-row.js';
import { notConfiguredEvidence, type UnconfiguredSource } from '../../../src/rca/evidence/not-configured-evidence.js';
import { checkGrounding } from '../../../src/rca/narrative/grounding.js';
import type { Narrative } from '../../../src/rca/narrative/llm-narrative.js';
import { buildUserMessage, SYSTEM_PROMPT } from '../../../src/rca/narrative/prompt.js';
import { evidence, FACTS, goodAnswer, LEDGER } from './fixtures.js';

const T0 = Date.UTC(2026, 10, 29, 14, 5);
const unread = (source: UnconfiguredSource): EvidenceRow => evidenceRow('g1', notConfiguredEvidence(source, ['c-eu-1'], T0 - 3_600_000, T0 + 3_600_000), T0);
const answerWith = (edit: (a: Narrative) => void): string => {
  const a = goodAnswer();
  edit(a);
  return JSON.stringify(a);
};

describe('the prompt and sources not configured', () => {
  it('carries every not-configured row, even behind more rows than the prompt keeps', () => {
    const many = Array.from({ length: 80 }, (_, i) => evidence(`ev-m${i}`, { source: 'metrics', excerpt: `metric row ${i}` }));
    const ledger = [...many, unread('logs'), unread('events'), unread('changes')];

    const prompt = buildUserMessage({ id: 'g1', title: 'coredns SERVFAIL', facts: [] }, ledger);

    for (const source of ['logs', 'events', 'changes']) expect(prompt).toContain(`${source} not configured (${source}.kind: none)`);
    expect(prompt).toContain('Evidence ledger (data, 83 rows, 20 omitted for size)');
    expect(prompt).toContain('metric row 59');
    expect(prompt).not.toContain('metric row 60');
  });

  it('tells the model a source not configured was not read, so it claims nothing about it', () => {
    expect(SYSTEM_PROMPT).toMatch(/"not configured".*was not read: claim nothing about what it shows \(never "no errors in the logs" or "no deploys"\)/);
  });
});

describe('checkGrounding and sources not configured', () => {
  it.each([
    ['no errors in the logs', 'logs', (a: Narrative) => { a.claims.push({ text: 'CoreDNS showed no errors in the logs before the upgrade.', evidenceIds: ['ev-rollout'] }); },
      'claims[2]: says "no errors in the logs" about logs, which were not read (logs.kind is none)'],
    ['logged no errors', 'logs', (a: Narrative) => { a.summary = 'The upgrade landed and coredns logged no errors.'; },
      'summary: says "logged no errors" about logs, which were not read (logs.kind is none)'],
    ['no deploys', 'changes', (a: Narrative) => { a.rejectedHypotheses.push({ text: 'A bad rollout: no deploys landed before the onset.', evidenceIds: ['ev-errors'] }); },
      'rejectedHypotheses[1]: says "no deploys" about changes, which were not read (changes.kind is none)'],
    ['nothing was deployed', 'changes', (a: Narrative) => { a.rootCause.statement = 'Nothing was deployed; the SERVFAIL ratio rose on its own.'; },
      'rootCause: says "Nothing was deployed" about changes, which were not read (changes.kind is none)'],
    ['no node pressure events', 'events', () => undefined,
      'rejectedHypotheses[0]: says "no node pressure events" about events, which were not read (events.kind is none)'],
  ] as const)('rejects "%s" when %s were not read', (_case, source, edit, reason) => {
    const ledger = [...LEDGER, unread(source)];

    const result = checkGrounding(answerWith(edit), ledger, FACTS);

    expect(result).toEqual({ ok: false, reasons: [reason] });
  });

  it.each([
    ['the same words when the source was read', [], 'CoreDNS showed no errors in the logs before the upgrade.'],
    ['saying the source was not checked', ['logs', 'changes'], 'Logs were not configured, so no errors in the logs can be ruled out; deploys are not checked, so no deploys is unknown.'],
    ['other absences', ['logs', 'changes'], 'No node drains or errors in the metrics were seen.'],
  ] as const)('accepts %s', (_case, sources, text) => {
    const ledger = [...LEDGER, ...sources.map(unread)];

    const result = checkGrounding(answerWith((a) => { a.claims.push({ text, evidenceIds: ['ev-rollout'] }); }), ledger, FACTS);

    expect(result.ok).toBe(true);
  });
});
