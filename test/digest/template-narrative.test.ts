import { describe, expect, it } from 'vitest';
import type { EvidenceRow } from '../../src/adapters/store/types.js';
import type { DigestIncidentGroup, DigestRcaResult } from '../../src/digest/rca-contract.js';
import { templateNarrative, templateNextSteps } from '../../src/digest/template-narrative.js';
import { LlmAnswer } from '../../src/rca/narrative/llm-answer.js';

const group: DigestIncidentGroup = {
  id: 'g1', title: 'coredns dips', startMs: 0, endMs: 3_600_000, clusters: ['c1', 'c2'], components: ['coredns'], signals: ['availability'],
  findings: [], sharedAttributes: [], severity: 'critical',
};
const row = (id: string): EvidenceRow => ({ id, groupId: 'g1', source: 'logs', query: 'q', startMs: 0, endMs: 1, excerpt: 'x', data: {}, createdAtMs: 0 });
const ledger = [row('e1'), row('e2')];
const rca = (over: Partial<DigestRcaResult> = {}): DigestRcaResult => ({
  groupId: 'g1', verdict: 'root-cause', hypotheses: [], rejected: [{ text: 'unrelated deploy of billing', evidenceIds: ['e2'] }], missing: [], signature: 's',
  top: { failureMode: 'dns.node-nic-saturation', entity: { component: 'coredns', node: 'n-3' }, score: 0.8, supporting: [{ text: 'NIC of n-3 at 98%', evidenceIds: ['e1'] }], contradicting: [{ text: 'one cluster has no NIC data', evidenceIds: ['e2'] }] },
  runbook: { id: 'coredns-latency-timeouts', title: 'CoreDNS latency', section: 'Diagnosis', line: 12 },
  ...over,
});

describe('templateNarrative', () => {
  it('states the root cause citing the supporting evidence and passes the LLM answer schema', () => {
    const n = templateNarrative({ group, rca: rca(), ledger, proposal: { id8: 'abcd1234', operation: 'evict-pod', target: 'Pod kube-system/x in c1' } });

    expect(LlmAnswer.safeParse(n).success).toBe(true);
    expect(n.rootCause).toEqual({ statement: 'dns.node-nic-saturation — coredns on node n-3.', evidenceIds: ['e1'] });
    expect(n.claims.map((c) => c.evidenceIds)).toEqual([['e1'], ['e2']]);
    expect(n.claims[1].text).toMatch(/^Against: /);
    expect(n.rejectedHypotheses).toEqual([{ text: 'unrelated deploy of billing', evidenceIds: ['e2'] }]);
    expect(n.nextSteps.join(' ')).toMatch(/coredns-latency-timeouts.*abcd1234/s);
  });

  it.each([
    [undefined, 'Review proposal abcd1234: evict-pod on Pod kube-system/x in c1 (approve in this thread).'],
    ['proposed', 'Review proposal abcd1234: evict-pod on Pod kube-system/x in c1 (approve in this thread).'],
    ['rejected', 'Proposal abcd1234 (evict-pod on Pod kube-system/x in c1) was rejected: nothing to approve.'],
    ['succeeded', 'Proposal abcd1234 (evict-pod on Pod kube-system/x in c1) ran and succeeded: nothing to approve.'],
  ])('asks to approve a proposal only while it is proposed (state %s)', (state, step) => {
    const n = templateNarrative({ group, rca: rca(), ledger, proposal: { id8: 'abcd1234', operation: 'evict-pod', target: 'Pod kube-system/x in c1', state } });

    expect(n.nextSteps).toEqual(['Follow runbook coredns-latency-timeouts (“CoreDNS latency”), section Diagnosis.', step]);
    expect(templateNextSteps({ group, rca: rca(), ledger, proposal: { id8: 'abcd1234', operation: 'evict-pod', target: 'Pod kube-system/x in c1', state } })).toEqual(n.nextSteps);
  });

  it('asks a human for what is missing when the RCA is inconclusive', () => {
    const n = templateNarrative({ group, rca: rca({ verdict: 'inconclusive', missing: ['no node metrics', 'no logs'] }), ledger });

    expect(n.summary).toContain('inconclusive — needs a human: no node metrics, no logs');
    expect(n.rootCause.statement).toMatch(/^Inconclusive — needs a human: no node metrics, no logs\. Leading candidate: dns\.node-nic-saturation/);
  });

  it('drops ids that are not in the ledger and downgrades an unsupported root cause', () => {
    const bad = rca({ top: { ...rca().top!, supporting: [{ text: 'invented', evidenceIds: ['nope'] }], contradicting: [] }, rejected: [{ text: 'x', evidenceIds: ['nope'] }] });

    const n = templateNarrative({ group, rca: bad, ledger });

    expect(n.rootCause.evidenceIds).toEqual([]);
    expect(n.rootCause.statement).toContain('no stored evidence supports the top hypothesis');
    expect(n.claims).toEqual([{ text: 'No stored evidence supports a cause for 2 clusters (coredns).', evidenceIds: [] }]);
    expect(n.rejectedHypotheses).toEqual([]);
    expect(LlmAnswer.safeParse(n).success).toBe(true);
  });

  it('keeps within the schema limits whatever the RCA text length', () => {
    const long = 'y'.repeat(5_000);
    const big = rca({ top: { ...rca().top!, failureMode: long, supporting: Array.from({ length: 30 }, () => ({ text: long, evidenceIds: Array(30).fill('e1') })) }, rejected: Array(20).fill({ text: long, evidenceIds: ['e2'] }) });

    expect(LlmAnswer.safeParse(templateNarrative({ group, rca: big, ledger })).success).toBe(true);
  });
});
