import { paginate } from './paginate.js';
import { MessagesPage, type SlackMessage } from './schema.js';
import type { SlackCaller } from './slack-call.js';

export const PUBLICATION_EVENT_TYPE = 'fleetops_publication';

export interface PublishedLookup {
  channel: string;
  idempotencyKey: string;
  /** Set for thread replies: search the thread instead of the channel history. */
  threadTs?: string;
  /** Oldest top-level ts to search (seconds since the epoch, as Slack formats it). */
  oldestTs: string;
}

export interface PublishedIndex {
  /** The ts of our message carrying the key in its metadata, or undefined. */
  find(q: PublishedLookup): Promise<string | undefined>;
  /** Note a message we just posted, so later lookups in the same scope need no request. */
  remember(q: Pick<PublishedLookup, 'channel' | 'threadTs' | 'idempotencyKey'>, ts: string): void;
  /** A whole thread just read with metadata (listReplies): a lookup in it next is answered from it. */
  learn(q: Required<Pick<PublishedLookup, 'channel' | 'threadTs'>>, messages: readonly SlackMessage[]): void;
}

const scopeOf = (q: Pick<PublishedLookup, 'channel' | 'threadTs'>) => `${q.channel}/${q.threadTs ?? 'top'}`;

function keyOf(m: SlackMessage): string | undefined {
  const key = m.metadata?.event_type === PUBLICATION_EVENT_TYPE ? m.metadata.event_payload.idempotency_key : undefined;
  return typeof key === 'string' ? key : undefined;
}

/**
 * Finds earlier publications by message metadata: the channel history within the search window for
 * top-level messages, the thread for replies. Each scope is listed once per instance (all pages) and
 * indexed, so a digest with 200 replies reads its thread once, not 200 times; a thread the caller
 * has just read (learn) is not read again.
 */
export function createPublishedIndex(caller: SlackCaller, pageSize: number, isOurs: () => Promise<(m: SlackMessage) => boolean>): PublishedIndex {
  const scopes = new Map<string, Map<string, string>>();
  const learned = new Map<string, readonly SlackMessage[]>();
  async function* read(q: PublishedLookup): AsyncGenerator<readonly SlackMessage[]> {
    const known = learned.get(scopeOf(q));
    if (known) {
      yield known;
      return;
    }
    const pages = q.threadTs
      ? paginate(caller, 'conversations.replies', { channel: q.channel, ts: q.threadTs, include_all_metadata: true, limit: pageSize }, MessagesPage)
      : paginate(caller, 'conversations.history', { channel: q.channel, oldest: q.oldestTs, include_all_metadata: true, limit: pageSize }, MessagesPage);
    for await (const page of pages) yield page.messages;
  }
  async function list(q: PublishedLookup): Promise<Map<string, string>> {
    const ours = await isOurs();
    const index = new Map<string, string>();
    for await (const messages of read(q)) {
      for (const m of messages) {
        const key = keyOf(m);
        if (key && ours(m) && m.ts !== q.threadTs && !index.has(key)) index.set(key, m.ts);
      }
    }
    learned.delete(scopeOf(q));
    return index;
  }
  return {
    async find(q) {
      const scope = scopeOf(q);
      if (!scopes.has(scope)) scopes.set(scope, await list(q));
      return scopes.get(scope)?.get(q.idempotencyKey);
    },
    remember(q, ts) {
      scopes.get(scopeOf(q))?.set(q.idempotencyKey, ts);
    },
    learn(q, messages) {
      // newer than any index of this thread: it holds what was posted and remembered before it
      scopes.delete(scopeOf(q));
      learned.set(scopeOf(q), messages);
    },
  };
}
