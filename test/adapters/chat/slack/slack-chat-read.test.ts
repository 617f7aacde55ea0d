import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../../fakes/slack-fake.js';
import { slackAgainst } from './setup.js';

describe('createSlackChat reads', () => {
  let fake: SlackFake;
  let channel: string;

  beforeEach(async () => {
    fake = await startSlackFake({ pageSize: 3 });
    channel = fake.addChannel('fleet-proposals');
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('lists thread replies oldest first over several pages, without the parent, mapping every field', async () => {
    const parent = fake.seed(channel, { bot_id: 'BFLEETBOT', text: 'proposal abcd1234' });
    for (let i = 0; i < 7; i++) fake.seed(channel, { user: `U${i}`, text: `approve abcd1234 #${i}`, thread_ts: parent });
    const special = fake.seed(channel, {
      user: 'U9', bot_id: 'B9', app_id: 'A9', subtype: 'bot_message', text: 'approve abcd1234', thread_ts: parent,
      edited: { user: 'U9', ts: '1700000100.000001' }, reactions: [{ name: '+1', users: ['U1', 'U2'], count: 2 }],
      metadata: { event_type: 'x', event_payload: { a: 1 } },
    });
    const { chat } = slackAgainst(fake);

    const replies = await chat.listReplies(channel, parent);

    expect(replies.map((r) => r.text)).toEqual([...Array.from({ length: 7 }, (_, i) => `approve abcd1234 #${i}`), 'approve abcd1234']);
    expect(replies.at(-1)).toEqual({
      ts: special, threadTs: parent, user: 'U9', botId: 'B9', appId: 'A9', subtype: 'bot_message', text: 'approve abcd1234',
      edited: { user: 'U9', ts: '1700000100.000001' }, reactions: [{ name: '+1', users: ['U1', 'U2'], count: 2 }],
      metadata: { eventType: 'x', payload: { a: 1 } },
    });
    expect(fake.callsOf('conversations.replies')).toHaveLength(3);
  });

  it('answers a read of a thread parent just read with its replies (its reactions) without conversations.history, until it is edited', async () => {
    const { chat } = slackAgainst(fake);
    const parent = await chat.upsertMessage({ channel, idempotencyKey: 'proposal:p1', text: 'proposal', blocks: [] });
    fake.seed(channel, { user: 'U1', text: 'approve abcd1234', thread_ts: parent.ts });
    const reactions = [{ name: 'white_check_mark', users: ['U2'], count: 1 }];
    fake.messages(channel)[0].reactions = reactions;
    const one = { oldestTs: parent.ts, latestTs: parent.ts };

    await chat.listReplies(channel, parent.ts);
    const before = fake.callsOf('conversations.history').length;
    const cached = await chat.history(channel, one);
    await chat.upsertMessage({ channel, idempotencyKey: 'proposal:p1', text: 'proposal (approved)', blocks: [] });
    const edited = await chat.history(channel, one);

    expect(cached).toEqual([expect.objectContaining({ ts: parent.ts, text: 'proposal', reactions })]);
    expect(edited).toEqual([expect.objectContaining({ ts: parent.ts, text: 'proposal (approved)', reactions })]);
    expect(fake.callsOf('conversations.history')).toHaveLength(before + 1);
  });

  it('history gives thread parents their reply count and latest reply, and answers a later read of one of them without a call', async () => {
    const { chat } = slackAgainst(fake);
    const quiet = fake.seed(channel, { user: 'UHUMAN', text: 'no replies' });
    const parent = fake.seed(channel, { user: 'UHUMAN', text: 'incident' });
    fake.seed(channel, { user: 'U1', text: 'looking', thread_ts: parent });
    const latest = fake.seed(channel, { user: 'U2', text: 'approve abcd1234', thread_ts: parent });
    fake.seed(channel, { user: 'UHUMAN', text: 'later' });

    const messages = await chat.history(channel, { oldestTs: quiet, latestTs: parent });
    const before = fake.calls.length;
    const again = await chat.history(channel, { oldestTs: parent, latestTs: parent });

    expect(messages).toEqual([
      { ts: quiet, user: 'UHUMAN', text: 'no replies' },
      { ts: parent, threadTs: parent, user: 'UHUMAN', text: 'incident', replyCount: 2, latestReplyTs: latest },
    ]);
    expect(again).toEqual([messages[1]]);
    expect(fake.calls).toHaveLength(before);
  });

  it.each([
    { name: 'inclusive bounds', oldestTs: '1700000010.000000', latestTs: '1700000015.000000', expected: [10, 11, 12, 13, 14, 15] },
    { name: 'single second', oldestTs: '1700000003.000000', latestTs: '1700000003.000000', expected: [3] },
    { name: 'empty range', oldestTs: '1700000100.000000', latestTs: '1700000200.000000', expected: [] },
  ])('reads history in a range, oldest first, paginated ($name)', async ({ oldestTs, latestTs, expected }) => {
    for (let s = 0; s < 20; s++) fake.seed(channel, { user: 'UHUMAN', text: `m${s}`, ts: `${1_700_000_000 + s}.000000` });
    const { chat } = slackAgainst(fake);

    const messages = await chat.history(`#fleet-proposals`, { oldestTs, latestTs });

    expect(messages.map((m) => m.text)).toEqual(expected.map((s) => `m${s}`));
    expect(fake.callsOf('conversations.history')).toHaveLength(Math.max(1, Math.ceil(expected.length / 3)));
  });

  it.each([
    { name: 'full member', user: {}, expected: { isBot: false, deleted: false, isFullMember: true } },
    { name: 'guest (restricted)', user: { is_restricted: true }, expected: { isBot: false, deleted: false, isFullMember: false } },
    { name: 'single-channel guest', user: { is_ultra_restricted: true }, expected: { isBot: false, deleted: false, isFullMember: false } },
    { name: 'deleted', user: { deleted: true }, expected: { isBot: false, deleted: true, isFullMember: false } },
    { name: 'bot', user: { is_bot: true }, expected: { isBot: true, deleted: false, isFullMember: false } },
    { name: 'stranger (Slack Connect)', user: { is_stranger: true }, expected: { isBot: false, deleted: false, isFullMember: false } },
    { name: 'another organisation', user: { team_id: 'TOTHER' }, expected: { isBot: false, deleted: false, isFullMember: false } },
  ])('getUser: $name', async ({ user, expected }) => {
    fake.addUser({ id: 'U1', ...user });
    const { chat } = slackAgainst(fake);

    const result = await chat.getUser('U1');

    expect(result).toEqual({ id: 'U1', ...expected });
  });

  it('getUser: Slackbot is a bot, though Slack answers is_bot false for it', async () => {
    const { chat } = slackAgainst(fake);

    const result = await chat.getUser('USLACKBOT');

    expect(result).toEqual({ id: 'USLACKBOT', isBot: true, deleted: false, isFullMember: false });
  });

  it.each([
    { teamId: undefined, expected: true, authCalls: 1 },
    { teamId: 'TFLEET', expected: true, authCalls: 0 },
    { teamId: 'TELSEWHERE', expected: false, authCalls: 0 },
  ])('getUser compares the team with teamId $teamId (auth.test when not given)', async ({ teamId, expected, authCalls }) => {
    fake.addUser({ id: 'U1' });
    const { chat } = slackAgainst(fake, { teamId });

    const result = await chat.getUser('U1');

    expect(result.isFullMember).toBe(expected);
    expect(fake.callsOf('auth.test')).toHaveLength(authCalls);
  });

  it('lists the members of a user group', async () => {
    fake.addUsergroup('S0APPROVERS', ['U1', 'U2', 'U3']);
    const { chat } = slackAgainst(fake);

    const members = await chat.listGroupMembers('S0APPROVERS');

    expect(members).toEqual(['U1', 'U2', 'U3']);
  });

  it('knows its own user id from auth.test, asked once (a reply may address fleetops by mention)', async () => {
    const { chat } = slackAgainst(fake);

    expect([await chat.selfUserId(), await chat.selfUserId()]).toEqual(['UFLEETBOT', 'UFLEETBOT']);
    expect(fake.callsOf('auth.test')).toHaveLength(1);
  });

  it('uploads a file into a thread through getUploadURLExternal, the upload URL and completeUploadExternal', async () => {
    const parent = fake.seed(channel, { bot_id: 'BFLEETBOT', text: 'weekly report' });
    const data = new Uint8Array([0x89, 0x50, 0x4e, 0x47, 0, 1, 2, 255]);
    const { chat } = slackAgainst(fake);

    const { fileId } = await chat.uploadFile({ channel: '#fleet-proposals', threadTs: parent, filename: 'chart.png', title: 'Availability', data });

    expect(fake.calls.map((c) => c.method)).toEqual(['conversations.list', 'files.getUploadURLExternal', `upload/v1/${fileId}`, 'files.completeUploadExternal']);
    expect(fake.files.get(fileId)).toMatchObject({ filename: 'chart.png', title: 'Availability', channel, threadTs: parent, length: 8 });
    expect([...(fake.files.get(fileId)?.data ?? [])]).toEqual([...data]);
    expect(fake.messages(channel).at(-1)).toMatchObject({ thread_ts: parent, files: [{ id: fileId, title: 'Availability' }] });
  });
});
