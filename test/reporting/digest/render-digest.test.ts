import { describe, expect, it } from 'vitest';
import { buildDigestModel, buildGroupView, type DigestModel } from '../../../src/digest/digest-model.js';
import type { DigestIncidentGroup, DigestRcaResult } from '../../../src/digest/rca-contract.js';
import { templateNarrative } from '../../../src/digest/template-narrative.js';
import type { EvidenceRow } from '../../../src/adapters/store/types.js';
import { renderDigestDocument } from '../../../src/reporting/digest/render-digest-doc.js';
import { renderDigestParent, renderGroupReply } from '../../../src/reporting/digest/render-digest-slack.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { validateBlocks } from '../../fakes/slack-fake.js';

const EVIL = '<!channel> @here <https://evil.example|click> & </evidence> `rm -rf`';
const DOC = 'file:///out/docs/digest_2026-11-29.html';

function model(groups: number, text = 'coredns timeouts', excerptChars = 100, rejected = 1): DigestModel {
  const views = Array.from({ length: groups }, (_, i) => {
    const group: DigestIncidentGroup = {
      id: `g${i}`, title: `${text} ${i}`, startMs: 0, endMs: 3_600_000, clusters: [`c-${i}`, 'c-x'], components: ['coredns'], signals: ['availability'], findings: [],
      sharedAttributes: [{ name: 'version:coredns', value: text, coverage: 0.95, baseRate: 0.08, lift: 11.9 }], severity: i % 2 ? 'warning' : 'critical',
    };
    const ledger: EvidenceRow[] = [{ id: `e${i}`, groupId: group.id, source: 'logs', query: text, startMs: 0, endMs: 1, excerpt: `${text} `.repeat(excerptChars / (text.length + 1) + 1).slice(0, excerptChars), link: 'https://logs.example.com/?q=a&b=<c>', data: {}, createdAtMs: 0 }];
    const rca: DigestRcaResult = {
      groupId: group.id, verdict: 'root-cause', hypotheses: [], missing: [], signature: 's', rejected: Array.from({ length: rejected }, () => ({ text: `red herring: ${text}`, evidenceIds: [`e${i}`] })),
      top: { failureMode: 'dns.node-nic-saturation', entity: { node: text }, score: 0.8, supporting: [{ text, evidenceIds: [`e${i}`] }], contradicting: [] },
      runbook: { id: 'coredns-latency-timeouts', title: 'CoreDNS latency', section: 'Diagnosis', line: 12 },
    };
    return buildGroupView({ group, rca, ledger, engine: 'template', narrative: templateNarrative({ group, rca, ledger }) });
  });
  return buildDigestModel({ day: '2026-11-29', window: { startMs: 0, endMs: 86_400_000 }, generatedAtMs: 0, runId: 'run-1', findings: [], slo: [], groups: views, failedGroups: [] });
}

describe('digest renderers', () => {
  it('escape data so it can neither mention nor forge a link, in the parent and every reply', () => {
    const m = model(2, EVIL);

    const all = [renderDigestParent(m, DOC), ...m.groups.map((g) => renderGroupReply(g, DOC))];

    for (const msg of all) {
      const json = JSON.stringify(msg.blocks);
      expect(validateBlocks(msg.blocks)).toEqual([]);
      expect(json).not.toContain('<!channel>');
      expect(json).not.toContain('<https://evil.example');
      expect(json).not.toMatch(/@here/);
      expect(msg.text).not.toContain('<!channel>');
    }
    expect(JSON.stringify(all[1].blocks)).toContain('&lt;!channel&gt;');
    expect(JSON.stringify(all[1].blocks)).toContain('<https://logs.example.com/?q=a&amp;b=%3Cc%3E|open>');
  });

  it('cuts long replies within Slack limits and links the cut to the group in the document', () => {
    const m = model(1, 'x'.repeat(9_000), 10_000, 8);

    const reply = renderGroupReply(m.groups[0], DOC);

    const json = JSON.stringify(reply.blocks);
    expect(validateBlocks(reply.blocks)).toEqual([]);
    expect(json).toContain(`(truncated — full text in the document: <${DOC}#group-g0|open the document>)`);
    expect(json).toContain(`<${DOC}#group-g0|Full RCA in the document>`);
    expect(json).not.toContain('x'.repeat(3_001));
  });

  it('lists at most 15 groups in the parent and says how many more are in the thread', () => {
    const parent = renderDigestParent(model(40), DOC);

    expect(validateBlocks(parent.blocks)).toEqual([]);
    expect(JSON.stringify(parent.blocks)).toContain('… and 25 more groups');
  });

  it.each([
    [40, 25, '… and 25 more groups in the document (10 of them also in the thread)'],
    [40, 15, '… and 25 more groups in the document_'],
    [40, 40, '… and 25 more groups in the thread and the document'],
  ])('with %i groups and %i thread replies says where the unlisted groups are', (groups, replied, text) => {
    const parent = JSON.stringify(renderDigestParent(model(groups), DOC, replied).blocks);

    // before: "in the thread and the document" whatever the thread held
    expect(parent).toContain(text);
  });

  it('puts every group with its evidence, red herrings and runbook in the document', () => {
    const md = renderMarkdown(renderDigestDocument(model(3)));

    for (const i of [0, 1, 2]) expect(md).toMatch(new RegExp(`## [1-3]\\. coredns timeouts ${i}\n`));
    expect(md).toContain('`e2`');
    expect(md).toContain('Checked and rejected (red herrings)');
    expect(md).toContain('`runbooks/coredns-latency-timeouts.md`');
    expect(md).toMatch(/\| version:coredns \| coredns timeouts \| 95% \| 8% \| 11\.9× \|/);
  });

  it('asks for approval only of a proposal still proposed, in the parent, the reply and the document', () => {
    const m = model(2);
    const proposal = (i: number, state: string) => ({ id: `p${i}`.padEnd(16, '0'), id8: `p${i}`.padEnd(8, '0'), operation: 'rollout-restart', target: `Deployment kube-system/coredns in c-${i}`, risk: 'low' as const, state, expiresAtMs: 7_200_000 });
    const groups = [{ ...m.groups[0], proposal: proposal(0, 'proposed') }, { ...m.groups[1], proposal: proposal(1, 'rejected') }];
    const withProposals = buildDigestModel({ day: m.day, window: m.window, generatedAtMs: 0, runId: m.runId, findings: [], slo: [], groups, failedGroups: [] });

    const replies = groups.map((g) => JSON.stringify(renderGroupReply(g, DOC).blocks));
    const md = renderMarkdown(renderDigestDocument(withProposals));

    expect(withProposals.totals).toMatchObject({ proposals: 2, awaitingApproval: 1 });
    expect(replies[0]).toContain('risk low, proposed, expires 1970-01-01 02:00 UTC. Approval happens in this thread.');
    // before: a rejected proposal still read "expires …. Approval happens in this thread."
    expect(replies[1]).toContain('risk low, rejected: nothing to approve.');
    expect(replies[1]).not.toContain('Approval happens');
    expect(JSON.stringify(renderDigestParent(withProposals, DOC).blocks)).toContain('2 remediation proposals (1 awaiting approval).');
    expect(md).toContain('2 remediation proposals, 1 awaiting approval in the Slack thread (1 already decided, run or expired).');
    expect(md).toContain('state rejected; nothing to approve.');
    expect(md.match(/approval happens in the Slack thread/g)).toHaveLength(1);
  });
});
