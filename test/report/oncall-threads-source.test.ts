/**
 * Reading the on-call threads at fleet scale: a few at a time, without one abort listener per
 * waiting thread on the job's signal (Node warns of a leak past 10), and still stopping on abort.
 */
import { getEventListeners } from 'node:events';
import { describe, expect, it } from 'vitest';
import type { ChatChannel, ChatMessage } from '../../src/adapters/chat/types.js';
import { readOncallThreads } from '../../src/report/sources/oncall-threads-source.js';

const T0 = Date.UTC(2026, 10, 23, 9);
const week = { startMs: T0, endMs: T0 + 7 * 86_400_000 };
const rules = { resolutionReaction: 'white_check_mark', resolutionWords: ['resolved'], alertnames: ['KubePodNotReady'] };
const ts = (i: number) => `${T0 / 1000 + 60 * i}.000100`;

/** A channel of `n` threads with one resolving reply each; calls `onReplies` as each thread is read. */
function channel(n: number, onReplies: () => void): ChatChannel {
  const parents: ChatMessage[] = Array.from({ length: n }, (_, i) => ({ ts: ts(i), user: 'UALICE', text: `KubePodNotReady on c-${i}: investigating` }));
  return {
    history: async () => parents,
    listReplies: async (_channel, threadTs) => {
      onReplies();
      await new Promise((r) => setTimeout(r, 1));
      return [{ ts: `${threadTs}1`, threadTs, user: 'UBOB', text: 'resolved' }];
    },
  } as Partial<ChatChannel> as ChatChannel;
}

describe('readOncallThreads', () => {
  it('reads 350 threads with no abort listener per waiting thread on the signal', async () => {
    const job = new AbortController();
    let most = 0;
    const chat = channel(350, () => { most = Math.max(most, getEventListeners(job.signal, 'abort').length); });

    const threads = await readOncallThreads(chat, '#oncall', week, rules, { signal: job.signal });

    expect(threads).toHaveLength(350);
    expect(threads.every((t) => t.resolved)).toBe(true);
    expect(most).toBeLessThanOrEqual(4);
  });

  it('stops reading when the job is aborted', async () => {
    const job = new AbortController();
    let read = 0;
    const chat = channel(40, () => { read += 1; if (read === 5) job.abort(new Error('deadline')); });

    await expect(readOncallThreads(chat, '#oncall', week, rules, { signal: job.signal })).rejects.toThrow('deadline');
    expect(read).toBeLessThan(12);
  });
});
