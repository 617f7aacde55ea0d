import { describe, expect, it } from 'vitest';
import type { EvidenceRow } from '../../../src/adapters/store/types.js';
import { buildGroupView } from '../../../src/digest/digest-model.js';
import type { DigestIncidentGroup, DigestRcaResult } from '../../../src/digest/rca-contract.js';
import { templateNarrative } from '../../../src/digest/template-narrative.js';
import { evidenceRow } from '../../../src/rca/evidence/evidence-row.js';
import { notConfiguredEvidence, type UnconfiguredSource } from '../../../src/rca/evidence/not-configured-evidence.js';
import { renderGroupSection } from '../../../src/reporting/digest/render-group-doc.js';
import { renderGroupReply } from '../../../src/reporting/digest/render-digest-slack.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { validateBlocks } from '../../fakes/slack-fake.js';

const DOC = 'file:///out/docs/digest_2026-11-29.html';
const group: DigestIncidentGroup = {
  id: 'g1', title: 'coredns timeouts', startMs: 0, endMs: 3_600_000, clusters: ['c-1'], components: ['coredns'], signals: ['availability'], findings: [],
  sharedAttributes: [], severity: 'critical',
};
const metric = evidenceRow('g1', { source: 'metrics', query: 'nic rx', startMs: 0, endMs: 1, excerpt: 'node n-1 NIC at 98%', data: { fact: 'metric-shift' } }, 0);
const rca: DigestRcaResult = {
  groupId: 'g1', verdict: 'root-cause', hypotheses: [], missing: [], signature: 's', rejected: [],
  top: { failureMode: 'node.nic-saturation', entity: { node: 'n-1' }, score: 6, supporting: [{ text: 'NIC saturated', evidenceIds: [metric.id] }], contradicting: [] },
};
const unread = (source: UnconfiguredSource): EvidenceRow => evidenceRow('g1', notConfiguredEvidence(source, ['c-1'], 0, 3_600_000), 0);

function render(ledger: EvidenceRow[]): { doc: string; slack: string } {
  const view = buildGroupView({ group, rca, ledger, engine: 'template', narrative: templateNarrative({ group, rca, ledger }) });
  const reply = renderGroupReply(view, DOC);
  expect(validateBlocks(reply.blocks)).toEqual([]);
  return { doc: renderMarkdown({ title: 't', blocks: renderGroupSection(view, 1) }), slack: JSON.stringify(reply.blocks) };
}

describe('a root cause beside sources not configured', () => {
  it('says which sources were not checked, in the document and the Slack reply', () => {
    const { doc, slack } = render([metric, unread('logs'), unread('events')]);

    expect(doc).toContain('**logs, events not configured: not checked.**');
    expect(doc).toContain('Evidence (1 cited of 3 collected)');
    expect(slack).toContain('*logs, events not configured: not checked*');
  });

  it('says nothing of the kind when every source was read', () => {
    const { doc, slack } = render([metric]);

    expect(doc).not.toContain('not configured');
    expect(slack).not.toContain('not configured');
  });
});
