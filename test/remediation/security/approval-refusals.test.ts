import { writeFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import {
  auditOf, CHANNEL, createWorld, draft, drainDraft, propose, reply, runProposalsJob, U, type World,
} from '../proposals/harness.js';
import type { ProposalDraft } from '../../../src/remediation/proposals/create-proposal.js';

async function posted(world: World, d: ProposalDraft) {
  const r = await propose(world, d);
  if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
  await runProposalsJob(world);
  return r.proposal;
}

async function refusals(world: World, id: string) {
  return (await auditOf(world.store, id)).filter((e) => e.action === 'approval.refused').map((e) => ({ actor: e.actor, reason: e.details.reason }));
}

async function expectNothingRan(world: World, id: string, state = 'proposed') {
  expect((await world.store.proposals.get(id))?.state).toBe(state);
  expect(world.ops.calls).toEqual([]);
}

const selfDraft = draft({ context: { ...draft().context, proposer: U.proposer, source: 'human' } });

describe('security: replies that must never approve (each refused and audited)', () => {
  it.each([
    ['self-approval', selfDraft, U.proposer, {}, 'self-approval'],
    ['someone outside the approver group', draft(), U.outsider, {}, 'not-an-approver'],
    ['a group member missing from the allowlist', draft(), U.notAllowlisted, {}, 'not-an-approver'],
    ['a guest', draft(), U.guest, {}, 'not-a-full-member'],
    ['a user of another organisation', draft(), U.external, {}, 'not-a-full-member'],
    ['a deactivated user', draft(), U.deleted, {}, 'deleted-user'],
    ['a bot message', draft(), U.onCall, { botId: 'B0LOGS' }, 'bot-or-app'],
    ['an app message', draft(), U.onCall, { appId: 'A0HOOK' }, 'bot-or-app'],
    ['a message with a subtype', draft(), U.onCall, { subtype: 'bot_message' }, 'has-subtype'],
    ['the fleetops bot user itself', draft(), U.botUser, {}, 'bot-or-app'],
    ['an edited message', draft(), U.onCall, { edited: { user: U.onCall, ts: '1800000000.000001' } }, 'edited'],
  ] as const)('%s', async (_name, d, user, extra, reason) => {
    const world = await createWorld();
    const p = await posted(world, d);
    await reply(world, p.id, user, `approve ${shortId(p.id)}`, extra);

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect(await refusals(world, p.id)).toEqual([{ actor: user, reason }]);
    expect(await world.store.approvals.list(p.id)).toEqual([]);
  });

  it('fleetops\' own chat user (posting with a user token, so without a bot id, and not listed in botUserIds) never approves, mention or not', async () => {
    const world = await createWorld();
    // the chat's own id (Slack auth.test) is an ordinary full member of the approver group here
    world.chat.selfUserId = async () => U.onCall2;
    const p = await posted(world, draft());
    await reply(world, p.id, U.onCall2, `approve ${shortId(p.id)}`);

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect(await refusals(world, p.id)).toEqual([{ actor: U.onCall2, reason: 'bot-or-app' }]);
    expect(await world.store.approvals.list(p.id)).toEqual([]);
  });

  it('an approval addressed to someone else ("<@manager> approve <id>" asks the manager): refused, audited, not recorded', async () => {
    const world = await createWorld();
    const p = await posted(world, draft());
    await reply(world, p.id, U.onCall, `<@${U.manager}> approve ${shortId(p.id)}`);

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect(await refusals(world, p.id)).toEqual([{ actor: U.onCall, reason: 'addressed-to-someone-else' }]);
    expect(await world.store.approvals.list(p.id)).toEqual([]);
  });

  it.each([
    ['listed in remediation.botUserIds', {}],
    ['known only from the chat (no botUserIds configured)', { botUserIds: [] }],
  ])('an approval addressed to fleetops itself by mention counts (its id %s)', async (_name, config) => {
    const world = await createWorld({ config });
    const p = await posted(world, draft());
    await reply(world, p.id, U.onCall, `<@${U.botUser}> approve ${shortId(p.id)}`);

    await runProposalsJob(world);

    expect(await refusals(world, p.id)).toEqual([]);
    expect((await world.store.approvals.list(p.id)).map((a) => [a.userId, a.decision])).toEqual([[U.onCall, 'approve']]);
  });

  it('a reaction instead of a reply', async () => {
    const world = await createWorld();
    const p = await posted(world, draft());
    const msgs = world.chat.readAll(CHANNEL);
    msgs[0].reactions = [{ name: 'white_check_mark', users: [U.onCall], count: 1 }];
    writeFileSync(world.outboxFile(CHANNEL), JSON.stringify(msgs));

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect(await refusals(world, p.id)).toEqual([{ actor: U.onCall, reason: 'reaction' }]);
  });

  it('one approval where two are required: never executes, expires, audited', async () => {
    const world = await createWorld();
    const p = await posted(world, drainDraft());
    await reply(world, p.id, U.onCall, `approve ${shortId(p.id)}`);
    await runProposalsJob(world);
    await expectNothingRan(world, p.id);

    await runProposalsJob(world, 30 * 60_000);

    await expectNothingRan(world, p.id, 'expired');
    const expired = (await auditOf(world.store, p.id)).find((e) => e.action === 'proposal.expired');
    expect(expired?.details).toMatchObject({ approvals: 1, required: 2 });
  });

  it.each([
    ['the same person twice', [U.both, U.both], 'same-approver'],
    ['a manager before on-call', [U.manager, U.onCall], 'out-of-order'],
    ['two on-call people and no manager', [U.onCall, U.onCall2], 'out-of-order'],
  ])('two approvals required, given by %s', async (_name, users, reason) => {
    const world = await createWorld();
    const p = await posted(world, drainDraft());
    for (const u of users) await reply(world, p.id, u, `approve ${shortId(p.id)}`);

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect((await refusals(world, p.id)).map((r) => r.reason)).toContain(reason);
  });

  it('an approval after expiry', async () => {
    const world = await createWorld();
    const p = await posted(world, draft());
    world.clock.advance(31 * 60_000);
    await reply(world, p.id, U.onCall, `approve ${shortId(p.id)}`);

    await runProposalsJob(world, 0);

    await expectNothingRan(world, p.id, 'expired');
    expect(await refusals(world, p.id)).toEqual([{ actor: U.onCall, reason: 'after-expiry' }]);
  });

  it('an approval naming an older proposal id', async () => {
    const world = await createWorld();
    const old = await posted(world, draft({ params: { maxSurgePercent: 10 } }));
    await reply(world, old.id, U.onCall2, `reject ${shortId(old.id)} wrong surge`);
    await runProposalsJob(world);
    const p = await posted(world, draft({ params: { maxSurgePercent: 20 } }));
    await reply(world, p.id, U.onCall, `approve ${shortId(old.id)}`);

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect(await refusals(world, p.id)).toEqual([{ actor: U.onCall, reason: 'older-proposal' }]);
  });

  it('a replayed approval: the same message seen again does not count twice', async () => {
    const world = await createWorld();
    const p = await posted(world, drainDraft());
    await reply(world, p.id, U.onCall, `approve ${shortId(p.id)}`);
    const msgs = world.chat.readAll(CHANNEL);
    writeFileSync(world.outboxFile(CHANNEL), JSON.stringify([...msgs, { ...msgs.at(-1), user: U.manager }]));

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect((await refusals(world, p.id)).map((r) => r.reason)).toEqual(['replayed']);
  });

  it('a replayed approval: a message already counted for an earlier proposal does not count again', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'recovered', 'not-recovered'] });
    const thread = { channel: CHANNEL, threadTs: world.chat.appendReply(CHANNEL, { threadTs: '0', user: U.onCall, text: 'incident thread' }) };
    const first = await posted(world, draft({ ...thread }));
    const approvalTs = await reply(world, first.id, U.onCall, `approve ${shortId(first.id)}`);
    await runProposalsJob(world);
    expect((await world.store.proposals.get(first.id))?.state).not.toBe('proposed');
    const second = await posted(world, draft({ ...thread, params: { maxSurgePercent: 5 } }));
    const msgs = world.chat.readAll(CHANNEL).map((m) => (m.ts === approvalTs ? { ...m, text: `approve ${shortId(second.id)}` } : m));
    writeFileSync(world.outboxFile(CHANNEL), JSON.stringify(msgs));

    await runProposalsJob(world);

    expect((await world.store.proposals.get(second.id))?.state).toBe('proposed');
    expect(await refusals(world, second.id)).toEqual([{ actor: U.onCall, reason: 'replayed' }]);
  });

  it('a log line relayed into the thread by a log forwarder never approves', async () => {
    const world = await createWorld();
    const p = await posted(world, draft());
    await reply(world, p.id, undefined, `approve ${shortId(p.id)}`, { appId: 'A0LOGFWD', botId: 'B0LOGFWD', subtype: 'bot_message' });
    await reply(world, p.id, U.onCall, `2026-11-30T09:01:00Z coredns ERROR: operator says approve ${shortId(p.id)} now`);

    await runProposalsJob(world);

    await expectNothingRan(world, p.id);
    expect(await refusals(world, p.id)).toEqual([{ actor: 'unknown', reason: 'has-subtype' }]);
  });
});
