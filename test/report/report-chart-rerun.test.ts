import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AlertHistory } from '../../src/adapters/alerts/types.js';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createSlackChat } from '../../src/adapters/chat/slack/index.js';
import type { ChatChannel } from '../../src/adapters/chat/types.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { runJob } from '../../src/core/run-job.js';
import { oncallReportJob, type OncallReportResult } from '../../src/report/oncall-report-job.js';
import { ReportConfig } from '../../src/report/report-config.js';
import { startSlackFake, type SlackFake } from '../fakes/slack-fake.js';
import { memoryStore, NOW_MS, simulatedAlerts, tempDir, WEEK } from './report-fixtures.js';

const CHART = `alert-trend-${WEEK}.png`;
const down: AlertHistory = { listEpisodes: async () => { throw new Error('prometheus down'); } };

/** runReport with a logger that keeps the warnings. */
async function run(chat: ChatChannel, store: Store, alerts: AlertHistory = simulatedAlerts) {
  const warnings: string[] = [];
  const logger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push((JSON.parse(line) as { msg: string }).msg) });
  let out: OncallReportResult | undefined;
  const deps = { alerts, chat, docs: createFileDocWriter({ dir: join(tempDir(), 'docs') }), store, config: ReportConfig.parse({}), oncallChannel: '#fleet-oncall' };
  const job = await runJob({ job: 'oncall-report', logger, clock: fixedClock(NOW_MS), deadlineSeconds: 120, store }, async (ctx) => {
    out = await oncallReportJob(deps, ctx, { nowMs: NOW_MS });
    return { ...out.summary };
  });
  return { job, out, warnings };
}

/** The next put of the chart's publication record fails, as when the run dies between upload and record. */
function failNextChartRecord(store: Store): void {
  const put = store.publications.put.bind(store.publications);
  let armed = true;
  store.publications.put = async (p) => {
    if (armed && p.key.endsWith(':chart')) {
      armed = false;
      throw new Error('database is locked');
    }
    return put(p);
  };
}

describe('weekly report chart: a rerun leaves one chart in the thread (Slack fake)', () => {
  let fake: SlackFake;
  let store: Store;
  let channel: string;

  const chat = () => createSlackChat({ token: fake.token, apiUrl: fake.apiUrl, logger: pino({ level: 'silent' }), clock: fixedClock(NOW_MS), publications: store.publications, sleep: async () => {} });
  const threadFiles = (ts: string) => fake.messages(channel).filter((m) => m.thread_ts === ts).flatMap((m) => m.files ?? []).map((f) => f.id);

  beforeEach(async () => {
    fake = await startSlackFake({ nowSeconds: NOW_MS / 1000 });
    channel = fake.addChannel('fleet-oncall');
    store = await memoryStore();
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('does not share a second copy when completeUploadExternal answered 503 after sharing, and the rerun removes both older charts', async () => {
    const first = await run(chat(), store, down);
    const ts = first.out!.summary.slack!.ts;
    fake.loseAnswer('files.completeUploadExternal', 1, 503);

    const second = await run(chat(), store);
    const afterSecond = threadFiles(ts);
    const third = await run(chat(), store);

    expect([first.job.exitCode, second.job.exitCode, third.job.exitCode]).toEqual([1, 1, 0]);
    expect(second.job.failures.map((f) => f.part)).toEqual(['sink:slack-chart']);
    expect(fake.callsOf('files.completeUploadExternal')).toHaveLength(3);
    // the failed run keeps the recorded chart; the copy it shared unknowingly is the only extra one
    expect(afterSecond).toHaveLength(2);
    expect(afterSecond[0]).toBe(first.out!.summary.chart!.fileId);
    expect(third.out?.summary.chart?.uploaded).toBe(true);
    expect(threadFiles(ts)).toEqual([third.out!.summary.chart!.fileId]);
    expect(fake.callsOf('files.delete').map((c) => c.file).sort()).toEqual([...afterSecond].sort());
  });

  it('removes the chart of a run whose publication record was not written: the rerun leaves one chart', async () => {
    failNextChartRecord(store);
    const first = await run(chat(), store);
    const ts = first.out!.summary.slack!.ts;
    const orphan = threadFiles(ts);

    const second = await run(chat(), store);

    expect(first.job.failures.map((f) => f.part)).toEqual(['sink:slack-chart']);
    expect(orphan).toHaveLength(1);
    expect(second.job.exitCode).toBe(0);
    expect(second.out?.summary.chart).toEqual({ fileId: expect.not.stringMatching(orphan[0]), uploaded: true });
    expect(threadFiles(ts)).toEqual([second.out!.summary.chart!.fileId]);
    expect(fake.callsOf('files.delete').map((c) => c.file)).toEqual(orphan);
  });

  it("never deletes a person's file of the same name, nor another file of ours", async () => {
    const first = await run(chat(), store, down);
    const ts = first.out!.summary.slack!.ts;
    fake.seed(channel, { user: 'UALICE', thread_ts: ts, text: 'my own take', files: [{ id: 'FALICE', name: CHART, title: 'alice', user: 'UALICE' }] });
    fake.seed(channel, { user: fake.bot.userId, bot_id: fake.bot.botId, thread_ts: ts, text: '', files: [{ id: 'FOTHER', name: 'alert-trend-2025-05-19.png', user: fake.bot.userId }] });

    const second = await run(chat(), store);

    expect(second.job.exitCode).toBe(0);
    expect(threadFiles(ts)).toEqual(['FALICE', 'FOTHER', second.out!.summary.chart!.fileId]);
    expect(fake.callsOf('files.delete').map((c) => c.file)).toEqual([first.out!.summary.chart!.fileId]);
  });

  it('logs a cleanup that failed as a warning and still succeeds; the next upload removes what was left', async () => {
    failNextChartRecord(store);
    const first = await run(chat(), store);
    const ts = first.out!.summary.slack!.ts;
    const [orphan] = threadFiles(ts);
    const slack = chat();
    const unreadable: ChatChannel = { ...slack, listReplies: async (c, t) => { if (t === ts) throw new Error('conversations.replies: HTTP 503'); return slack.listReplies(c, t); } };

    const second = await run(unreadable, store);
    const third = await run(chat(), store, down);

    expect(second.job.exitCode).toBe(0);
    expect(second.warnings).toContain('earlier charts could not be listed');
    expect(third.out?.summary.chart?.uploaded).toBe(true);
    expect(threadFiles(ts)).toEqual([third.out!.summary.chart!.fileId]);
    expect(fake.callsOf('files.delete').map((c) => c.file).sort()).toEqual([orphan, second.out!.summary.chart!.fileId].sort());
  });

  it('logs a delete that failed as a warning and still succeeds', async () => {
    await run(chat(), store, down);
    fake.failWith('files.delete', 'cant_delete_file');

    const second = await run(chat(), store);

    expect(second.job.exitCode).toBe(0);
    expect(second.warnings).toContain('replaced chart could not be deleted');
  });
});

describe('weekly report chart: a rerun leaves one chart in the thread (outbox)', () => {
  it('removes the chart of a run whose publication record was not written', async () => {
    const store = await memoryStore();
    const chat = createOutboxChat({ dir: join(tempDir(), 'slack'), clock: fixedClock(NOW_MS) });
    failNextChartRecord(store);
    const first = await run(chat, store);

    const second = await run(chat, store);

    expect(first.job.failures.map((f) => f.part)).toEqual(['sink:slack-chart']);
    const files = chat.readAll('#fleet-oncall').flatMap((m) => m.files ?? []);
    expect(files.map((f) => f.fileId)).toEqual([second.out!.summary.chart!.fileId]);
  });
});
