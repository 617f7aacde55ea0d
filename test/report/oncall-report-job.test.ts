import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeEach, describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { memoryStore, NOW_MS, runReport, simulatedAlerts, tempDir, WEEK } from './report-fixtures.js';

describe('oncallReportJob on the embedded defaults (simulated alerts, outbox chat, file documents)', () => {
  let dir: string;
  let store: Store;
  let chat: ReturnType<typeof createOutboxChat>;
  let docs: ReturnType<typeof createFileDocWriter>;

  beforeEach(async () => {
    dir = tempDir();
    store = await memoryStore();
    chat = createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW_MS) });
    docs = createFileDocWriter({ dir: join(dir, 'docs') });
  });

  it('writes the Markdown and HTML report, one Slack message with the link and the chart in its thread', async () => {
    const { job, out } = await runReport({ chat, docs, store });

    expect(job.exitCode).toBe(0);
    expect(out?.summary).toMatchObject({ week: WEEK, doc: { created: true }, slack: { created: true }, chart: { uploaded: true }, highlights: 'template' });
    const expected = (await simulatedAlerts.listEpisodes({ startMs: out!.summary.startMs, endMs: out!.summary.endMs })).filter((e) => e.startMs >= out!.summary.startMs).length;
    expect(out?.summary.alertEpisodes).toBe(expected);
    const md = readFileSync(join(dir, 'docs', `oncall-report_${WEEK}.md`), 'utf8');
    expect(md).toContain('# On-call report: week of 26 May 2025');
    expect(md).toContain('| Alert | Episodes | Last week | Change | Clusters | Severity | Median duration |');
    expect(md).toContain(`= ${out!.report.toil.totalMinutes} min`);
    const html = readFileSync(join(dir, 'docs', `oncall-report_${WEEK}.html`), 'utf8');
    expect(html).toContain('data-chart="alert-trend"');
    const messages = chat.readAll('#fleet-oncall');
    expect(messages).toHaveLength(2);
    expect(JSON.stringify(messages[0].blocks)).toContain(out!.summary.doc!.url);
    expect(messages[1]).toMatchObject({ threadTs: messages[0].ts, files: [{ filename: `alert-trend-${WEEK}.png` }] });
    const [png] = readdirSync(join(dir, 'slack', 'files'));
    expect(readFileSync(join(dir, 'slack', 'files', png)).subarray(1, 4).toString()).toBe('PNG');
  });

  it('is idempotent: a rerun replaces the document, edits the message and does not upload the same chart again', async () => {
    const first = await runReport({ chat, docs, store });

    const second = await runReport({ chat, docs, store });

    expect(second.out?.summary).toMatchObject({ doc: { id: first.out!.summary.doc!.id, created: false }, slack: { ts: first.out!.summary.slack!.ts, created: false }, chart: { uploaded: false } });
    expect(chat.readAll('#fleet-oncall')).toHaveLength(2);
    expect(readdirSync(join(dir, 'docs')).sort()).toEqual([`oncall-report_${WEEK}.html`, `oncall-report_${WEEK}.md`]);
  });

  it('keeps linking the document an earlier run wrote when the docs sink fails on a rerun', async () => {
    const first = await runReport({ chat, docs, store });
    const down = { upsertDocument: async () => { throw new Error('docs down'); } } as unknown as typeof docs;

    const second = await runReport({ chat, docs: down, store });

    expect(second.job.failures.map((f) => f.part)).toEqual(['sink:docs']);
    expect(JSON.stringify(chat.readAll('#fleet-oncall')[0].blocks)).toContain(first.out!.summary.doc!.url);
  });

  it('regenerates a past week with --week under its own key', async () => {
    const { out } = await runReport({ chat, docs, store, week: '2025-05-19' });

    expect(out?.summary.week).toBe('2025-05-19');
    expect(readdirSync(join(dir, 'docs'))).toContain('oncall-report_2025-05-19.md');
  });

  it('reads the on-call threads: open investigations are handed off, resolved ones counted', async () => {
    const start = Date.UTC(2025, 4, 27, 10) / 1000;
    const ts = (s: number) => `${start + s}.000100`;
    const msgs = [
      { ts: ts(0), user: 'UALICE', text: 'KubeJobFailed on c-eu-west-1-0001 again, is the nightly report broken?' },
      { ts: ts(600), threadTs: ts(0), user: 'UBOB', text: 'fixed the cron schedule, resolved' },
      { ts: ts(3600), user: 'UCAROL', text: 'Disk pressure on c-us-east-1-0042 nodes: investigating' },
      { ts: ts(4200), threadTs: ts(3600), user: 'UBOB', text: 'looking, not resolved yet' },
    ];
    const { writeFileSync, mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'slack'), { recursive: true });
    writeFileSync(join(dir, 'slack', 'fleet-oncall.json'), JSON.stringify(msgs.map((m) => ({ ...m, channel: '#fleet-oncall' }))));

    const { out } = await runReport({ chat, docs, store });

    expect(out?.report.threads).toMatchObject({ total: 2, resolved: 1, medianAckMinutes: 10 });
    expect(out?.report.threads?.open.map((t) => t.title)).toEqual(['Disk pressure on c-us-east-1-0042 nodes: investigating']);
    expect(out?.report.tuningCandidates.map((t) => t.alertname)).not.toContain('KubeJobFailed');
    expect(readFileSync(join(dir, 'docs', `oncall-report_${WEEK}.md`), 'utf8')).toContain('## Open investigations to hand off\n\n- Disk pressure on c-us-east-1-0042 nodes: investigating');
  });

  it('counts the store\'s incidents, RCAs and remediation outcomes, and shows the toil formula', async () => {
    const at = Date.UTC(2025, 4, 28, 12);
    await store.incidents.upsert({ id: 'g1', runId: 'r1', day: '2025-05-28', title: 'CoreDNS errors on 12 clusters', startMs: at, endMs: at + 3_600_000, clusters: ['c-a', 'c-b'], anomalyIds: [], attributes: {} });
    await store.rcas.upsert({ groupId: 'g1', runId: 'r1', engine: 'template', verdict: 'root-cause', body: { rca: {}, narrative: { summary: 'CoreDNS errors after a rollout', rootCause: { statement: 'coredns 1.11.3 rollout', evidenceIds: ['ev-1'] } }, evidenceIds: ['ev-1'] }, createdAtMs: at });
    const base = { groupId: 'g1', operation: 'rollback', cluster: 'c-a', target: {}, params: {}, risk: 'low' as const, createdAtMs: at, expiresAtMs: at + 1e7, updatedAtMs: at };
    for (const [id, state] of [['p1', 'succeeded'], ['p2', 'rolled-back'], ['p3', 'rejected'], ['p4', 'proposed']] as const) {
      await store.proposals.insert({ ...base, id, state });
    }

    const { out } = await runReport({ chat, docs, store });

    expect(out?.report.incidents).toEqual([expect.objectContaining({ title: 'CoreDNS errors on 12 clusters', verdict: 'root-cause', rootCause: 'coredns 1.11.3 rollout' })]);
    expect(out?.report.remediation).toEqual({ proposed: 4, approved: 2, rejected: 1, expired: 0, executed: 2, verified: 1, failed: 0, rolledBack: 1, recovered: 0 });
    expect(out?.report.groupedAlerts).toBe(0);
    expect(out?.report.toil.formula).toBe('1 report × 120 min + 1 RCA drafted × 30 min + 2 remediations executed × 20 min + 0 alerts grouped into incidents × 2 min = 190 min (3.2 h)');
  });

  it('records a failing source and still publishes the rest (exit 1)', async () => {
    const broken = { listEpisodes: async () => { throw new Error('prometheus down'); } };

    const { job, out } = await runReport({ chat, docs, store, alerts: broken });

    expect(job.exitCode).toBe(1);
    expect(job.failures).toEqual([{ part: 'source:alert-history', message: 'prometheus down' }]);
    expect(out?.summary.slack?.created).toBe(true);
    expect(readFileSync(join(dir, 'docs', `oncall-report_${WEEK}.md`), 'utf8')).toContain('- source:alert-history: could not be read');
  });

  it('shows the alert figures as unavailable, not as zeros, when the alert history is down', async () => {
    const broken = { listEpisodes: async () => { throw new Error('prometheus down'); } };

    const { job } = await runReport({ chat, docs, store, alerts: broken });

    expect(job.exitCode).toBe(1);
    const md = readFileSync(join(dir, 'docs', `oncall-report_${WEEK}.md`), 'utf8');
    expect(md).toContain('## Alerts\n\nUnavailable (see Data sources).');
    expect(md).not.toContain('0 alert episodes');
    const [message] = chat.readAll('#fleet-oncall');
    expect(JSON.stringify(message.blocks)).toContain('*Alert episodes*\\nunavailable');
    expect(JSON.stringify(message.blocks)).not.toContain('0 alert episodes fired');
  });

  it('exits 2 for a --week that is not a handoff day', async () => {
    const { job } = await runReport({ chat, docs, store, week: '2025-05-27' });

    expect(job.exitCode).toBe(2);
    expect(job.failures[0].message).toMatch(/that is a tuesday/);
  });
});
