import type { DigestGroupView } from '../../digest/digest-model.js';
import { clip, groupDocUrl, oneLine } from '../digest/digest-format.js';
import { context, escapeSlackText as esc, fitMessage, link, section, type FittedMessage, type SlackBlock } from './index.js';

const GROUPS_LISTED = 10;

/** Why a group has no reply of its own, for the context line of both replies below. */
const capNote = (max: number) => `only the first ${max} groups (critical first, then most clusters) get their own reply: \`digest.maxThreadReplies\``;

/**
 * The digest thread's last reply: how many groups past `digest.maxThreadReplies` have no reply of
 * their own, the first of them, and the document that holds every group. With none past the cap (a
 * rerun with fewer groups), it says every group has its reply.
 */
export function renderMoreGroupsReply(s: { maxThreadReplies: number; replied: number; more: readonly DigestGroupView[] }, docUrl: string): FittedMessage {
  const doc = docUrl ? link(docUrl, 'The document') : 'The document';
  if (s.more.length === 0) {
    const blocks = [section(`Every incident group of this digest has its own reply in this thread (${s.replied}). ${doc} has their full RCAs.`, { docUrl })];
    return fitMessage(blocks, { docUrl, text: esc(`All ${s.replied} incident groups have a reply`) });
  }
  const critical = s.more.filter((g) => g.severity === 'critical').length;
  const clusters = new Set(s.more.flatMap((g) => g.clusters)).size;
  const listed = s.more.slice(0, GROUPS_LISTED).map((g) => {
    const url = groupDocUrl(docUrl, g.id);
    const title = clip(oneLine(g.title), 120);
    return `• ${url ? link(url, title) : esc(title)} — ${esc(`${g.clusters.length} clusters, ${g.severity}`)}`;
  });
  if (s.more.length > GROUPS_LISTED) listed.push(`_… and ${s.more.length - GROUPS_LISTED} more_`);
  const blocks: SlackBlock[] = [
    section(`*${s.more.length} more incident groups* (${critical} critical, ${s.more.length - critical} warning, over ${clusters} clusters) have no reply in this thread. ${doc} has every group's full RCA.`, { docUrl }),
    section(listed.join('\n'), { docUrl }),
    context(capNote(s.maxThreadReplies)),
  ];
  return fitMessage(blocks, { docUrl, text: esc(`${s.more.length} more incident groups in the document`) });
}

/** What an earlier reply becomes when its group is no longer among the first `maxThreadReplies`: a pointer to its RCA in the document. */
export function renderGroupInDocumentReply(g: DigestGroupView, docUrl: string, maxThreadReplies: number): FittedMessage {
  const url = groupDocUrl(docUrl, g.id);
  const rca = url ? link(url, 'its current RCA') : 'its current RCA';
  const proposal = g.proposal ? ` Its proposal \`${esc(g.proposal.id8)}\` (${esc(g.proposal.state)}) keeps its own message.` : '';
  const blocks: SlackBlock[] = [
    section(`*${esc(clip(oneLine(g.title), 200))}*\n*In the document only:* this run has more incident groups than get a reply, and this one is no longer among the first ${maxThreadReplies}; the document has ${rca}.${proposal}`, { docUrl: url }),
    context(`${capNote(maxThreadReplies)} · group \`${esc(g.id)}\``),
  ];
  return fitMessage(blocks, { docUrl: url, text: esc(`In the document only: ${g.title}`) });
}
