import { createHash } from 'node:crypto';
import type { ChatChannel } from '../adapters/chat/types.js';
import type { DocWriter } from '../adapters/docs/types.js';
import type { Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { renderDigestDocument } from '../reporting/digest/render-digest-doc.js';
import { renderDigestParent, renderGroupReply } from '../reporting/digest/render-digest-slack.js';
import type { FittedMessage } from '../reporting/slack/index.js';
import type { DigestModel } from './digest-model.js';

export interface PublishDeps {
  chat: () => ChatChannel;
  docs: () => DocWriter;
  store: Store;
  channel: string;
}

export interface PublishResult {
  docUrl?: string;
  docCreated?: boolean;
  parentTs?: string;
  repliesPosted: number;
  repliesEdited: number;
  truncatedMessages: number;
}

export const digestKeys = {
  document: (day: string) => `digest:${day}`,
  parent: (day: string) => `digest:${day}:parent`,
  group: (day: string, groupId: string) => `digest:${day}:group:${groupId}`,
};

/**
 * Document first (Slack links to it), then the parent message, then one thread reply per group.
 * Every publication carries an idempotency key, so a rerun edits. A failing sink or reply is
 * recorded with ctx.fail and the rest goes on; without a parent there is no thread to reply in.
 */
export async function publishDigest(model: DigestModel, deps: PublishDeps, ctx: JobContext): Promise<PublishResult> {
  const out: PublishResult = { repliesPosted: 0, repliesEdited: 0, truncatedMessages: 0 };
  const put = (key: string, sink: string, externalId: string, content: unknown, url?: string) => deps.store.publications.put({
    key, sink, externalId, url, contentHash: createHash('sha256').update(JSON.stringify(content)).digest('hex'), updatedAtMs: ctx.clock.nowMs(),
  });
  try {
    const doc = renderDigestDocument(model);
    const res = await deps.docs().upsertDocument(digestKeys.document(model.day), doc);
    Object.assign(out, { docUrl: res.url, docCreated: res.created });
    await put(digestKeys.document(model.day), 'docs', res.id, doc, res.url);
  } catch (err) {
    ctx.fail('sink:docs', err);
    // the document an earlier run wrote is still there: keep linking it rather than strip the links
    const earlier = await deps.store.publications.get(digestKeys.document(model.day)).catch(() => undefined);
    if (earlier?.url) out.docUrl = earlier.url;
  }
  const docUrl = out.docUrl ?? '';
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
    parent = await post(digestKeys.parent(model.day), renderDigestParent(model, docUrl));
    out.parentTs = parent.ts;
  } catch (err) {
    ctx.fail('sink:chat', err);
    return out;
  }
  for (const g of model.groups) {
    try {
      const res = await post(digestKeys.group(model.day, g.id), renderGroupReply(g, docUrl), parent.ts);
      if (res.created) out.repliesPosted += 1;
      else out.repliesEdited += 1;
    } catch (err) {
      ctx.fail(`sink:chat:group:${g.id}`, err);
    }
  }
  return out;
}
