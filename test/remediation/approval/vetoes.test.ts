import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { claimExecution } from '../../../src/remediation/proposals/claim-execution.js';
import { reconcileProposed } from '../../../src/remediation/proposals/reconcile-proposed.js';
import type { ProposalDraft } from '../../../src/remediation/proposals/create-proposal.js';
import { CHANNEL, createWorld, draft, propose, reply, runProposalsJob, U, type World } from '../proposals/harness.js';

/** A proposal posted and approved by one on-call reply, but not yet claimed (as after a claim that failed). */
async function approvedNotStarted(world: World, d: ProposalDraft = draft()) {
  const r = await propose(world, d);
  if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
  await runProposalsJob(world);
  const approvalTs = await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`);
  const approved = await reconcileProposed(world.deps(), r.proposal);
  expect(approved?.state).toBe('approved');
  return { p: approved!, approvalTs };
}

async function expectStopped(world: World, id: string) {
  expect(world.ops.calls).toEqual([]);
  expect((await world.store.proposals.get(id))?.state).toBe('rejected');
}

describe('vetoes that must stop an approved proposal before it starts', () => {
  it('a reject sent after expiry, inside the execution grace period', async () => {
    const world = await createWorld();
    const { p } = await approvedNotStarted(world);
    world.clock.advance(p.expiresAtMs - world.clock.nowMs() + 60_000);
    await reply(world, p.id, U.onCall2, `reject ${shortId(p.id)} the freeze started`);

    const claimed = await claimExecution(world.deps(), p);

    expect(claimed).toBeUndefined();
    await expectStopped(world, p.id);
  });

  it('an approval edited into a reject by its author', async () => {
    const world = await createWorld();
    const { p, approvalTs } = await approvedNotStarted(world);
    const msgs = world.chat.readAll(CHANNEL).map((m) => (m.ts === approvalTs
      ? { ...m, text: `reject ${shortId(p.id)} wrong node, sorry`, edited: { user: U.onCall, ts: String(Number(approvalTs) + 5) } } : m));
    writeFileSync(world.outboxFile(CHANNEL), JSON.stringify(msgs));

    const claimed = await claimExecution(world.deps(), p);

    expect(claimed).toBeUndefined();
    await expectStopped(world, p.id);
  });

  it('a reject whose typo its author fixed (an edited reject)', async () => {
    const world = await createWorld();
    const { p } = await approvedNotStarted(world);
    await reply(world, p.id, U.onCall2, `reject ${shortId(p.id)} wait for the batch`, { edited: { user: U.onCall2, ts: '1900000000.000000' } });

    expect(await claimExecution(world.deps(), p)).toBeUndefined();
    await expectStopped(world, p.id);
  });

  it('a reject also sent to the channel (subtype thread_broadcast)', async () => {
    const world = await createWorld();
    const { p } = await approvedNotStarted(world);
    await reply(world, p.id, U.onCall2, `reject ${shortId(p.id)} wait for the batch`, { subtype: 'thread_broadcast' });

    expect(await claimExecution(world.deps(), p)).toBeUndefined();
    await expectStopped(world, p.id);
  });

  it.each([
    ['within a sentence', (id8: string) => `No, reject ${id8}: the node is draining`],
    ['after a labelled mention', (id8: string) => `<@UOTHER|alice> reject ${id8} not during the batch`],
  ])('a reject %s (before: not read as a command, so the approval ran it)', async (_, text) => {
    const world = await createWorld();
    const { p } = await approvedNotStarted(world);
    await reply(world, p.id, U.onCall2, text(shortId(p.id)));

    expect(await claimExecution(world.deps(), p)).toBeUndefined();
    await expectStopped(world, p.id);
  });

  it('the proposer (an approver) withdrawing their own proposal', async () => {
    const world = await createWorld();
    const { p } = await approvedNotStarted(world, draft({ context: { ...draft().context, proposer: U.proposer, source: 'human' } }));
    await reply(world, p.id, U.proposer, `reject ${shortId(p.id)} my mistake, wrong cluster`);

    expect(await claimExecution(world.deps(), p)).toBeUndefined();
    await expectStopped(world, p.id);
  });

  it('still refuses an edited or broadcast approval, and a reject from outside the approvers', async () => {
    const world = await createWorld();
    const r = await propose(world, draft());
    if (r.status !== 'proposed') throw new Error('expected a proposal');
    await runProposalsJob(world);
    await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`, { edited: { user: U.onCall, ts: '1900000000.000000' } });
    await reply(world, r.proposal.id, U.onCall2, `approve ${shortId(r.proposal.id)}`, { subtype: 'thread_broadcast' });
    await reply(world, r.proposal.id, U.outsider, `reject ${shortId(r.proposal.id)} no`, { edited: { user: U.outsider, ts: '1900000000.000000' } });

    await runProposalsJob(world);

    expect((await world.store.proposals.get(r.proposal.id))?.state).toBe('proposed');
    expect(world.ops.calls).toEqual([]);
  });
});
