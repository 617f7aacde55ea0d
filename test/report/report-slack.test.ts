import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSlackChat } from '../../src/adapters/chat/slack/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { startSlackFake, type SlackFake } from '../fakes/slack-fake.js';
import { memoryStore, NOW_MS, runReport, tempDir, WEEK } from './report-fixtures.js';

describe('weekly report through @slack/web-api against the Slack fake', () => {
  let fake: SlackFake;
  let store: Store;
  let channel: string;
  let waitsMs: number[];

  const chat = () => createSlackChat({
    token: fake.token, apiUrl: fake.apiUrl, logger: silentLogger, clock: fixedClock(NOW_MS), publications: store.publications,
    sleep: async (ms) => void waitsMs.push(ms),
  });
  const run = () => runReport({ chat: chat(), docs: createFileDocWriter({ dir: join(tempDir(), 'docs') }), store, channel: '#fleet-oncall' });

  beforeEach(async () => {
    fake = await startSlackFake({ nowSeconds: NOW_MS / 1000 });
    channel = fake.addChannel('fleet-oncall');
    store = await memoryStore();
    waitsMs = [];
    const t = Date.UTC(2025, 4, 28, 14) / 1000;
    // Six threads (the fake pages by 3): two resolved by reaction or reply, one open, three quiet alert-bot posts.
    const open = fake.seed(channel, { ts: `${t}.000001`, user: 'UALICE', text: 'KubePodNotReady on c-eu-west-1-0042: catalog-web not starting' });
    fake.seed(channel, { ts: `${t + 300}.000001`, thread_ts: open, user: 'UBOB', text: 'looking; image pull backoff' });
    const byReaction = fake.seed(channel, { ts: `${t + 3600}.000001`, user: 'UCAROL', text: 'cert expiring on ingress', reactions: [{ name: 'white_check_mark', users: ['UBOB'], count: 1 }] });
    fake.seed(channel, { ts: `${t + 3900}.000001`, thread_ts: byReaction, user: 'UBOB', text: 'renewed' });
    const byReply = fake.seed(channel, { ts: `${t + 7200}.000001`, user: 'UDAN', text: 'disk pressure c-us-east-1-0001' });
    fake.seed(channel, { ts: `${t + 9000}.000001`, thread_ts: byReply, user: 'UALICE', text: 'Resolved after log rotation' });
    for (let i = 0; i < 3; i++) fake.seed(channel, { ts: `${t + 10_000 + i}.000001`, bot_id: 'BALERTMANAGER', subtype: 'bot_message', text: `[FIRING] CPUThrottlingHigh ${i}` });
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('reads the threads (paginated), posts the message and uploads the chart into its thread', async () => {
    const { job, out } = await run();

    expect(job.exitCode).toBe(0);
    expect(out?.report.threads).toMatchObject({ total: 6, resolved: 2 });
    expect(out?.report.threads?.open.map((t) => t.title)).toContain('KubePodNotReady on c-eu-west-1-0042: catalog-web not starting');
    expect(fake.callsOf('conversations.history').length).toBeGreaterThan(1);
    const [post] = fake.callsOf('chat.postMessage');
    expect(post.metadata).toEqual({ event_type: expect.any(String), event_payload: { idempotency_key: `oncall-report:${WEEK}` } });
    expect(JSON.stringify(post.blocks)).toContain(out!.summary.doc!.url);
    expect(JSON.stringify(post.blocks)).toContain('KubePodNotReady on c-eu-west-1-0042');
    const files = [...fake.files.values()];
    expect(files).toHaveLength(1);
    expect(files[0]).toMatchObject({ filename: `alert-trend-${WEEK}.png`, channel, threadTs: out!.summary.slack!.ts });
    expect(files[0].data?.subarray(1, 4).toString()).toBe('PNG');
    expect(files[0].data!.length).toBeGreaterThan(10_000);
  });

  it('updates the same message on a rerun and does not post or upload again', async () => {
    const first = await run();

    const second = await run();

    expect(second.out?.summary.slack).toEqual({ channel, ts: first.out!.summary.slack!.ts, created: false });
    expect(fake.callsOf('chat.postMessage')).toHaveLength(1);
    expect(fake.callsOf('chat.update')).toHaveLength(1);
    expect(fake.callsOf('files.completeUploadExternal')).toHaveLength(1);
    expect(second.out?.report.threads?.total).toBe(6);
  });

  it('replaces the chart of a run that had a source down: the thread keeps one chart, the new one', async () => {
    const down = { listEpisodes: async () => { throw new Error('prometheus down'); } };
    const first = await runReport({ alerts: down, chat: chat(), docs: createFileDocWriter({ dir: join(tempDir(), 'docs') }), store, channel: '#fleet-oncall' });

    const second = await run();

    expect([first.job.exitCode, second.job.exitCode]).toEqual([1, 0]);
    expect(second.out?.summary.slack?.created).toBe(false);
    const charts = [...fake.files.values()].filter((f) => f.threadTs === second.out!.summary.slack!.ts);
    expect(charts.map((f) => f.id)).toEqual([second.out!.summary.chart!.fileId]);
    expect(fake.callsOf('files.delete').map((c) => c.file)).toEqual([first.out!.summary.chart!.fileId]);
    expect(fake.messages(channel).filter((m) => m.files)).toHaveLength(1);
  });

  it('waits out a 429 on chat.postMessage and still posts once', async () => {
    fake.rateLimit('chat.postMessage', 1, 3);

    const { job } = await run();

    expect(job.exitCode).toBe(0);
    expect(waitsMs).toContain(3000);
    expect(fake.messages(channel).filter((m) => m.metadata)).toHaveLength(1);
  });

  it('records a failed upload as a failed part, keeping the message', async () => {
    fake.failWith('files.getUploadURLExternal', 'not_allowed_token_type');

    const { job, out } = await run();

    expect(job.exitCode).toBe(1);
    expect(job.failures.map((f) => f.part)).toEqual(['sink:slack-chart']);
    expect(out?.summary.slack?.created).toBe(true);
  });
});
