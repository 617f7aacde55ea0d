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

  it('answers 429 with Retry-After for the next N calls only', async () => {
    fake.rateLimit('auth.test', 2, 5);
    const c = client(fake.token);

    const results: PromiseSettledResult<unknown>[] = [];
    for (let i = 0; i < 3; i++) results.push(...(await Promise.allSettled([c.apiCall('auth.test')])));

    expect(results.map((r) => r.status)).toEqual(['rejected', 'rejected', 'fulfilled']);
    expect(results[0]).toMatchObject({ reason: { retryAfter: 5 } });
  });
});
