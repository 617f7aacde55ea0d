import type { WebClient } from '@slack/web-api';
import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { createSlackCaller } from '../../../../src/adapters/chat/slack/slack-call.js';
import { ExternalServiceError } from '../../../../src/core/errors.js';
import { silentLogger } from '../../../../src/core/logger.js';

const PostAnswer = z.object({ ok: z.literal(true), ts: z.string().min(1), channel: z.string() });

describe('createSlackCaller', () => {
  it('names the field of an answer of an unexpected shape, in words', async () => {
    const client = { apiCall: async () => ({ ok: true, ts: 1700000000.1, channel: 'C1' }) } as unknown as WebClient;
    const caller = createSlackCaller({ client, logger: silentLogger, sleep: async () => {}, maxRetries: 0, maxDelayMs: 1000 });

    const err = await caller.call('chat.postMessage', {}, PostAnswer).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    // before: `chat.postMessage: unexpected response shape (Invalid input: expected string, received number); …`
    expect((err as Error).message).toBe('chat.postMessage: unexpected response shape (ts: expected a string, found number 1700000000.1); check the Slack API URL');
  });
});
