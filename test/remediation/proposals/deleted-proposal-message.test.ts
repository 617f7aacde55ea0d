import { readFileSync, writeFileSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { claimExecution } from '../../../src/remediation/proposals/claim-execution.js';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { findProposalPost } from '../../../src/remediation/proposals/proposal-thread.js';
import { reconcileProposed } from '../../../src/remediation/proposals/reconcile-proposed.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake.js';
import { approvedProposal, auditOf, CHANNEL, createWorld, propose, reply, runProposalsJob, T0, U } from './harness.js';
import { slackWorld } from './slack-world.js';

const drain = { operation: 'cordon-drain-node', target: { cluster: 'c-eu-west-1-0001', kind: 'Node' as const, name: 'node-7' } };
const ownMessages = (fake: SlackFake, channel: string, id: string) => fake.messages(channel).filter((m) => m.metadata?.event_payload.idempotency_key === `proposal:${id}`);

describe('proposals job on Slack: a proposal message deleted with no reply under it', () => {
  let fake: SlackFake;
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('before expiry: posts the proposal anew, says so in its thread, and counts only approvals given there', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const p = await w.propose(1, 30, drain);
    await w.run();
    const old = await w.postOf(p.id);
    // an approval read by a run, then deleted with the message: it must not count for the new message
    const early = await w.reply(p.id, U.onCall, `approve ${shortId(p.id)}`);
    await w.run();
    fake.remove(w.channel, early);
    fake.remove(w.channel, old.ts);

    const { failures } = await w.run();

    expect(failures).toEqual([]);
    const post = await w.postOf(p.id);
    expect(post.ts).not.toBe(old.ts);
    expect(post.threadTs).toBe(post.ts);
    expect((await w.store.proposals.get(p.id))).toMatchObject({ state: 'proposed', threadTs: post.ts });
    expect(ownMessages(fake, w.channel, p.id).map((m) => m.ts)).toEqual([post.ts]);
    expect(fake.messages(w.channel).find((m) => m.thread_ts === post.ts && m.ts !== post.ts)?.text).toContain(`(ts ${old.ts}) was deleted`);
    expect((await auditOf(w.store, p.id)).filter((e) => e.action === 'proposal.reposted')).toHaveLength(1);

    // the manager approves in the new thread, and on-call outside any thread: the manager's approval is
    // refused (the first must come from on-call), as the on-call approval of the deleted thread does not count
    await w.reply(p.id, U.manager, `approve ${shortId(p.id)}`);
    fake.seed(w.channel, { user: U.onCall, text: `approve ${shortId(p.id)}` });
    const pending = await w.run();

    expect(pending.failures).toEqual([]);
    expect((await w.store.proposals.get(p.id))?.state).toBe('proposed');
    expect(w.ops.calls).toEqual([]);

    await w.reply(p.id, U.onCall, `approve ${shortId(p.id)}`);
    await w.reply(p.id, U.manager, `approve ${shortId(p.id)}`);
    const approved = await w.run();

    expect(approved.failures).toEqual([]);
    expect((await w.store.proposals.get(p.id))?.state).toBe('executing');
    expect((await auditOf(w.store, p.id)).filter((e) => e.action === 'proposal.reposted')).toHaveLength(1);
  });

  it('at or after expiry: expires it as "proposal message deleted", without posting it again', async () => {
    fake = await startSlackFake({ pageSize: 200, nowSeconds: T0 / 1000 });
    const w = await slackWorld(fake);
    const p = await w.propose(1);
    await w.run();
    const old = await w.postOf(p.id);
    fake.remove(w.channel, old.ts);

    const { failures } = await w.run(undefined, 40 * 60_000);
    const again = await w.run();

    expect(failures).toEqual([]);
    expect(again.failures).toEqual([]);
    expect((await w.store.proposals.get(p.id))?.state).toBe('expired');
    expect(ownMessages(fake, w.channel, p.id)).toEqual([]);
    const expired = (await auditOf(w.store, p.id)).filter((e) => e.action === 'proposal.expired');
    expect(expired.map((e) => e.details)).toEqual([expect.objectContaining({ reason: 'proposal message deleted' })]);
  });
});

describe('proposals job on the outbox: a proposal message deleted from the channel file', () => {
  const proposed = async (w: Awaited<ReturnType<typeof createWorld>>) => {
    const r = await propose(w);
    if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
    return r.proposal;
  };
  const deleteMessage = (file: string, ts: string) => writeFileSync(file, JSON.stringify((JSON.parse(readFileSync(file, 'utf8')) as { ts: string }[]).filter((m) => m.ts !== ts)));

  it('before expiry: posts it anew, and an approval in the new thread counts', async () => {
    const w = await createWorld();
    const p = await proposed(w);
    await runProposalsJob(w);
    const old = await findProposalPost(w.store, (await w.store.proposals.get(p.id))!);
    deleteMessage(w.outboxFile(CHANNEL), old!.ts);

    const { failures } = await runProposalsJob(w);

    expect(failures).toEqual([]);
    const post = await findProposalPost(w.store, (await w.store.proposals.get(p.id))!);
    expect(post?.ts).not.toBe(old?.ts);
    expect(post?.threadTs).toBe(post?.ts);
    await reply(w, p.id, U.onCall, `approve ${shortId(p.id)}`);
    expect((await runProposalsJob(w)).failures).toEqual([]);
    expect((await auditOf(w.store, p.id)).map((e) => e.action)).toEqual(expect.arrayContaining(['proposal.reposted', 'approval.approve', 'proposal.approved']));
  });

  it('after expiry: expires it', async () => {
    const w = await createWorld();
    const p = await proposed(w);
    await runProposalsJob(w);
    deleteMessage(w.outboxFile(CHANNEL), (await findProposalPost(w.store, (await w.store.proposals.get(p.id))!))!.ts);

    const { failures } = await runProposalsJob(w, 40 * 60_000);

    expect(failures).toEqual([]);
    expect((await w.store.proposals.get(p.id))?.state).toBe('expired');
    expect((await auditOf(w.store, p.id)).find((e) => e.action === 'proposal.expired')?.details).toMatchObject({ reason: 'proposal message deleted' });
  });
});

describe('claimExecution: an approved proposal whose thread is gone', () => {
  it('expires it (nothing shows the approvals any more) instead of failing or reading it again', async () => {
    const w = await createWorld();
    const p = await approvedProposal(w);
    const approved = (await reconcileProposed(w.deps(), (await w.store.proposals.get(p.id))!))!;
    const post = (await findProposalPost(w.store, approved))!;
    const file = w.outboxFile(CHANNEL);
    writeFileSync(file, JSON.stringify((JSON.parse(readFileSync(file, 'utf8')) as { ts: string; threadTs?: string }[]).filter((m) => m.ts !== post.ts && m.threadTs !== post.ts)));

    const claimed = await claimExecution(w.deps(), approved);

    expect(approved.state).toBe('approved');
    expect(claimed).toBeUndefined();
    expect((await w.store.proposals.get(p.id))?.state).toBe('expired');
    expect((await auditOf(w.store, p.id)).at(-1)).toMatchObject({ action: 'proposal.expired', details: { reason: 'proposal message deleted', after: 'approved' } });
  });
});
