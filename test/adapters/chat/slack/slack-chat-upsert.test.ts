import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../../fakes/slack-fake.js';
import { digestMessage, memoryPublications, slackAgainst } from './setup.js';

describe('createSlackChat upsertMessage', () => {
  let fake: SlackFake;
  let channel: string;

  beforeEach(async () => {
    fake = await startSlackFake({ pageSize: 3 });
    for (const name of ['general', 'random', 'ops', 'sre', 'alerts']) fake.addChannel(name);
    channel = fake.addChannel('fleet-availability');
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('posts a parent and thread replies, resolving the channel name across pages and caching it', async () => {
    const publications = memoryPublications();
    const { chat } = slackAgainst(fake, { publications });

    const parent = await chat.upsertMessage(digestMessage('#fleet-availability', 'digest:2026-11-29:parent'));
    const r1 = await chat.upsertMessage(digestMessage('#fleet-availability', 'digest:2026-11-29:g1', parent.ts));
    const r2 = await chat.upsertMessage(digestMessage('#fleet-availability', 'digest:2026-11-29:g2', parent.ts));

    expect([parent.created, r1.created, r2.created]).toEqual([true, true, true]);
    expect(parent).toMatchObject({ channel, permalink: `https://fleet.slack.com/archives/${channel}/p${parent.ts.replace('.', '')}` });
    const posted = fake.messages(channel);
    expect(posted.map((m) => [m.thread_ts, m.metadata?.event_payload.idempotency_key])).toEqual([
      [undefined, 'digest:2026-11-29:parent'], [parent.ts, 'digest:2026-11-29:g1'], [parent.ts, 'digest:2026-11-29:g2'],
    ]);
    expect(posted.every((m) => m.metadata?.event_type === 'fleetops_publication')).toBe(true);
    expect(fake.callsOf('conversations.list')).toHaveLength(2);
    expect(publications.rows.get('digest:2026-11-29:g1')).toMatchObject({ sink: 'slack', externalId: `${channel}:${r1.ts}` });
  });

  it('edits instead of posting again when the store has the publication record', async () => {
    const publications = memoryPublications();
    const first = slackAgainst(fake, { publications }).chat;
    const parent = await first.upsertMessage(digestMessage(channel, 'k:parent'));
    await first.upsertMessage(digestMessage(channel, 'k:reply', parent.ts));
    const rerun = slackAgainst(fake, { publications }).chat;
    const before = fake.calls.length;

    const again = await rerun.upsertMessage({ ...digestMessage(channel, 'k:parent'), text: 'updated parent' });
    const reply = await rerun.upsertMessage({ ...digestMessage(channel, 'k:reply', parent.ts), text: 'updated reply' });

    expect(again).toMatchObject({ ts: parent.ts, created: false });
    expect(reply.created).toBe(false);
    expect(fake.calls.slice(before).map((c) => c.method)).toEqual(['chat.update', 'chat.update']);
    expect(fake.messages(channel).map((m) => m.text)).toEqual(['updated parent', 'updated reply']);
  });

  it('finds an earlier reply in a thread it has just read (listReplies) without reading the thread again', async () => {
    const first = slackAgainst(fake).chat;
    const parent = await first.upsertMessage(digestMessage(channel, 'k:parent'));
    const note = await first.upsertMessage(digestMessage(channel, 'k:note', parent.ts));
    for (let i = 0; i < 5; i++) fake.seed(channel, { user: 'UHUMAN', text: `reply ${i}`, thread_ts: parent.ts });
    const rerun = slackAgainst(fake).chat;
    await rerun.listReplies(channel, parent.ts);
    const reads = fake.callsOf('conversations.replies').length;

    const again = await rerun.upsertMessage({ ...digestMessage(channel, 'k:note', parent.ts), text: 'note, edited' });
    const other = await rerun.upsertMessage(digestMessage(channel, 'k:other', parent.ts));
    const otherAgain = await rerun.upsertMessage(digestMessage(channel, 'k:other', parent.ts));

    expect(again).toMatchObject({ ts: note.ts, created: false });
    expect([other.created, otherAgain.created, otherAgain.ts]).toEqual([true, false, other.ts]);
    expect(fake.callsOf('conversations.replies')).toHaveLength(reads);
    expect(fake.messages(channel).filter((m) => m.thread_ts === parent.ts && m.bot_id)).toHaveLength(2);
  });

  it('finds earlier messages by metadata (paginated history and replies) when there is no store record', async () => {
    const first = slackAgainst(fake).chat;
    const parent = await first.upsertMessage(digestMessage(channel, 'k:parent'));
    const reply = await first.upsertMessage(digestMessage(channel, 'k:reply-7', parent.ts));
    for (let i = 0; i < 7; i++) fake.seed(channel, { user: 'UHUMAN', text: `chatter ${i}` });
    for (let i = 0; i < 5; i++) fake.seed(channel, { user: 'UHUMAN', text: `reply ${i}`, thread_ts: parent.ts });
    const rerun = slackAgainst(fake).chat;

    const a = await rerun.upsertMessage({ ...digestMessage(channel, 'k:parent'), text: 'v2' });
    const b = await rerun.upsertMessage({ ...digestMessage(channel, 'k:reply-7', parent.ts), text: 'v2 reply' });

    expect([a.ts, a.created, b.ts, b.created]).toEqual([parent.ts, false, reply.ts, false]);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(2);
    expect(fake.callsOf('conversations.history').length).toBeGreaterThan(1);
    expect(fake.callsOf('conversations.history').every((c) => c.include_all_metadata === 'true' && c.oldest === String(1_700_000_000 - 8 * 86_400))).toBe(true);
    expect(fake.callsOf('conversations.replies').length).toBeGreaterThan(1);
  });

  it('does not adopt a message of another app that carries the same key', async () => {
    const { chat } = slackAgainst(fake);
    fake.seed(channel, { bot_id: 'BOTHER', text: 'impostor', metadata: { event_type: 'fleetops_publication', event_payload: { idempotency_key: 'k:parent' } } });

    const result = await chat.upsertMessage(digestMessage(channel, 'k:parent'));

    expect(result.created).toBe(true);
    expect(fake.callsOf('chat.update')).toHaveLength(0);
  });

  it('posts anew when the recorded message was deleted', async () => {
    const publications = memoryPublications();
    await publications.put({ key: 'k:gone', sink: 'slack', externalId: `${channel}:1699999999.000001`, contentHash: 'x', updatedAtMs: 0 });
    const { chat } = slackAgainst(fake, { publications });

    const result = await chat.upsertMessage(digestMessage(channel, 'k:gone'));

    expect(result.created).toBe(true);
    expect(publications.rows.get('k:gone')?.externalId).toBe(`${channel}:${result.ts}`);
  });

  it('posts a reply into the thread of a parent posted anew, not into the thread of the deleted one', async () => {
    const publications = memoryPublications();
    const first = slackAgainst(fake, { publications }).chat;
    const parent = await first.upsertMessage(digestMessage(channel, 'k:parent'));
    const reply = await first.upsertMessage(digestMessage(channel, 'k:reply', parent.ts));
    fake.remove(channel, parent.ts);
    const rerun = slackAgainst(fake, { publications }).chat;

    const newParent = await rerun.upsertMessage(digestMessage(channel, 'k:parent'));
    const newReply = await rerun.upsertMessage({ ...digestMessage(channel, 'k:reply', newParent.ts), text: 'v2 reply' });

    expect([newParent.created, newReply.created]).toEqual([true, true]);
    expect(fake.messages(channel).filter((m) => m.thread_ts === newParent.ts && m.ts !== newParent.ts).map((m) => m.text)).toEqual(['v2 reply']);
    expect(fake.messages(channel).find((m) => m.ts === reply.ts)).toMatchObject({ text: 'digest k:reply', thread_ts: parent.ts });
    expect(fake.messages(channel).find((m) => m.ts === reply.ts)).not.toHaveProperty('edited');
    expect(publications.rows.get('k:reply')?.externalId).toBe(`${channel}:${newReply.ts}`);
  });

  it('asks Slack for no link or media previews when it posts', async () => {
    const { chat } = slackAgainst(fake);

    const parent = await chat.upsertMessage(digestMessage(channel, 'k:unfurl'));
    await chat.upsertMessage(digestMessage(channel, 'k:unfurl-reply', parent.ts));

    const posts = fake.callsOf('chat.postMessage');
    expect(posts).toHaveLength(2);
    expect(posts.map((a) => [String(a.unfurl_links), String(a.unfurl_media)])).toEqual([['false', 'false'], ['false', 'false']]);
  });
});
