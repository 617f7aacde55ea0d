import { afterEach, describe, expect, it } from 'vitest';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { findProposalPost } from '../../../src/remediation/proposals/proposal-thread.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake.js';
import { auditOf, T0, U } from './harness.js';
import { count, slackWorld } from './slack-world.js';

describe('proposals job on Slack: calls per run', () => {
  let fake: SlackFake;
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('edits a top-level proposal in place when it is approved (no copy in its own thread), and executes it', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const p = await w.propose(1);
    await w.run();
    await w.reply(p.id, U.onCall, `approve ${shortId(p.id)}`);

    const { failures } = await w.run();

    expect(failures).toEqual([]);
    expect((await w.store.proposals.get(p.id))?.state).toBe('executing');
    expect(w.ops.calls.map((c) => c.step)).toEqual(['rollout-restart:coredns-1']);
    const own = fake.messages(w.channel).filter((m) => m.metadata?.event_payload.idempotency_key === `proposal:${p.id}`);
    expect(own).toHaveLength(1);
    expect(own[0].thread_ts).toBeUndefined();
    expect(JSON.stringify(own[0].blocks)).toContain('State*\\napproved');
    expect((await auditOf(w.store, p.id)).map((e) => e.action)).not.toContain('approval.refused');
  });

  it('looks up each approver group and each author once per run, whatever the number of proposals', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const ids = [];
    for (let i = 0; i < 20; i++) ids.push((await w.propose(i)).id);
    await w.run();
    for (const id of ids) await w.reply(id, U.onCall, `approve ${shortId(id)}`);

    const { summary, calls } = await w.run();

    expect(summary.approved).toBe(20);
    expect(count(calls, 'usergroups.users.list')).toBe(2);
    expect(count(calls, 'users.info')).toBe(1);
  });

  it('idle runs read each unchanged thread once per threadRecheckMinutes, after one conversations.history each; the proposal message comes with it', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    for (let i = 0; i < 20; i++) await w.propose(i);
    await w.run();
    const ids = (await w.store.proposals.list({ states: ['proposed'] })).map((p) => p.id);
    const all = (await Promise.all(ids.map(async (id) => (await w.postOf(id)).threadTs))).sort();

    const idle = [];
    for (let i = 0; i < 5; i++) idle.push(await w.run());

    expect(idle.flatMap((r) => r.failures)).toEqual([]);
    // before: 20 conversations.replies on every run
    expect(idle.map((r) => count(r.calls, 'conversations.history'))).toEqual([1, 1, 1, 1, 1]);
    // 10 minutes: each thread read once, spread over the runs
    expect(idle.flatMap((r) => w.threadsRead(r.calls)).sort()).toEqual(all);
    expect(idle.map((r) => r.summary.threads?.read ?? 0).reduce((a, b) => a + b, 0)).toBe(20);
    expect(idle.map((r) => r.calls.length - count(r.calls, 'conversations.replies') - count(r.calls, 'usergroups.users.list'))).toEqual([1, 1, 1, 1, 1]);
  });

  it('a note posted in a thread just read does not read the thread again to find an earlier copy', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const ids = [];
    for (let i = 0; i < 10; i++) ids.push((await w.propose(i)).id);
    await w.run();
    for (const id of ids) await w.reply(id, U.onCall, `approve ${shortId(id)}`);

    const { summary, calls } = await w.run();

    // read when approved, and again right before execution; the "executed" note needs no read
    expect(summary.executed).toEqual({ verifying: 10 });
    expect(count(calls, 'conversations.replies')).toBe(20);
    expect(count(calls, 'chat.postMessage')).toBe(10);
  });

  it('a rate-limited run stops, lists the proposals it left, and the next run reconciles them, each approved once', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const ids = [];
    for (let i = 0; i < 5; i++) ids.push((await w.propose(i)).id);
    // same expiry: in the store's order (created, then id)
    ids.sort();
    await w.run();
    for (const id of ids) await w.reply(id, U.onCall, `approve ${shortId(id)}`);
    // the first proposal's thread read is refused on every attempt (1 + 3 retries)
    fake.rateLimit('conversations.replies', 4, 2);

    const stopped = await w.run();
    const next = await w.run();

    expect(stopped.failures).toEqual([{ part: `proposal:${shortId(ids[0])}`, message: expect.stringMatching(/^conversations\.replies: rate limited after 4 attempts/) }]);
    expect(stopped.summary.notReconciled).toEqual(ids.slice(1).map(shortId));
    expect(w.waitsMs).toEqual([2000, 2000, 2000]);
    expect(count(stopped.calls, 'conversations.replies')).toBe(4);
    expect(next.failures).toEqual([]);
    expect(next.summary).toMatchObject({ approved: 5, notReconciled: [] });
    for (const id of ids) {
      const actions = (await auditOf(w.store, id)).map((e) => e.action);
      expect(actions.filter((a) => a === 'approval.approve')).toHaveLength(1);
      expect(actions.filter((a) => a === 'proposal.approved')).toHaveLength(1);
    }
  });

  it('reconciles approved proposals first, then the rest closest to expiry first', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const late = await w.propose(1, 60);
    const soon = await w.propose(2, 10);
    const approved = await w.propose(3, 60);
    await w.run();
    await w.reply(approved.id, U.onCall, `approve ${shortId(approved.id)}`);
    await w.store.proposals.transition(approved.id, ['proposed'], 'approved', {}, T0);
    // people talk in the other threads, so each needs a read
    await w.chatter(late.id);
    await w.chatter(soon.id);
    const threadOf = async (id: string) => (await findProposalPost(w.store, (await w.store.proposals.get(id))!))?.threadTs;

    const { calls } = await w.run();

    const read = new Set(calls.filter((c) => c.method === 'conversations.replies').map((c) => c.args.ts));
    expect([...read]).toEqual([await threadOf(approved.id), await threadOf(soon.id), await threadOf(late.id)]);
  });

  it('at the deadline the proposals not reached are listed for the next run', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const ids = [];
    for (let i = 0; i < 3; i++) ids.push((await w.propose(i)).id);
    ids.sort();
    await w.run();
    const deadline = new AbortController();
    const plan = w.ops.plan;
    w.ops.plan = async (req) => {
      deadline.abort(new Error('deadline'));
      return plan(req);
    };

    const { summary } = await w.run(deadline);

    expect(summary.notReconciled).toEqual(ids.slice(1).map(shortId));
  });
});
