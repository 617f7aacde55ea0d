import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../../src/adapters/chat/outbox/index.js';
import { ThreadGoneError } from '../../../src/adapters/chat/types.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { fixedClock } from '../../../src/core/clock.js';
import { startSlackFake, type SlackFake } from '../../fakes/slack-fake.js';
import { digestMessage, slackAgainst } from './slack/setup.js';

const CHANNEL = '#fleet-availability';
const message = (text: string, key: string, threadTs?: string) => ({ channel: CHANNEL, text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }], idempotencyKey: key, threadTs });

describe('listReplies of a thread that is gone: ThreadGoneError, a Slack refusal (status 200)', () => {
  let fake: SlackFake | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('outbox: a thread with neither parent nor replies is gone; a parent without replies has none', async () => {
    const chat = createOutboxChat({ dir: mkdtempSync(join(tmpdir(), 'fleetops-outbox-')), clock: fixedClock(Date.UTC(2026, 10, 30)) });
    const parent = await chat.upsertMessage(message('parent', 'p'));

    const err = await chat.listReplies(CHANNEL, '1.000001').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ThreadGoneError);
    expect(err).toMatchObject({ channel: CHANNEL, threadTs: '1.000001', details: { service: 'outbox', status: 200, retryable: false } });
    expect(await chat.listReplies(CHANNEL, parent.ts)).toEqual([]);
  });

  it('Slack: thread_not_found, for a message deleted without replies', async () => {
    fake = await startSlackFake();
    const channel = fake.addChannel('fleet-availability');
    const { chat } = slackAgainst(fake);
    const parent = await chat.upsertMessage(digestMessage(channel, 'k'));
    fake.remove(channel, parent.ts);

    const err = await chat.listReplies(channel, parent.ts).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ThreadGoneError);
    expect(err).toBeInstanceOf(ExternalServiceError);
    expect(err).toMatchObject({ message: 'conversations.replies: thread_not_found', channel, threadTs: parent.ts, details: { service: 'slack', status: 200 } });
  });
});
