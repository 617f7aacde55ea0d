import { afterEach, describe, expect, it } from 'vitest';
import { FEEDBACK_CALLS_PER_RUN } from '../../../src/remediation/feedback/index.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake.js';
import { DAY_MS, feedbackCalls, feedbackWorld, MINUTE_MS } from './feedback-world.js';
import { T0, U } from './harness.js';

const count = (calls: { method: string }[], method: string) => calls.filter((c) => c.method === method).length;
const thumbsUp = (...users: string[]) => [{ name: '+1', users }];

describe('proposals job on Slack: feedback calls per run', () => {
  let fake: SlackFake;
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  // before: every run read every proposal of the last 14 days, N calls a run (10, 50, 200)
  it.each([10, 50, 200])('%i proposals created over the last 3 days: within the budget every run, each read at most once in the next hour', async (n) => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await feedbackWorld(fake, T0 - 3 * DAY_MS);
    await w.proposeOver(n, T0 - 3 * DAY_MS, T0);
    await w.run();

    const perRun: number[] = [];
    for (let i = 0; i < 30; i++) perRun.push(feedbackCalls((await w.run()).calls));

    expect(Math.max(...perRun)).toBeLessThanOrEqual(FEEDBACK_CALLS_PER_RUN);
    expect(perRun.reduce((a, b) => a + b, 0)).toBeLessThanOrEqual(n);
  }, 120_000);

  it('a 👍 added three days after the proposal closed is counted once, by the read at 3.56 days; 12 reads in 14 days', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await feedbackWorld(fake, T0);
    // closed before its first read, so no thread read of the job serves it
    const p = await w.propose(5);
    await w.run(0);
    const recordedAt: number[] = [];
    let reads = 0;

    while (w.clock.nowMs() < T0 + 14 * DAY_MS) {
      if (w.clock.nowMs() === T0 + 3 * DAY_MS) await w.react(p.id, thumbsUp(U.onCall, U.guest));
      const { summary, calls, failures } = await w.run(10 * MINUTE_MS);
      expect(failures).toEqual([]);
      reads += calls.filter((c) => c.method === 'conversations.history' && c.args.channel === w.channel).length;
      if (summary.feedbackRecorded > 0) recordedAt.push(w.clock.nowMs() - T0);
    }

    expect(recordedAt).toEqual([5120 * MINUTE_MS]);
    expect((await w.store.feedback.list({ sinceMs: 0 })).map((r) => [r.subjectId, r.userId, r.value])).toEqual([[p.id, U.onCall, 1]]);
    expect(reads).toBe(12);
  }, 120_000);

  it('60 proposals closing at once are read over several runs within the budget, oldest first, each 👍 counted once', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await feedbackWorld(fake, T0);
    const older: string[] = [];
    const newer: string[] = [];
    for (let i = 0; i < 30; i++) older.push((await w.propose(5)).id);
    await w.run(0);
    w.clock.advance(2 * MINUTE_MS);
    for (let i = 0; i < 30; i++) newer.push((await w.propose(5)).id);
    await w.run(0);
    for (const id of [...older, ...newer]) await w.react(id, thumbsUp(U.onCall));
    const olderTs = new Set(await Promise.all(older.map(w.postTs)));
    // closes them all, before their first read is due
    await w.run(6 * MINUTE_MS);

    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await w.run(i === 0 ? 6 * MINUTE_MS : 2 * MINUTE_MS));

    // 19 reads and who reacted (users.info) a run; the backlog meets their 20-minute reads, which need no lookup
    expect(runs.map((r) => feedbackCalls(r.calls))).toEqual([20, 20, 20, 20, 20, 20]);
    expect(runs.map((r) => r.summary.feedbackRecorded)).toEqual([19, 19, 19, 3, 0, 0]);
    const readTs = runs.flatMap((r) => r.calls.filter((c) => c.method === 'conversations.history').map((c) => String(c.args.oldest)));
    expect(readTs.slice(0, 30).every((ts) => olderTs.has(ts))).toBe(true);
    expect(readTs.slice(30, 60).some((ts) => olderTs.has(ts))).toBe(false);
    expect(await w.store.feedback.list({ sinceMs: 0 })).toHaveLength(60);
  }, 60_000);

  it('reads the RCA replies of one digest thread with one call, and a thread Slack no longer has is reported, not retried every run', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await feedbackWorld(fake, T0);
    const digest = fake.addChannel('fleet-availability');
    const parent = fake.seed(digest, { text: 'digest', bot_id: fake.bot.botId });
    const rca = Array.from({ length: 5 }, (_, i) => ({
      kind: 'rca' as const, id: `g-${i}`, signature: `sig-${i}`, channel: digest, threadTs: parent,
      ts: fake.seed(digest, { thread_ts: parent, text: `RCA ${i}`, bot_id: fake.bot.botId, reactions: [{ name: 'thumbsdown', users: [U.onCall2], count: 1 }] }),
    }));
    const gone = { kind: 'rca' as const, id: 'g-gone', signature: 'sig-gone', channel: digest, threadTs: '1700000000.000001', ts: '1700000000.000002', postedAtMs: T0 };

    const runs = [];
    for (let i = 0; i < 6; i++) runs.push(await w.run(2 * MINUTE_MS, { rca: [...rca, gone] }));

    expect(runs.map((r) => count(r.calls, 'conversations.replies'))).toEqual([0, 0, 0, 0, 2, 0]);
    expect(runs.map((r) => r.summary.feedbackRecorded)).toEqual([0, 0, 0, 0, 5, 0]);
    expect(runs[4].failures).toEqual([{ part: 'feedback:rca:g-gone', message: expect.stringMatching(/^conversations\.replies: thread_not_found/) }]);
    expect(runs[5].failures).toEqual([]);
  });

  it('a rate limit during the feedback step leaves the reads to the next run, and nothing is counted twice', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await feedbackWorld(fake, T0);
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await w.propose(5)).id);
    await w.run(0);
    for (const id of ids) await w.react(id, thumbsUp(U.onCall, U.manager));
    await w.run(6 * MINUTE_MS);
    // the first read is refused on every attempt (1 + 3 retries)
    fake.rateLimit('conversations.history', 4, 1);

    const limited = await w.run(4 * MINUTE_MS);
    const next = await w.run();
    const after = await w.run();

    expect(limited.failures).toEqual([{ part: 'feedback', message: expect.stringMatching(/^conversations\.history: rate limited after 4 attempts/) }]);
    expect(limited.summary.feedbackRecorded).toBe(0);
    expect(next.summary.feedbackRecorded).toBe(20);
    expect(count(next.calls, 'conversations.history')).toBe(10);
    expect(after.summary.feedbackRecorded).toBe(0);
    expect(feedbackCalls(after.calls)).toBe(0);
    expect(await w.store.feedback.list({ sinceMs: 0 })).toHaveLength(20);
  });
});
