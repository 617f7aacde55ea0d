import PQueue from 'p-queue';
import type { ChatChannel, ChatMessage } from '../../adapters/chat/types.js';
import { summariseThread, type ThreadRules, type ThreadSummary } from '../../reporting/report/oncall-threads.js';

const toTs = (ms: number) => (ms / 1000).toFixed(6);

/** Our own publications (reports, digests) and channel noise (joins, topic changes) are not on-call threads. */
function isThreadParent(m: ChatMessage): boolean {
  if (m.threadTs && m.threadTs !== m.ts) return false;
  if (m.metadata?.payload && 'idempotency_key' in m.metadata.payload) return false;
  if (m.subtype && m.subtype !== 'bot_message') return false;
  return m.text.trim().length > 0;
}

/**
 * The on-call channel's threads started in [startMs, endMs): each parent with all its replies
 * (read even after the week ended, so late resolutions count). Reads at most `concurrency` threads at once.
 */
export async function readOncallThreads(
  chat: ChatChannel, channel: string, week: { startMs: number; endMs: number }, rules: ThreadRules, opts: { concurrency?: number; signal?: AbortSignal } = {},
): Promise<ThreadSummary[]> {
  const parents = (await chat.history(channel, { oldestTs: toTs(week.startMs), latestTs: toTs(week.endMs - 1) })).filter(isThreadParent);
  const queue = new PQueue({ concurrency: opts.concurrency ?? 4 });
  // each task checks the signal when it starts: handing it to queue.add put one abort listener per
  // waiting thread on the job's signal (350 at 7,000 clusters, and Node's leak warning on every run)
  const out = await Promise.all(parents.map((p) => queue.add(async () => {
    opts.signal?.throwIfAborted();
    return summariseThread(p, await chat.listReplies(channel, p.ts), rules);
  })));
  return out.filter((t): t is ThreadSummary => t !== undefined);
}
