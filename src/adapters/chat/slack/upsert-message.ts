import { createHash } from 'node:crypto';
import type { Clock } from '../../../core/clock.js';
import type { Logger } from '../../../core/logger.js';
import type { PublicationRepo } from '../../store/types.js';
import type { ChatBlockMessage } from '../types.js';
import { PUBLICATION_EVENT_TYPE, type PublishedIndex } from './find-published-message.js';
import { compareTs } from './map-slack-message.js';
import { PermalinkResponse, PostMessageResponse } from './schema.js';
import { slackErrorCode, type SlackCaller } from './slack-call.js';

export interface UpsertDeps {
  caller: SlackCaller;
  logger: Logger;
  clock: Clock;
  publications?: PublicationRepo;
  searchWindowDays: number;
  published: PublishedIndex;
}

export interface UpsertResult { channel: string; ts: string; permalink?: string; created: boolean }

const GONE = new Set(['message_not_found', 'cant_update_message']);

function parseExternalId(id: string): { channel: string; ts: string } {
  const at = id.indexOf(':');
  return { channel: id.slice(0, at), ts: id.slice(at + 1) };
}

async function findEarlier(d: UpsertDeps, channel: string, msg: ChatBlockMessage): Promise<{ ts: string; url?: string } | undefined> {
  const row = await d.publications?.get(msg.idempotencyKey);
  const stored = row && parseExternalId(row.externalId);
  // a reply is newer than its parent: an older one is in the thread of an earlier parent (deleted,
  // its replies kept under a tombstone, and posted anew), where an edit would leave this thread empty
  if (row && stored?.channel === channel && (!msg.threadTs || compareTs(stored.ts, msg.threadTs) >= 0)) return { ts: stored.ts, url: row.url };
  const oldestTs = String(Math.floor(d.clock.nowMs() / 1000) - d.searchWindowDays * 86_400);
  const ts = await d.published.find({ channel, idempotencyKey: msg.idempotencyKey, threadTs: msg.threadTs, oldestTs });
  return ts ? { ts } : undefined;
}

async function permalinkOf(d: UpsertDeps, channel: string, ts: string): Promise<string | undefined> {
  try {
    return (await d.caller.call('chat.getPermalink', { channel, message_ts: ts }, PermalinkResponse)).permalink;
  } catch (err) {
    d.logger.warn({ channel, ts, err: (err as Error).message }, 'slack permalink unavailable');
    return undefined;
  }
}

/** Edit the message carrying the idempotency key (store first, then metadata), else post it; record it. */
export async function upsertMessage(d: UpsertDeps, channel: string, msg: ChatBlockMessage): Promise<UpsertResult> {
  const metadata = { event_type: PUBLICATION_EVENT_TYPE, event_payload: { idempotency_key: msg.idempotencyKey } };
  const body = { channel, text: msg.text, blocks: msg.blocks, metadata };
  const earlier = await findEarlier(d, channel, msg);
  let result: UpsertResult | undefined;
  if (earlier) {
    try {
      await d.caller.call('chat.update', { ...body, ts: earlier.ts }, PostMessageResponse);
      result = { channel, ts: earlier.ts, permalink: earlier.url ?? (await permalinkOf(d, channel, earlier.ts)), created: false };
    } catch (err) {
      if (!GONE.has(slackErrorCode(err) ?? '')) throw err;
      d.logger.warn({ channel, ts: earlier.ts, key: msg.idempotencyKey }, 'slack message to update is gone; posting anew');
    }
  }
  if (!result) {
    // No previews: a URL in a message is data (evidence, model text) or one of our own documents.
    const posted = await d.caller.call('chat.postMessage', { ...body, thread_ts: msg.threadTs, unfurl_links: false, unfurl_media: false }, PostMessageResponse);
    d.published.remember({ channel, threadTs: msg.threadTs, idempotencyKey: msg.idempotencyKey }, posted.ts);
    result = { channel: posted.channel, ts: posted.ts, permalink: await permalinkOf(d, posted.channel, posted.ts), created: true };
  }
  const contentHash = createHash('sha256').update(JSON.stringify([msg.text, msg.blocks])).digest('hex');
  await d.publications?.put({ key: msg.idempotencyKey, sink: 'slack', externalId: `${result.channel}:${result.ts}`, url: result.permalink, contentHash, updatedAtMs: d.clock.nowMs() });
  return result;
}
