import { createHash } from 'node:crypto';
import type { ChatChannel } from '../adapters/chat/types.js';
import type { DocWriter } from '../adapters/docs/types.js';
import type { Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { digestDocLinks, type DigestDocLinks } from '../reporting/digest/digest-doc-links.js';
import { layoutDigestDocument } from '../reporting/digest/render-digest-doc.js';
import { renderDigestParent, renderGroupReply } from '../reporting/digest/render-digest-slack.js';
import { renderGroupInDocumentReply, renderMoreGroupsReply } from '../reporting/slack/digest-thread-overflow.js';
import type { FittedMessage } from '../reporting/slack/index.js';
import type { DigestModel } from './digest-model.js';

export interface PublishDeps {
  chat: () => ChatChannel;
  docs: () => DocWriter;
  store: Store;
  channel: string;
  /** Groups that get their own thread reply, in the model's order (config `digest.maxThreadReplies`). */
  maxThreadReplies: number;
  /** The document's character budget (config `docs.maxChars`); default DEFAULT_DOC_MAX_CHARS. */
  docMaxChars?: number;
}

export interface PublishResult {
  docUrl?: string;
  docCreated?: boolean;
  parentTs?: string;
  repliesPosted: number;
  repliesEdited: number;
  /** Groups past maxThreadReplies: in the document and counted in the thread's last reply. */
  groupsWithoutReply: number;
  /** Replies an earlier run posted for groups now past maxThreadReplies, edited to point to the document. */
  repliesMovedToDocument: number;
  truncatedMessages: number;
  /** Set when the document was shortened to its budget: groups in full, one line each, and counted by kind. */
  docShortened?: { inFull: number; inBrief: number; counted: number };
}

export const digestKeys = {
  document: (day: string) => `digest:${day}`,
  parent: (day: string) => `digest:${day}:parent`,
  group: (day: string, groupId: string) => `digest:${day}:group:${groupId}`,
  /** The thread's last reply: the groups past `digest.maxThreadReplies`. */
  more: (day: string) => `digest:${day}:more`,
};

/**
 * Document first (Slack links to where each group is in it, and says what it holds: every group in
 * full, or shortened to `docMaxChars`), then the parent message, then one thread reply per group for
 * the first `maxThreadReplies` groups and one last reply counting the rest. Every publication
 * carries an idempotency key, so a rerun edits: the reply of a group that is no longer among the
 * first ones is edited to point to the document, and the last reply is edited when fewer groups
 * remain. A failing sink or reply is recorded with ctx.fail and the rest goes on; without a parent
 * there is no thread to reply in.
 */
export async function publishDigest(model: DigestModel, deps: PublishDeps, ctx: JobContext): Promise<PublishResult> {
  const out: PublishResult = { repliesPosted: 0, repliesEdited: 0, groupsWithoutReply: 0, repliesMovedToDocument: 0, truncatedMessages: 0 };
  const put = (key: string, sink: string, externalId: string, content: unknown, url?: string) => deps.store.publications.put({
    key, sink, externalId, url, contentHash: createHash('sha256').update(JSON.stringify(content)).digest('hex'), updatedAtMs: ctx.clock.nowMs(),
  });
  let links: DigestDocLinks | undefined;
  try {
    const { doc, layout } = layoutDigestDocument(model, { maxChars: deps.docMaxChars });
    const res = await deps.docs().upsertDocument(digestKeys.document(model.day), doc);
    Object.assign(out, { docUrl: res.url, docCreated: res.created });
    if (layout.shortened) out.docShortened = { inFull: layout.detailed, inBrief: layout.brief, counted: layout.counted };
    links = digestDocLinks(res.url, layout, res.anchors);
    await put(digestKeys.document(model.day), 'docs', res.id, doc, res.url);
  } catch (err) {
    ctx.fail('sink:docs', err);
    if (!links) {
      // the document an earlier run wrote is still there: keep linking it rather than strip the links;
      // its layout is not known, so links open it at the top
      const earlier = await deps.store.publications.get(digestKeys.document(model.day)).catch(() => undefined);
      if (earlier?.url) out.docUrl = earlier.url;
      links = digestDocLinks(out.docUrl ?? '');
    }
  }
  const post = async (key: string, msg: FittedMessage, threadTs?: string) => {
    if (msg.truncated) out.truncatedMessages += 1;
    const res = await deps.chat().upsertMessage({ channel: deps.channel, text: msg.text, blocks: msg.blocks, threadTs, idempotencyKey: key });
    // The Slack adapter records `channel:ts` itself when it has the store; same format for the outbox.
    const externalId = `${res.channel}:${res.ts}`;
    if ((await deps.store.publications.get(key))?.externalId !== externalId) await put(key, 'chat', externalId, msg.blocks, res.permalink);
    return res;
  };
  let parent: { channel: string; ts: string } | undefined;
  try {
    parent = await post(digestKeys.parent(model.day), renderDigestParent(model, links, Math.min(deps.maxThreadReplies, model.groups.length)));
    out.parentTs = parent.ts;
  } catch (err) {
    ctx.fail('sink:chat', err);
    return out;
  }
  const replied = model.groups.slice(0, deps.maxThreadReplies);
  const more = model.groups.slice(replied.length);
  out.groupsWithoutReply = more.length;
  for (const g of replied) {
    try {
      const res = await post(digestKeys.group(model.day, g.id), renderGroupReply(g, links), parent.ts);
      if (res.created) out.repliesPosted += 1;
      else out.repliesEdited += 1;
    } catch (err) {
      ctx.fail(`sink:chat:group:${g.id}`, err);
    }
  }
  for (const g of more) {
    try {
      const key = digestKeys.group(model.day, g.id);
      // only a reply an earlier run posted: no new post per group past the cap
      if (!(await deps.store.publications.get(key))) continue;
      await post(key, renderGroupInDocumentReply(g, links, deps.maxThreadReplies), parent.ts);
      out.repliesMovedToDocument += 1;
    } catch (err) {
      ctx.fail(`sink:chat:group:${g.id}`, err);
    }
  }
  try {
    const key = digestKeys.more(model.day);
    if (more.length > 0 || (await deps.store.publications.get(key))) {
      await post(key, renderMoreGroupsReply({ maxThreadReplies: deps.maxThreadReplies, replied: replied.length, more, notAnalysed: model.notAnalysed.length }, links), parent.ts);
    }
  } catch (err) {
    ctx.fail('sink:chat:more', err);
  }
  return out;
}
