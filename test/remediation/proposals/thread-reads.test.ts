import { afterEach, describe, expect, it } from 'vitest';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake.js';
import { auditOf, T0, U } from './harness.js';
import { count, slackWorld } from './slack-world.js';


describe('proposals job on Slack: which threads a run reads', () => {
  let fake: SlackFake;
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  // before: every idle run read all 200 threads (202 calls, over Slack's Tier 3 of ~50 a minute)
  it('200 open proposals: an idle run reads only the threads whose recheck is due, each once in 10 minutes', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    for (let i = 0; i < 200; i++) await w.propose(i, 60);
    await w.run();

    const idle = [];
    for (let i = 0; i < 5; i++) idle.push(await w.run());

    expect(idle.flatMap((r) => r.failures)).toEqual([]);
    expect(idle.map((r) => count(r.calls, 'conversations.history'))).toEqual([1, 1, 1, 1, 1]);
    const read = idle.flatMap((r) => w.threadsRead(r.calls));
    expect(read).toHaveLength(200);
    expect(new Set(read).size).toBe(200);
    expect(Math.max(...idle.map((r) => r.calls.length))).toBeLessThanOrEqual(60);
  }, 120_000);

  it('under a steady backlog over the rate limit, every proposal is reached: one left behind is approved within a few runs', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const busy = [];
    for (let i = 0; i < 6; i++) busy.push((await w.propose(i, 60)).id);
    // expires last: the old order (by expiry) always left it behind the others
    const last = (await w.propose(9, 120)).id;
    await w.run();
    await w.reply(last, U.onCall, `approve ${shortId(last)}`);

    const runs = [];
    for (let i = 0; i < 4; i++) {
      // people talk in every thread, so each needs a read, and Slack allows two reads a run
      for (const id of [...busy, last]) await w.chatter(id);
      fake.rateLimitAfter('conversations.replies', 2, 60);
      runs.push(await w.run());
    }

    expect(runs.map((r) => r.failures.length)).toEqual([1, 1, 1, 1]);
    expect((await w.store.proposals.get(last))?.state).toBe('executing');
    const reached = new Set(runs.flatMap((r) => w.threadsRead(r.calls)));
    for (const id of [...busy, last]) expect(reached.has((await w.postOf(id)).threadTs)).toBe(true);
    expect((await auditOf(w.store, last)).filter((e) => e.action === 'approval.approve')).toHaveLength(1);
  });

  it('proposals posted in one thread share one read of it per run, and none while it is unchanged', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake, { config: { threadRecheckMinutes: 24 * 60 } });
    const incident = fake.seed(w.channel, { user: U.onCall, text: 'coredns latency in eu-west-1' });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await w.propose(i, 60, { channel: '#fleet-remediation', threadTs: incident })).id);
    const top = (await w.propose(5, 60)).id;
    await w.run();
    const topThread = (await w.postOf(top)).threadTs;

    const second = await w.run();
    const unchanged = await w.run();
    await w.chatter(ids[0]);
    const changed = await w.run();

    // proposals posted after the others in run 1 changed the thread they had read: one read serves them all
    expect(w.threadsRead(second.calls)).toEqual([incident]);
    expect(second.summary.threads).toEqual({ read: 1, unchanged: 2 });
    expect(topThread).not.toBe(incident);
    expect(w.threadsRead(unchanged.calls)).toEqual([]);
    expect(unchanged.summary.threads).toEqual({ read: 0, unchanged: 6 });
    expect(w.threadsRead(changed.calls)).toEqual([incident]);
    expect([second, unchanged, changed].flatMap((r) => r.failures)).toEqual([]);
  });

  it('a thread read earlier in the run is read again for a proposal it holds a new command for: an approval deleted since does not count', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const incident = fake.seed(w.channel, { user: U.onCall, text: 'coredns latency in eu-west-1' });
    const first = (await w.propose(1, 30, { channel: '#fleet-remediation', threadTs: incident })).id;
    const second = (await w.propose(2, 60, { channel: '#fleet-remediation', threadTs: incident })).id;
    await w.run();
    const approval = await w.reply(second, U.onCall, `approve ${shortId(second)}`);
    // deleted after the run read the thread for the first proposal, before it reaches the second
    const plan = w.ops.plan;
    w.ops.plan = async (req) => {
      if (req.target.name === 'coredns-2') fake.remove(w.channel, approval);
      return plan(req);
    };

    const { summary, calls, failures } = await w.run();

    expect(failures).toEqual([]);
    expect(w.threadsRead(calls)).toEqual([incident, incident]);
    expect(summary).toMatchObject({ approved: 0, closed: {} });
    expect((await w.store.proposals.get(second))?.state).toBe('proposed');
    expect((await auditOf(w.store, second)).map((e) => e.action)).toEqual(['proposal.proposed']);
    expect((await w.store.proposals.get(first))?.state).toBe('proposed');
  });

  it('an approval in a thread not read for a while is counted by the next run, and the thread is read fresh before execution', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake, { config: { threadRecheckMinutes: 24 * 60 } });
    const quiet = (await w.propose(1, 60)).id;
    const p = (await w.propose(2, 60)).id;
    await w.run();
    await w.run();
    const idle = await w.run();
    await w.reply(p, U.onCall, `approve ${shortId(p)}`);

    const { summary, calls, failures } = await w.run();

    expect(w.threadsRead(idle.calls)).toEqual([]);
    expect(failures).toEqual([]);
    expect(summary).toMatchObject({ approved: 1, threads: { read: 1, unchanged: 1 } });
    expect((await w.store.proposals.get(p))?.state).toBe('executing');
    // read when approved, and again right before execution
    expect(w.threadsRead(calls)).toEqual([(await w.postOf(p)).threadTs, (await w.postOf(p)).threadTs]);
    expect((await w.store.proposals.get(quiet))?.state).toBe('proposed');
  });

  it('a proposal whose thread is unchanged still expires, without a read', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake, { config: { threadRecheckMinutes: 24 * 60 } });
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await w.propose(i, 5)).id);
    await w.run();
    await w.run();

    const { summary, calls } = await w.run();

    expect(summary.closed).toEqual({ expired: 5 });
    expect(count(calls, 'conversations.replies')).toBe(0);
    for (const id of ids) expect((await auditOf(w.store, id)).at(-1)).toMatchObject({ action: 'proposal.expired', details: { approvals: 0, required: 1 } });
  });

  it('a reaction on an unchanged thread (it changes neither count nor latest reply) is answered within threadRecheckMinutes', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const p = (await w.propose(1, 60)).id;
    await w.propose(2, 60);
    await w.run();
    await w.run();
    const ts = (await w.postOf(p)).ts;
    const own = fake.messages(w.channel).find((m) => m.ts === ts);
    if (own) own.reactions = [{ name: 'white_check_mark', users: [U.onCall], count: 1 }];

    const runs = [];
    for (let i = 0; i < 5; i++) runs.push(await w.run());

    expect(runs.flatMap((r) => w.threadsRead(r.calls)).filter((t) => t === ts)).toEqual([ts]);
    expect((await auditOf(w.store, p)).map((e) => e.action)).toContain('approval.refused');
    expect(fake.messages(w.channel).some((m) => m.thread_ts === ts && m.text.startsWith('Reactions do not approve'))).toBe(true);
  });

  it('when conversations.history cannot be read, every thread is read as before', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake, { config: { threadRecheckMinutes: 24 * 60 } });
    for (let i = 0; i < 4; i++) await w.propose(i, 60);
    await w.run();
    await w.run();
    fake.failWith('conversations.history', 'missing_scope');

    const refused = await w.run();
    const next = await w.run();

    expect(refused.failures).toEqual([]);
    expect(count(refused.calls, 'conversations.replies')).toBe(4);
    expect(refused.summary.threads).toEqual({ read: 4, unchanged: 0 });
    expect(count(next.calls, 'conversations.replies')).toBe(0);
  });

  it('a channel with one open thread is read as before, without conversations.history (it would cost as much)', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake, { config: { threadRecheckMinutes: 24 * 60 } });
    await w.propose(1, 60);
    await w.run();

    const runs = [await w.run(), await w.run()];

    expect(runs.map((r) => [count(r.calls, 'conversations.replies'), count(r.calls, 'conversations.history')])).toEqual([[1, 0], [1, 0]]);
  });

  it('with threadRecheckMinutes 0 every open thread is read on every run, and no conversations.history', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake, { config: { threadRecheckMinutes: 0 } });
    for (let i = 0; i < 3; i++) await w.propose(i, 60);
    await w.run();

    const runs = [await w.run(), await w.run()];

    expect(runs.map((r) => count(r.calls, 'conversations.replies'))).toEqual([3, 3]);
    expect(runs.map((r) => count(r.calls, 'conversations.history'))).toEqual([0, 0]);
  });

  it('a second approval needed: the first is kept while the thread is quiet, the second counts when it comes', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake, { config: { threadRecheckMinutes: 24 * 60, autonomy: { defaultLevel: 2 } } });
    const p = (await w.propose(1, 60)).id;
    await w.propose(2, 60);
    await w.run();
    await w.reply(p, U.onCall, `approve ${shortId(p)}`);
    await w.run();
    const quiet = await w.run();
    await w.reply(p, U.manager, `approve ${shortId(p)}`);

    const { summary } = await w.run();

    expect(quiet.summary.threads).toEqual({ read: 0, unchanged: 2 });
    expect(summary.approved).toBe(1);
    expect((await auditOf(w.store, p)).filter((e) => e.action === 'approval.approve').map((e) => e.actor)).toEqual([U.onCall, U.manager]);
  });
});

