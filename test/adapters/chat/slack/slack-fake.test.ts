import { LogLevel, WebClient } from '@slack/web-api';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startSlackFake, type SlackFake } from '../../../fakes/slack-fake.js';

describe('the Slack fake itself', () => {
  let fake: SlackFake;
  const client = (token: string) => new WebClient(token, { slackApiUrl: fake.apiUrl, retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, logLevel: LogLevel.ERROR });

  beforeEach(async () => {
    fake = await startSlackFake();
  });
  afterEach(async () => {
    await fake.close();
  });

  it('records unknown methods so the test can fail on them', async () => {
    const err = await client(fake.token).apiCall('chat.scheduleMessage', { channel: 'C1' }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(Error);
    expect(fake.unexpected).toEqual(['chat.scheduleMessage']);
  });

  it.each([
    { token: '', error: 'not_authed' },
    { token: 'xoxb-other', error: 'invalid_auth' },
  ])('checks the bearer token ($error)', async ({ token, error }) => {
    const err = await client(token).apiCall('auth.test').catch((e: { data?: { error?: string } }) => e);

    expect(err).toMatchObject({ data: { error } });
  });

  it('shows a thread parent as Slack does: thread_ts, reply_count, reply_users and latest_reply, in history and replies', async () => {
    const channel = fake.addChannel('c');
    const parent = fake.seed(channel, { user: 'U1', text: 'parent' });
    fake.seed(channel, { user: 'U2', text: 'r1', thread_ts: parent });
    const latest = fake.seed(channel, { user: 'U2', text: 'r2', thread_ts: parent });
    const c = client(fake.token);

    const history = (await c.apiCall('conversations.history', { channel })) as { messages?: unknown[] };
    const replies = (await c.apiCall('conversations.replies', { channel, ts: parent })) as { messages?: unknown[] };

    const shown = { ts: parent, thread_ts: parent, reply_count: 2, reply_users_count: 1, reply_users: ['U2'], latest_reply: latest };
    expect(history.messages).toEqual([expect.objectContaining(shown)]);
    expect(replies.messages?.[0]).toMatchObject(shown);
    expect(replies.messages?.[1]).not.toHaveProperty('reply_count');
  });

  it('leaves a deleted thread parent as a tombstone with its replies, as Slack does; a message without replies goes', async () => {
    const channel = fake.addChannel('c');
    const lone = fake.seed(channel, { user: 'U1', text: 'lone' });
    const parent = fake.seed(channel, { user: 'U1', text: 'parent' });
    const reply = fake.seed(channel, { user: 'U2', text: 'r1', thread_ts: parent });
    const c = client(fake.token);

    fake.remove(channel, lone);
    fake.remove(channel, parent);
    const history = (await c.apiCall('conversations.history', { channel })) as { messages?: unknown[] };
    const replies = (await c.apiCall('conversations.replies', { channel, ts: parent })) as { messages?: unknown[] };

    const tombstone = { ts: parent, thread_ts: parent, subtype: 'tombstone', user: 'USLACKBOT', hidden: true, text: 'This message was deleted.', reply_count: 1 };
    expect(history.messages).toEqual([expect.objectContaining(tombstone)]);
    expect(replies.messages).toEqual([expect.objectContaining(tombstone), expect.objectContaining({ ts: reply, text: 'r1' })]);
  });

  it('answers 429 to every call of a method past an allowance, until lifted', async () => {
    fake.rateLimitAfter('auth.test', 1, 60);
    const c = client(fake.token);

    const results = [];
    for (let i = 0; i < 3; i++) results.push(...(await Promise.allSettled([c.apiCall('auth.test')])));
    fake.rateLimitAfter('auth.test', Infinity, 0);
    results.push(...(await Promise.allSettled([c.apiCall('auth.test')])));

    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'rejected', 'fulfilled']);
    expect(results[1]).toMatchObject({ reason: { retryAfter: 60 } });
  });

  it('answers 429 with Retry-After for the next N calls only', async () => {
    fake.rateLimit('auth.test', 2, 5);
    const c = client(fake.token);

    const results: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < 3; i++) results.push(...(await Promise.allSettled([c.apiCall('auth.test')])));

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(results[0]).toMatchObject({ reason: { retryAfter: 5 } });
  });
});
