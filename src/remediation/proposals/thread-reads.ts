import { createHash } from 'node:crypto';
import { z } from 'zod';
import type { ChatMessage } from '../../adapters/chat/types.js';
import type { ProposalRow, Store } from '../../adapters/store/types.js';
import type { Logger } from '../../core/logger.js';
import { compareTs } from './proposal-id.js';
import { findProposalPost, type ProposalPost } from './proposal-thread.js';
import type { RemediationDeps } from './remediation-deps.js';

/** What the proposals job keeps per open proposal between runs (a baselines row; no migration). */
export interface ProposalReadRecord {
  /** When a run last reached it (reconciled it or tried to): the next run takes the least recent first. */
  reachedAtMs?: number;
  /** Its last full read: when, and the thread as read (`<channel>/<threadTs>:<replies>/<latest reply ts>`). */
  read?: { atMs: number; thread?: string };
}

const recordKey = (id: string) => `proposal-reads:${id}`;
const StoredRead = z.object({ atMs: z.number(), thread: z.string().optional() });
const NO_STATE = new Uint8Array(0);

/** The records of these proposals (one query per 500). A row that does not parse counts as never read. */
export async function loadReadRecords(store: Store, ids: readonly string[]): Promise<Map<string, ProposalReadRecord>> {
  const rows = await store.baselines.getMany(ids.map(recordKey));
  const out = new Map<string, ProposalReadRecord>();
  for (const id of ids) {
    const row = rows.get(recordKey(id));
    if (!row) continue;
    let read: ProposalReadRecord['read'];
    try {
      read = row.state.length ? StoredRead.parse(JSON.parse(new TextDecoder().decode(row.state))) : undefined;
    } catch {
      // only ever costs a read: the thread is read again
      read = undefined;
    }
    out.set(id, { reachedAtMs: row.throughMs, read });
  }
  return out;
}

/** Stores that these proposals were reached at `reachedAtMs`, with their last full read (one transaction). */
export async function saveReadRecords(store: Store, ids: readonly string[], records: ReadonlyMap<string, ProposalReadRecord>, reachedAtMs: number): Promise<void> {
  await store.baselines.putMany(ids.map((id) => {
    const read = records.get(id)?.read;
    return { key: recordKey(id), state: read ? new TextEncoder().encode(JSON.stringify(read)) : NO_STATE, throughMs: reachedAtMs, updatedAtMs: reachedAtMs };
  }));
}

/** The reads of proposals' threads in one run of the job. */
export interface ThreadReads {
  /** A thread's replies, read from Slack once per run and shared by its proposals; `fresh` reads it again. */
  replies(post: ProposalPost, fresh: boolean): Promise<ChatMessage[]>;
  /** The replies of the thread as read earlier in this run, if it was. */
  cached(post: ProposalPost): readonly ChatMessage[] | undefined;
  /**
   * Whether p's thread is unchanged since p's last full read (same reply count and latest reply in
   * this run's conversations.history) and that read is recent (see threadRecheckMinutes). False when
   * the history did not show the thread's parent.
   */
  unchanged(p: ProposalRow, post: ProposalPost): boolean;
  /** Notes p's decisions as read from its thread now (`read`), or left as recorded (`unchanged`). */
  done(p: ProposalRow, post: ProposalPost, how: 'read' | 'unchanged'): void;
  /** Thread reads this run made, and proposals whose thread it did not need to read. */
  readonly counts: { read: number; unchanged: number };
}

const threadKey = (post: Pick<ProposalPost, 'channel' | 'threadTs'>) => `${post.channel}/${post.threadTs}`;
const isParent = (m: ChatMessage) => !m.threadTs || m.threadTs === m.ts;
/** A thread's state as conversations.history shows it on the parent; edits and reactions change neither part. */
const stateOf = (post: Pick<ProposalPost, 'channel' | 'threadTs'>, replies: number, latestTs: string | undefined) => `${threadKey(post)}:${replies}/${latestTs ?? ''}`;

/**
 * Each channel's open threads as conversations.history shows their parents: one paged read per
 * channel over the span of the threads, whatever their number. Not for a channel with one thread
 * (reading that costs one call too), nor where the read fails: their threads are read as before.
 */
async function scanThreads(deps: Pick<RemediationDeps, 'chat'>, posts: readonly ProposalPost[], logger: Logger): Promise<Map<string, string>> {
  const byChannel = new Map<string, string[]>();
  for (const post of posts) byChannel.set(post.channel, [...(byChannel.get(post.channel) ?? []), post.threadTs]);
  const seen = new Map<string, string>();
  for (const [channel, threads] of byChannel) {
    const sorted = [...new Set(threads)].sort(compareTs);
    const wanted = new Set(sorted);
    if (wanted.size < 2) continue;
    try {
      for (const m of await deps.chat.history(channel, { oldestTs: sorted[0], latestTs: sorted[sorted.length - 1] })) {
        if (isParent(m) && wanted.has(m.ts)) seen.set(threadKey({ channel, threadTs: m.ts }), stateOf({ channel, threadTs: m.ts }, m.replyCount ?? 0, m.latestReplyTs));
      }
    } catch (err) {
      logger.warn({ channel, threads: wanted.size, error: (err as Error).message }, 'thread history not read: these threads are read in full');
    }
  }
  return seen;
}

/**
 * Whether two times fall in the same recheck window of a thread. Windows are `windowMs` long, with a
 * phase of their own per thread, so threads read at once are read again spread over later runs.
 */
function sameWindow(key: string, aMs: number, bMs: number, windowMs: number): boolean {
  if (windowMs <= 0 || aMs > bMs) return false;
  const phaseMs = createHash('sha256').update(key).digest().readUInt32BE(0) % windowMs;
  return Math.floor((aMs - phaseMs) / windowMs) === Math.floor((bMs - phaseMs) / windowMs);
}

/**
 * This run's thread reads. Where a thread can be skipped (threadRecheckMinutes > 0), first one
 * conversations.history read per channel holding posted `proposed` proposals' threads. A proposal
 * read is recorded in `records` with its thread as read (its replies and latest reply, which the
 * next runs compare with the history); the job stores them at the end.
 */
export async function planThreadReads(
  deps: Pick<RemediationDeps, 'chat' | 'store' | 'clock' | 'config'>, proposed: readonly ProposalRow[], records: Map<string, ProposalReadRecord>, logger: Logger,
): Promise<ThreadReads> {
  const windowMs = deps.config.threadRecheckMinutes * 60_000;
  const posts = windowMs > 0 ? (await Promise.all(proposed.map((p) => findProposalPost(deps.store, p)))).filter((p) => p !== undefined) : [];
  const seen = posts.length ? await scanThreads(deps, posts, logger) : new Map<string, string>();
  const cache = new Map<string, { messages: ChatMessage[]; atMs: number; state: string }>();
  const counts = { read: 0, unchanged: 0 };
  return {
    counts,
    async replies(post, fresh) {
      const cached = cache.get(threadKey(post));
      if (cached && !fresh) return cached.messages;
      const atMs = deps.clock.nowMs();
      const messages = await deps.chat.listReplies(post.channel, post.threadTs);
      counts.read += 1;
      const latestTs = messages.reduce<string | undefined>((max, m) => (max === undefined || compareTs(m.ts, max) > 0 ? m.ts : max), undefined);
      cache.set(threadKey(post), { messages, atMs, state: stateOf(post, messages.length, latestTs) });
      return messages;
    },
    cached: (post) => cache.get(threadKey(post))?.messages,
    unchanged(p, post) {
      const read = records.get(p.id)?.read;
      const now = seen.get(threadKey(post));
      return Boolean(read?.thread && read.thread === now && sameWindow(threadKey(post), read.atMs, deps.clock.nowMs(), windowMs));
    },
    done(p, post, how) {
      if (how === 'unchanged') {
        counts.unchanged += 1;
        return;
      }
      // as read, not as the history showed it earlier: a reply in between makes the next run read it
      const read = cache.get(threadKey(post));
      records.set(p.id, { ...records.get(p.id), read: read && { atMs: read.atMs, thread: read.state } });
    },
  };
}
