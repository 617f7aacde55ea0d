import { describe, expect, it } from 'vitest';
import type { EvidenceRow, RcaRow } from '../../src/adapters/store/types.js';
import { reuseStoredNarrative, storedModelNarrative } from '../../src/digest/stored-narrative.js';

const T0 = Date.UTC(2026, 10, 29, 10, 0);
const row = (id: string, excerpt: string): EvidenceRow => ({ id, groupId: 'g-0', source: 'changes', query: `query ${id}`, startMs: T0, endMs: T0 + 3_600_000, excerpt, data: {}, createdAtMs: T0 });
const LEDGER = [row('ev-a', 'rollout of coredns 1.11.3 at 10:02'), row('ev-b', 'availability fell on 2 clusters')];
const NARRATIVE = {
  summary: 'coredns 1.11.3 rolled out on 4 clusters before the dip.',
  rootCause: { statement: 'The rollout of coredns 1.11.3 caused the dip.', evidenceIds: ['ev-a'] },
  claims: [{ text: 'Availability fell on 2 clusters.', evidenceIds: ['ev-b'] }],
  rejectedHypotheses: [],
  nextSteps: ['Follow runbook failed-rollout-bad-version, section 3.'],
};
const rcaRow = (patch: Partial<RcaRow> = {}, body: Record<string, unknown> = {}): RcaRow => ({
  groupId: 'g-0', runId: 'run-1', engine: 'bedrock', verdict: 'root-cause', createdAtMs: T0,
  body: { narrative: NARRATIVE, evidenceIds: ['ev-a', 'ev-b'], llm: { used: true }, ...body }, ...patch,
});
const FACTS = ['4 clusters affected'];

describe('storedModelNarrative', () => {
  it('reads the model narrative and its evidence ids; the run is the one that called the model, carried over reuses', () => {
    expect(storedModelNarrative(rcaRow())).toMatchObject({ engine: 'bedrock', runId: 'run-1', evidenceIds: ['ev-a', 'ev-b'] });
    expect(storedModelNarrative(rcaRow({ runId: 'run-2' }, { llm: { used: true, reusedFrom: { runId: 'run-1' } } }))?.runId).toBe('run-1');
  });

  it.each([
    ['no row', undefined],
    ['a template narrative', rcaRow({ engine: 'template' })],
    ['a body without evidence ids', rcaRow({}, { evidenceIds: undefined })],
    ['a body without a narrative', rcaRow({}, { narrative: null })],
  ])('is undefined for %s', (_case, stored) => {
    expect(storedModelNarrative(stored)).toBeUndefined();
  });
});

describe('reuseStoredNarrative', () => {
  const stored = storedModelNarrative(rcaRow())!;

  it('reuses it on the same evidence, in any order', () => {
    const reuse = reuseStoredNarrative(stored, [...LEDGER].reverse(), FACTS);

    expect(reuse).toEqual({ ok: true, narrative: { ...NARRATIVE, nextSteps: [] } });
  });

  it.each([
    ['a new row', [...LEDGER, row('ev-c', 'restarts rose')], '1 rows new, 0 gone'],
    ['a row gone', [LEDGER[0]], '0 rows new, 1 gone'],
  ])('does not reuse it when the evidence has %s, and says so', (_case, ledger, counts) => {
    expect(reuseStoredNarrative(stored, ledger, FACTS)).toEqual({ ok: false, reason: `the model narrative of run run-1 was not reused: the group's evidence changed since (${counts})` });
  });

  it('does not reuse it when it no longer passes the grounding check (a fact it relied on changed)', () => {
    const reuse = reuseStoredNarrative(stored, LEDGER, ['3 clusters affected']);

    expect(reuse.ok).toBe(false);
    expect(!reuse.ok && reuse.reason).toMatch(/^the model narrative of run run-1 was not reused: it no longer passes the grounding check \(summary: states "4 clusters", which appears neither/);
  });
});
