import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../../../src/adapters/chat/outbox/index.js';
import { fixedClock } from '../../../../src/core/clock.js';

function outbox() {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-outbox-'));
  return { dir, chat: createOutboxChat({ dir, clock: fixedClock(Date.UTC(2026, 10, 30)) }) };
}

const message = (text: string, key: string, threadTs?: string) => ({ channel: '#fleet-availability', text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }], idempotencyKey: key, threadTs });

describe('outbox chat', () => {
  it('edits the message with the same idempotency key instead of posting again', async () => {
    const { chat } = outbox();

    const first = await chat.upsertMessage(message('v1', 'digest:2026-11-29:parent'));
    const second = await chat.upsertMessage(message('v2', 'digest:2026-11-29:parent'));

    expect(first.created).toBe(true);
    expect(second).toMatchObject({ created: false, ts: first.ts });
    expect(chat.readAll('#fleet-availability').map((m) => m.text)).toEqual(['v2']);
  });

  it('keeps thread replies in order with strictly increasing ts', async () => {
    const { chat } = outbox();
    const parent = await chat.upsertMessage(message('parent', 'p'));

    await chat.upsertMessage(message('r1', 'r1', parent.ts));
    chat.appendReply('#fleet-availability', { threadTs: parent.ts, user: 'U1', text: 'approve abcd1234' });
    const replies = await chat.listReplies('#fleet-availability', parent.ts);

    expect(replies.map((r) => r.text)).toEqual(['r1', 'approve abcd1234']);
    expect(replies[0].ts < replies[1].ts).toBe(true);
  });

  it('history gives thread parents their reply count and latest reply, as Slack does', async () => {
    const { chat } = outbox();
    const parent = await chat.upsertMessage(message('parent', 'p'));
    const quiet = await chat.upsertMessage(message('no replies', 'q'));
    chat.appendReply('#fleet-availability', { threadTs: parent.ts, user: 'U1', text: 'looking' });
    const latest = chat.appendReply('#fleet-availability', { threadTs: parent.ts, user: 'U2', text: 'approve abcd1234' });

    const messages = await chat.history('#fleet-availability', { oldestTs: parent.ts, latestTs: quiet.ts });

    expect(messages.map((m) => [m.text, m.replyCount, m.latestReplyTs])).toEqual([['parent', 2, latest], ['no replies', undefined, undefined]]);
    expect(chat.readAll('#fleet-availability')[0]).not.toHaveProperty('replyCount');
  });

  it('never lets message text inject markup into the HTML preview', async () => {
    const { chat, dir } = outbox();

    await chat.upsertMessage(message('<script>alert(1)</script>', 'x'));
    const html = readFileSync(join(dir, 'index.html'), 'utf8');

    expect(html).not.toContain('<script>alert(1)');
  });

  it('deletes an uploaded file with the message that carried it, and ignores one already gone', async () => {
    const { dir, chat } = outbox();
    const parent = await chat.upsertMessage(message('parent', 'p'));
    const old = await chat.uploadFile({ channel: '#fleet-availability', threadTs: parent.ts, filename: 'chart.png', title: 'old chart', data: new Uint8Array([1]) });
    const kept = await chat.uploadFile({ channel: '#fleet-availability', threadTs: parent.ts, filename: 'chart.png', title: 'new chart', data: new Uint8Array([2]) });

    await chat.deleteFile(old.fileId);
    await chat.deleteFile(old.fileId);

    expect(chat.readAll('#fleet-availability').map((m) => m.text)).toEqual(['parent', 'new chart']);
    expect(readdirSync(join(dir, 'files'))).toEqual([`${kept.fileId}-chart.png`]);
  });

  it('treats unknown users as not full members', async () => {
    const { chat } = outbox();

    expect((await chat.getUser('U404')).isFullMember).toBe(false);
  });
});
