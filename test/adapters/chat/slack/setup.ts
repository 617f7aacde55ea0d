import { fixedClock } from '../../../../src/core/clock.js';
import { silentLogger } from '../../../../src/core/logger.js';
import { createSlackChat, type SlackChatOptions } from '../../../../src/adapters/chat/slack/index.js';
import type { PublicationRepo, PublicationRow } from '../../../../src/adapters/store/types.js';
import type { SlackFake } from '../../../fakes/slack-fake.js';

export const NOW_MS = 1_700_000_000_000;

export function memoryPublications(): PublicationRepo & { rows: Map<string, PublicationRow> } {
  const rows = new Map<string, PublicationRow>();
  return { rows, get: async (key) => rows.get(key), put: async (p) => void rows.set(p.key, p) };
}

/** A SlackChat against the fake, with a recording sleep (waits are asserted, never slept). */
export function slackAgainst(fake: SlackFake, extra: Partial<SlackChatOptions> = {}) {
  const waitsMs: number[] = [];
  const chat = createSlackChat({
    token: fake.token, apiUrl: fake.apiUrl, logger: silentLogger, clock: fixedClock(NOW_MS),
    sleep: async (ms) => void waitsMs.push(ms), ...extra,
  });
  return { chat, waitsMs };
}

export function digestMessage(channel: string, key: string, threadTs?: string) {
  return { channel, threadTs, idempotencyKey: key, text: `digest ${key}`, blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `*${key}*` } }] };
}
