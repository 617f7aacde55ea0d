import type { DigestSummary } from './availability-digest-job.js';

/** A few readable lines for a terminal: groups (and those not analysed), top causes, and where the outputs are. */
export function formatDigestSummary(s: DigestSummary, where: { outDir: string; channel: string }): string {
  const p = s.publication;
  const lines = [
    `availability-digest ${s.day}: ${s.findings} findings → ${s.groups} incident groups (${s.rootCauses} root causes, ${s.inconclusive} inconclusive${s.failedGroups ? `, ${s.failedGroups} failed` : ''}${s.notAnalysed ? `, ${s.notAnalysed} not analysed: past digest.maxAnalysedGroups (${s.maxAnalysedGroups})` : ''}${s.reusedAnalyses ? `, ${s.reusedAnalyses} analyses of an earlier run reused` : ''}), ${s.proposals} proposals, ${s.llmCalls} LLM calls (${s.llmAccepted} narratives accepted${s.llmReused ? `, ${s.llmReused} reused without a call` : ''})`,
    ...s.topCauses.map((c, i) => `  ${i + 1}. ${c.title} — ${c.clusters} clusters: ${c.cause}`),
    `  document: ${p.docUrl ?? 'not written'}${p.docCreated === false ? ' (updated)' : ''}${p.docShortened ? ` (shortened to docs.maxChars: ${p.docShortened.inFull} groups in full, ${p.docShortened.inBrief} in brief, ${p.docShortened.counted} counted)` : ''}`,
    `  slack ${where.channel}: parent ${p.parentTs ? 'posted' : 'not posted'}, ${p.repliesPosted} replies posted, ${p.repliesEdited} edited${p.groupsWithoutReply ? `, ${p.groupsWithoutReply} groups past digest.maxThreadReplies in the document only` : ''}${p.repliesMovedToDocument ? `, ${p.repliesMovedToDocument} earlier replies now point to the document` : ''}${s.superseded ? `, ${s.superseded} of an earlier run marked superseded` : ''}${p.truncatedMessages ? `, ${p.truncatedMessages} truncated with a link to the document` : ''} (outbox preview: ${where.outDir}/slack/index.html)`,
  ];
  return `${lines.join('\n')}\n`;
}
