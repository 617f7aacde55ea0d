import { afterEach, describe, expect, it } from 'vitest';
import { createSlackChat } from '../../src/adapters/chat/slack/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { availabilityDigestJob } from '../../src/digest/availability-digest-job.js';
import { startSlackFake, validateBlocks, type SlackFake } from '../fakes/slack-fake.js';
import { DAY, dipFindings, END_MS, handEngine, harness, NOW_MS, type Harness } from './digest-fixtures.js';
import { fixedClock } from '../../src/core/clock.js';
import type { Store } from '../../src/adapters/store/types.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';

let fake: SlackFake | undefined;
let h: Harness | undefined;
afterEach(async () => {
  expect(fake?.unexpected ?? []).toEqual([]);
  await fake?.close();
  await h?.store.close();
  fake = undefined;
  h = undefined;
});

async function setup(groups: number, perGroup: number) {
  fake = await startSlackFake({ pageSize: 50 });
  const channelId = fake.addChannel('fleet-availability');
  const waitsMs: number[] = [];
  const f = fake;
  const chat = (store: Store) => createSlackChat({ token: f.token, apiUrl: f.apiUrl, logger: silentLogger, clock: fixedClock(NOW_MS), publications: store.publications, sleep: async (ms) => void waitsMs.push(ms) });
  h = await harness({ findings: dipFindings(groups, perGroup), clusterCount: groups * perGroup, chat });
  return { fake: f, h, channelId, waitsMs };
}

const run = (hh: Harness, engine = handEngine()) => hh.run((ctx) => availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine }));

describe('availability digest on Slack (@slack/web-api against the local fake)', () => {
  it('posts one parent and threads one reply per group, waiting out a 429 with Retry-After', async () => {
    const s = await setup(3, 2);
    s.fake.rateLimit('chat.postMessage', 1, 7);

    const result = await run(s.h);

    expect(result.exitCode).toBe(0);
    expect(s.waitsMs).toContain(7000);
    const msgs = s.fake.messages(s.channelId);
    const parents = msgs.filter((m) => !m.thread_ts);
    expect(parents).toHaveLength(1);
    expect(msgs.filter((m) => m.thread_ts === parents[0].ts)).toHaveLength(3);
    expect(msgs.map((m) => m.metadata?.event_payload.idempotency_key).sort()).toEqual([`digest:${DAY}:group:g-0`, `digest:${DAY}:group:g-1`, `digest:${DAY}:group:g-2`, `digest:${DAY}:parent`]);
  });

  it('edits every message on a rerun instead of posting again', async () => {
    const s = await setup(2, 2);
    await run(s.h);
    const posted = s.fake.callsOf('chat.postMessage').length;

    const result = await run(s.h);

    expect(result.exitCode).toBe(0);
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(posted);
    expect(s.fake.callsOf('chat.update')).toHaveLength(3);
    expect(s.fake.messages(s.channelId)).toHaveLength(3);
    expect(s.fake.messages(s.channelId).every((m) => m.edited)).toBe(true);
  });

  it('on a busy day posts the first 25 groups (the default digest.maxThreadReplies) and one last reply for the rest, all valid blocks', async () => {
    const s = await setup(60, 1);

    const result = await run(s.h);

    expect(result.failures).toEqual([]);
    const msgs = s.fake.messages(s.channelId);
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(27);
    expect(msgs.at(-1)?.metadata?.event_payload.idempotency_key).toBe(`digest:${DAY}:more`);
    expect(JSON.stringify(msgs.at(-1)?.blocks)).toContain('35 more incident groups');
    expect(msgs.flatMap((m) => validateBlocks(m.blocks))).toEqual([]);
  });

  it('fuzz: 200 groups with 10,000-character excerpts never produce invalid_blocks', async () => {
    const s = await setup(200, 1);
    s.h.deps.config = FleetopsConfig.parse({ digest: { maxThreadReplies: 200 } });
    const nasty = ['<!channel>', '<https://evil.example|click>', '&amp;', '@here', '```', '*_~', '\u0000', '😀', '\uD800', 'x'.repeat(97)];
    const noise = (i: number) => Array.from({ length: 10_000 }, (_, k) => nasty[(k * 7 + i) % nasty.length][k % 3] ?? 'y').join('').slice(0, 10_000);
    const engine = handEngine({
      excerpt: noise,
      rca: (_g, ev, i) => ({
        missing: [noise(i + 1)],
        rejected: Array.from({ length: 8 }, () => ({ text: noise(i + 2), evidenceIds: [ev[0].id] })),
        top: { failureMode: noise(i + 3).slice(0, 500), entity: { component: noise(i + 4) }, score: 1, supporting: Array.from({ length: 12 }, () => ({ text: noise(i), evidenceIds: [ev[0].id, ev[1].id] })), contradicting: [] },
      }),
    });

    const result = await run(s.h, engine);

    expect(result.failures).toEqual([]);
    expect(s.fake.callsOf('chat.postMessage')).toHaveLength(201);
    expect(s.fake.messages(s.channelId)).toHaveLength(201);
    expect(s.fake.messages(s.channelId).flatMap((m) => validateBlocks(m.blocks))).toEqual([]);
    const text = JSON.stringify(s.fake.messages(s.channelId).map((m) => m.blocks));
    expect(text).not.toContain('<!channel>');
    expect(text).not.toContain('<https://evil.example');
  }, 120_000);
});
