import { describe, expect, it } from 'vitest';
import { formatProposalsSummary } from '../../src/cli/commands/proposals-command.js';
import type { DigestSummary } from '../../src/digest/availability-digest-job.js';
import { formatDigestSummary } from '../../src/digest/format-digest-summary.js';
import type { ProposalsJobSummary } from '../../src/remediation/proposals-job.js';

describe('terminal summary lines say what a run left out', () => {
  it('proposals: the proposals a rate-limited run did not reach', () => {
    const s: ProposalsJobSummary = { open: 14, approved: 1, executed: {}, closed: {}, auditHeadPosted: true, feedbackRecorded: 0, notReconciled: Array.from({ length: 12 }, (_, i) => `p${i}`) };

    const line = formatProposalsSummary(s);

    expect(line).toContain('not-reconciled=12 (left to the next run: p0, p1, p2, p3, p4, p5, p6, p7, p8, p9, …)');
    expect(formatProposalsSummary({ ...s, notReconciled: [] })).not.toContain('not-reconciled');
  });

  it('digest: the groups past digest.maxThreadReplies and the replies moved to the document', () => {
    const s = {
      day: '2026-11-29', findings: 900, groups: 40, rootCauses: 30, inconclusive: 10, failedGroups: 0, proposals: 2, llmCalls: 0, llmAccepted: 0, llmReused: 0, superseded: 0, topCauses: [],
      publication: { docUrl: 'file:///d.html', parentTs: '1.0', repliesPosted: 25, repliesEdited: 0, groupsWithoutReply: 15, repliesMovedToDocument: 2, truncatedMessages: 0 },
    } as unknown as DigestSummary;

    const text = formatDigestSummary(s, { outDir: 'out', channel: '#c' });

    expect(text).toContain('25 replies posted, 0 edited, 15 groups past digest.maxThreadReplies in the document only, 2 earlier replies now point to the document');
  });

  it('digest: a document shortened to its budget says how', () => {
    const s = {
      day: '2026-11-29', findings: 9000, groups: 2000, rootCauses: 1900, inconclusive: 100, failedGroups: 0, proposals: 0, llmCalls: 0, llmAccepted: 0, llmReused: 0, superseded: 0, topCauses: [],
      publication: { docUrl: 'file:///d.html', parentTs: '1.0', repliesPosted: 26, repliesEdited: 0, groupsWithoutReply: 1975, repliesMovedToDocument: 0, truncatedMessages: 0, docShortened: { inFull: 60, inBrief: 600, counted: 1340 } },
    } as unknown as DigestSummary;

    expect(formatDigestSummary(s, { outDir: 'out', channel: '#c' })).toContain('document: file:///d.html (shortened to docs.maxChars: 60 groups in full, 600 in brief, 1340 counted)');
    expect(formatDigestSummary({ ...s, publication: { ...s.publication, docShortened: undefined } }, { outDir: 'out', channel: '#c' })).not.toContain('shortened');
  });
});
