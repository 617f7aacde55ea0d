import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ExternalServiceError } from '../../../../src/core/errors.js';
import { startSlackFake, type SlackFake } from '../../../fakes/slack-fake.js';
import { digestMessage, slackAgainst } from './setup.js';

describe('createSlackChat retries and errors', () => {
  let fake: SlackFake;
  let channel: string;

  beforeEach(async () => {
    fake = await startSlackFake({ pageSize: 3 });
    channel = fake.addChannel('fleet-availability');
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('retries a 429 after the Retry-After delay and posts once', async () => {
    fake.rateLimit('chat.postMessage', 2, 7);
    const { chat, waitsMs } = slackAgainst(fake);

    const result = await chat.upsertMessage(digestMessage(channel, 'k:rl'));

    expect(result.created).toBe(true);
    expect(waitsMs).toEqual([7000, 7000]);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(3);
    expect(fake.messages(channel)).toHaveLength(1);
  });

  it('retries 5xx with exponential backoff on each page of a paginated read', async () => {
    for (let i = 0; i < 5; i++) fake.seed(channel, { user: 'U1', text: `m${i}` });
    fake.failHttp('conversations.history', 2, 503);
    const { chat, waitsMs } = slackAgainst(fake);

    const messages = await chat.history(channel, { oldestTs: '0', latestTs: '9999999999' });

    expect(messages).toHaveLength(5);
    expect(waitsMs).toEqual([1000, 2000]);
  });

  it('gives up after maxRetries with a retryable ExternalServiceError', async () => {
    fake.rateLimit('users.info', 10, 1);
    fake.addUser({ id: 'U1' });
    const { chat, waitsMs } = slackAgainst(fake, { maxRetries: 2 });

    const err = await chat.getUser('U1').catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect(err).toMatchObject({ message: expect.stringMatching(/^users\.info: rate limited after 3 attempts/), details: { service: 'slack', status: 429, retryable: true } });
    expect(waitsMs).toEqual([1000, 1000]);
  });

  it.each([
    { name: 'unknown channel id', act: (f: SlackFake) => slackAgainst(f).chat.upsertMessage(digestMessage('C0NOTHERE1', 'k')), message: /^conversations\.history: channel_not_found/ },
    { name: 'unknown channel name', act: (f: SlackFake) => slackAgainst(f).chat.upsertMessage(digestMessage('#nope', 'k')), message: /^conversations\.list: channel_not_found/ },
    { name: 'unknown user', act: (f: SlackFake) => slackAgainst(f).chat.getUser('UNOBODY'), message: /^users\.info: user_not_found$/ },
    { name: 'unknown user group', act: (f: SlackFake) => slackAgainst(f).chat.listGroupMembers('S0NONE'), message: /^usergroups\.users\.list: no_such_subteam$/ },
    { name: 'bad token', act: (f: SlackFake) => slackAgainst(f, { token: 'xoxb-wrong' }).chat.getUser('U1'), message: /^users\.info: invalid_auth \(check the Slack bot token\)$/ },
    { name: 'missing thread', act: (f: SlackFake) => slackAgainst(f).chat.listReplies('C00000001', '1.000001'), message: /^conversations\.replies: thread_not_found$/ },
  ])('maps {ok:false} to ExternalServiceError naming method and code: $name', async ({ act, message }) => {
    const err = await act(fake).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toMatch(message);
    expect((err as ExternalServiceError).details).toMatchObject({ service: 'slack', retryable: false });
  });

  it.each([
    { name: '51 blocks', blocks: Array.from({ length: 51 }, () => ({ type: 'divider' })) },
    { name: 'a 3,001-character section', blocks: [{ type: 'section', text: { type: 'mrkdwn', text: 'x'.repeat(3001) } }] },
    { name: 'a 151-character header', blocks: [{ type: 'header', text: { type: 'plain_text', text: 'h'.repeat(151) } }] },
    { name: '11 fields', blocks: [{ type: 'section', fields: Array.from({ length: 11 }, () => ({ type: 'mrkdwn', text: 'f' })) }] },
  ])('reports invalid_blocks with Slack\'s pointer for $name, without retrying', async ({ blocks }) => {
    const { chat, waitsMs } = slackAgainst(fake);

    const err = await chat.upsertMessage({ ...digestMessage(channel, 'k:bad'), blocks }).catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/^chat\.postMessage: invalid_blocks \(\[ERROR\] .*json-pointer:\/blocks/);
    expect(waitsMs).toEqual([]);
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
  });

  it('reports no_text when a message has neither text nor blocks', async () => {
    const { chat } = slackAgainst(fake);

    const err = await chat.upsertMessage({ channel, idempotencyKey: 'k', text: '', blocks: undefined as unknown as [] }).catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/^chat\.postMessage: no_text$/);
  });

  it('does not wait for a Retry-After longer than a run waits: the call fails at once, retryable', async () => {
    fake.rateLimit('users.info', 1, 120);
    fake.addUser({ id: 'U1' });
    const { chat, waitsMs } = slackAgainst(fake);

    const err = await chat.getUser('U1').catch((e: unknown) => e);

    expect(err).toMatchObject({ message: 'users.info: rate limited after 1 attempts; retry later; Slack asked to wait 120 s, longer than a run waits (30 s): not retried', details: { status: 429, retryable: true } });
    expect(waitsMs).toEqual([]);
    expect(fake.callsOf('users.info')).toHaveLength(1);
  });

  it('stops waiting when the job deadline aborts', async () => {
    fake.rateLimit('users.info', 10, 30);
    fake.addUser({ id: 'U1' });
    const controller = new AbortController();
    const { chat } = slackAgainst(fake, { signal: controller.signal, sleep: async () => controller.abort(new Error('deadline')) });

    const err = await chat.getUser('U1').catch((e: unknown) => e);

    expect((err as Error).message).toBe('deadline');
    expect(fake.callsOf('users.info')).toHaveLength(1);
  });
});
