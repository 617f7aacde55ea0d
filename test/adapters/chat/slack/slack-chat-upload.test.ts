import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalServiceError } from '../../../../src/core/errors.js';
import { startSlackFake, type SlackFake } from '../../../fakes/slack-fake.js';
import { slackAgainst } from './setup.js';

describe('createSlackChat uploadFile: files.uploadV2 is not idempotent', () => {
  let fake: SlackFake;
  let channel: string;
  let parent: string;

  const upload = (chat: ReturnType<typeof slackAgainst>['chat']) =>
    chat.uploadFile({ channel: '#fleet-oncall', threadTs: parent, filename: 'chart.png', title: 'Availability', data: new Uint8Array([0x89, 0x50, 0x4e, 0x47]) });
  const sharedFiles = () => fake.messages(channel).flatMap((m) => m.files ?? []);

  beforeEach(async () => {
    fake = await startSlackFake({ pageSize: 3 });
    channel = fake.addChannel('fleet-oncall');
    parent = fake.seed(channel, { bot_id: 'BFLEETBOT', text: 'weekly report' });
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it.each([
    ['a 503', 503 as const, /^files\.uploadV2: HTTP 503 after 1 attempts; .*not retried, as it may have taken effect$/],
    ['a reset connection', 'reset' as const, /^files\.uploadV2: request failed .*not retried, as it may have taken effect$/],
  ])('does not upload again after completeUploadExternal shared the file but its answer was lost (%s)', async (_, loss, message) => {
    fake.loseAnswer('files.completeUploadExternal', 1, loss);
    const { chat, waitsMs } = slackAgainst(fake);

    const err = await upload(chat).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toMatch(message);
    expect(fake.callsOf('files.getUploadURLExternal')).toHaveLength(1);
    expect(fake.callsOf('files.completeUploadExternal')).toHaveLength(1);
    expect(sharedFiles()).toHaveLength(1);
    expect(waitsMs).toEqual([]);
  });

  it.each(['files.getUploadURLExternal', 'files.completeUploadExternal'])('retries a 429 on %s (Slack refused it, nothing was shared) and shares one copy', async (method) => {
    fake.rateLimit(method, 1, 2);
    const { chat, waitsMs } = slackAgainst(fake);

    const { fileId } = await upload(chat);

    expect(waitsMs).toEqual([2000]);
    expect(sharedFiles().map((f) => f.id)).toEqual([fileId]);
  });

  it('lists the files a reply carries with name, title and uploader, and a deleted file by its id', async () => {
    const { chat } = slackAgainst(fake);
    const { fileId } = await upload(chat);
    fake.seed(channel, { user: 'UALICE', text: '', thread_ts: parent, files: [{ id: 'FALICE', name: 'chart.png', title: 'mine', user: 'UALICE' }, { id: 'FGONE' }] });

    const replies = await chat.listReplies(channel, parent);

    expect(replies.map((r) => r.files)).toEqual([
      [{ fileId, filename: 'chart.png', title: 'Availability', user: 'UFLEETBOT' }],
      [{ fileId: 'FALICE', filename: 'chart.png', title: 'mine', user: 'UALICE' }, { fileId: 'FGONE' }],
    ]);
  });
});
