import { describe, expect, it } from 'vitest';
import type { Store } from '../../../src/adapters/store/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { collectDueFeedback, planFeedback, type FeedbackSubject } from '../../../src/remediation/feedback/index.js';
import { checkAgesMs, nextCheckMs } from '../../../src/remediation/feedback/feedback-schedule.js';
import { createOutbox, describeEachStore, openStore, T0, tempDir, U } from './harness.js';

const MIN = 60_000;
const DAY = 86_400_000;

describe('feedback read schedule', () => {
  it.each([
    [14, [10, 20, 40, 80, 160, 320, 640, 1280, 2560, 5120, 10240, 13 * 1440]],
    [1, [10, 20, 40, 80, 160, 320, 640, 720]],
  ])('with a %i-day lookback reads at these ages (minutes)', (days, minutes) => {
    expect(checkAgesMs(days * DAY)).toEqual(minutes.map((m) => m * MIN));
  });

  it.each([
    ['never read: the first read', undefined, T0 + 10 * MIN],
    ['read at 15 min: the 20-minute read', T0 + 15 * MIN, T0 + 20 * MIN],
    ['read at 3 days: the 5,120-minute read', T0 + 3 * DAY, T0 + 5120 * MIN],
    ['read at its last read (13 days): none', T0 + 13 * DAY, undefined],
  ])('next read of a subject %s', (_, lastReadMs, expected) => {
    expect(nextCheckMs(T0, checkAgesMs(14 * DAY), lastReadMs)).toBe(expected);
  });
});

describeEachStore('feedback reads within a budget', (target, skip) => {

  /** A digest thread with three RCA replies: 👍 on-call, 👍 manager, 👎 second on-call. */
  async function digest(store: Store, nowMs = T0 + 10 * MIN) {
    const clock = fixedClock(T0);
    const chat = createOutbox(tempDir(), clock);
    const root = await chat.upsertMessage({ channel: '#d', text: 'digest', blocks: [], idempotencyKey: 'digest' });
    const reactors = [['+1', U.onCall], ['+1', U.manager], ['-1', U.onCall2]];
    const subjects: FeedbackSubject[] = reactors.map(([name, user], i) => ({
      kind: 'rca', id: `g-${i}`, signature: 'sig', channel: '#d', threadTs: root.ts, postedAtMs: T0,
      ts: chat.appendReply('#d', { threadTs: root.ts, user: U.botUser, text: `RCA ${i}`, reactions: [{ name, users: [user], count: 1 }] }),
    }));
    clock.set(nowMs);
    const collect = async (budget: number, signal?: AbortSignal) => {
      const plan = await planFeedback(store, { nowMs: clock.nowMs(), lookbackMs: 14 * DAY }, subjects);
      return collectDueFeedback({ chat, store, clock, signal }, plan, subjects, budget);
    };
    return { clock, collect };
  }

  it.skipIf(skip)('a run that spends its budget on the lookups of who reacted leaves the rest to the next run; each vote counted once', async () => {
    const store = await openStore(await target());
    const { clock, collect } = await digest(store);

    const runs = [];
    for (let i = 0; i < 4; i++) {
      runs.push(await collect(2));
      clock.advance(2 * MIN);
    }

    expect(runs.map(({ recorded, calls, read, left }) => ({ recorded, calls, read, left }))).toEqual([
      { recorded: 1, calls: 2, read: 1, left: 2 },
      { recorded: 1, calls: 2, read: 1, left: 1 },
      { recorded: 1, calls: 2, read: 1, left: 0 },
      { recorded: 0, calls: 0, read: 0, left: 0 },
    ]);
    expect((await store.feedback.listBySignature('sig')).map((r) => [r.subjectId, r.userId, r.value])).toEqual([['g-0', U.onCall, 1], ['g-1', U.manager, 1], ['g-2', U.onCall2, -1]]);
    await store.close();
  });

  it.skipIf(skip)('what was read is kept in the store: another process at the same time reads nothing again; at the deadline nothing is read', async () => {
    const at = await target();
    const first = await openStore(at);
    const a = await digest(first);
    const stopped = new AbortController();
    stopped.abort(new Error('deadline'));

    const atDeadline = await a.collect(20, stopped.signal);
    const read = await a.collect(20);
    await first.close();
    const second = await openStore(at);
    const again = await (await digest(second)).collect(20);

    expect(atDeadline).toMatchObject({ recorded: 0, calls: 0, left: 3, skipped: [] });
    expect(atDeadline.error).toBeUndefined();
    expect(read).toMatchObject({ recorded: 3, calls: 4, read: 3, left: 0 });
    expect(again).toMatchObject({ recorded: 0, calls: 0, read: 0, left: 0 });
    await second.close();
  });
});
