import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../../../src/adapters/chat/outbox/index.js';
import { fixedClock } from '../../../../src/core/clock.js';

const CHANNEL = '#fleet-oncall';

function outbox(botUserId?: string) {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-outbox-files-'));
  return createOutboxChat({ dir, clock: fixedClock(Date.UTC(2026, 10, 30)), botUserId });
}

describe('outbox chat: files in a thread, as Slack lists them', () => {
  it('lists an uploaded file on its reply with name, title and fleetops as uploader, in replies and history', async () => {
    const chat = outbox('UBOT');
    const parent = await chat.upsertMessage({ channel: CHANNEL, text: 'report', blocks: [], idempotencyKey: 'k' });

    const { fileId } = await chat.uploadFile({ channel: CHANNEL, threadTs: parent.ts, filename: 'chart.png', title: 'Chart', data: new Uint8Array([1]) });

    const file = { fileId, filename: 'chart.png', title: 'Chart', user: 'UBOT' };
    expect((await chat.listReplies(CHANNEL, parent.ts)).map((m) => m.files)).toEqual([[file]]);
    expect((await chat.history(CHANNEL, { oldestTs: '0', latestTs: '9999999999' })).map((m) => m.files)).toEqual([undefined, [file]]);
    expect(await chat.selfUserId()).toBe('UBOT');
  });

  it("names fleetops as uploader of a file written before replies carried a user, and keeps a person's", async () => {
    const chat = outbox();
    const parent = await chat.upsertMessage({ channel: CHANNEL, text: 'report', blocks: [], idempotencyKey: 'k' });
    chat.appendReply(CHANNEL, { threadTs: parent.ts, botId: 'BFLEETOPS', text: 'Chart', files: [{ fileId: 'FOLD', filename: 'chart.png', title: 'Chart' }] });
    chat.appendReply(CHANNEL, { threadTs: parent.ts, user: 'UALICE', text: 'mine', files: [{ fileId: 'FALICE', filename: 'chart.png' }] });

    const replies = await chat.listReplies(CHANNEL, parent.ts);

    expect(replies.map((m) => m.files?.map((f) => [f.fileId, f.user]))).toEqual([[['FOLD', 'UFLEETOPS']], [['FALICE', 'UALICE']]]);
  });

  it('deletes a listed file: the reply that carried it is gone from the thread', async () => {
    const chat = outbox();
    const parent = await chat.upsertMessage({ channel: CHANNEL, text: 'report', blocks: [], idempotencyKey: 'k' });
    const { fileId } = await chat.uploadFile({ channel: CHANNEL, threadTs: parent.ts, filename: 'chart.png', title: 'Chart', data: new Uint8Array([1]) });
    const [listed] = (await chat.listReplies(CHANNEL, parent.ts)).flatMap((m) => m.files ?? []);

    await chat.deleteFile(listed.fileId);

    expect(listed.fileId).toBe(fileId);
    expect(await chat.listReplies(CHANNEL, parent.ts)).toEqual([]);
  });
});
