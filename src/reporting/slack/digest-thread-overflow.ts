import type { DigestGroupView } from '../../digest/digest-model.js';
import { clip, oneLine } from '../digest/digest-format.js';
import { documentHoldsText, toDocLinks, type DigestDocLinks } from '../digest/digest-doc-links.js';
import { context, escapeSlackText as esc, fitMessage, link, section, type FittedMessage, type SlackBlock } from './index.js';

const GROUPS_LISTED = 10;

/** Why a group has no reply of its own, for the context line of both replies below. */
const capNote = (max: number) => `only the first ${max} groups (critical first, then most clusters, then most error budget burned) get their own reply: \`digest.maxThreadReplies\``;

/**
 * The digest thread's last reply: how many groups past `digest.maxThreadReplies` have no reply of
 * their own, the first of them linked to where each is in the document, and what the document holds
 * (every group in full, or how it was shortened). With none past the cap (a rerun with fewer groups),
 * it says every group has its reply (every analysed one, when `notAnalysed` groups were past
 * `digest.maxAnalysedGroups`). `doc`: a URL alone means a document with every group in full.
 */
export function renderMoreGroupsReply(s: { maxThreadReplies: number; replied: number; more: readonly DigestGroupView[]; notAnalysed?: number }, doc: string | DigestDocLinks): FittedMessage {
  const links = toDocLinks(doc);
  const docUrl = links.url;
  const theDoc = docUrl ? link(docUrl, 'The document') : 'The document';
  const holds = documentHoldsText(links, theDoc);
  if (s.more.length === 0) {
    // groups past digest.maxAnalysedGroups never get a reply: they have no RCA to post
    const every = s.notAnalysed ? `Every analysed incident group of this digest has its own reply in this thread (${s.replied}); the ${s.notAnalysed} not analysed (past \`digest.maxAnalysedGroups\`) are listed in the document.`
      : `Every incident group of this digest has its own reply in this thread (${s.replied}).`;
    const blocks = [section(`${every} ${links.holds === 'every-group' ? `${theDoc} has their full RCAs.` : holds}`, { docUrl })];
    return fitMessage(blocks, { docUrl, text: esc(`All ${s.replied} ${s.notAnalysed ? 'analysed ' : ''}incident groups have a reply`) });
  }
  const critical = s.more.filter((g) => g.severity === 'critical').length;
  const clusters = new Set(s.more.flatMap((g) => g.clusters)).size;
  const listed = s.more.slice(0, GROUPS_LISTED).map((g) => {
    const url = links.group(g.id);
    const title = clip(oneLine(g.title), 120);
    return `• ${url ? link(url, title) : esc(title)} — ${esc(`${g.clusters.length} clusters, ${g.severity}`)}`;
  });
  if (s.more.length > GROUPS_LISTED) listed.push(`_… and ${s.more.length - GROUPS_LISTED} more_`);
  const blocks: SlackBlock[] = [
    section(`*${s.more.length} more incident groups* (${critical} critical, ${s.more.length - critical} warning, over ${clusters} clusters) have no reply in this thread. ${holds}`, { docUrl }),
    section(listed.join('\n'), { docUrl }),
    context(capNote(s.maxThreadReplies)),
  ];
  return fitMessage(blocks, { docUrl, text: esc(`${s.more.length} more incident groups in the document`) });
}

/** What an earlier reply becomes when its group is no longer among the first `maxThreadReplies`: a pointer to where it is in the document. */
export function renderGroupInDocumentReply(g: DigestGroupView, doc: string | DigestDocLinks, maxThreadReplies: number): FittedMessage {
  const links = toDocLinks(doc);
  const url = links.group(g.id);
  const proposal = g.proposal ? ` Its proposal \`${esc(g.proposal.id8)}\` (${esc(g.proposal.state)}) keeps its own message.` : '';
  const blocks: SlackBlock[] = [
    section(`*${esc(clip(oneLine(g.title), 200))}*\n*In the document only:* this run has more incident groups than get a reply, and this one is no longer among the first ${maxThreadReplies}; ${whereInDocument(links, g.id, url)}${proposal}`, { docUrl: url }),
    context(`${capNote(maxThreadReplies)} · group \`${esc(g.id)}\``),
  ];
  return fitMessage(blocks, { docUrl: url, text: esc(`In the document only: ${g.title}`) });
}

/** Where the group's RCA is, for a sentence ending in a full stop: its section, or its line or count in the document and its RCA in the store. */
function whereInDocument(links: DigestDocLinks, groupId: string, url: string): string {
  const at = (label: string) => (url ? link(url, label) : label);
  const store = `its full RCA is in the fleetops store under group \`${esc(groupId)}\`.`;
  switch (links.place(groupId)) {
    case 'full': return `the document has ${at('its current RCA')}.`;
    case 'brief': return `the document, shortened to fit Google Docs, has ${at('one line for it')}; ${store}`;
    case 'counted': return `the document, shortened to fit Google Docs, ${at('counts it by kind')}; ${store}`;
    default: return `${at('the document')} is the one an earlier run wrote; ${store}`;
  }
}
