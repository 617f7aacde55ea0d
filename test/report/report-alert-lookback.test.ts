/**
 * The report reads last week's alert history only far enough back to tell which episodes started in
 * it (it only counts them), and this week's to each episode's real start only where "firing since"
 * comes from the history: the document, the Slack message and the report model are those of reading
 * every week back to the real starts.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { useFake } from '../support/use-fake.js';
import { createPrometheusAlertHistory } from '../../src/adapters/alerts/prometheus/index.js';
import type { AlertHistory } from '../../src/adapters/alerts/types.js';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { renderMarkdown } from '../../src/reporting/render-markdown.js';
import { startPrometheusFake, type PrometheusFake, type RecordedRequest } from '../fakes/prometheus-fake.js';
import { readWindow, routeAlerts, type ScheduledSeries } from '../adapters/alerts/alerts-schedule-fake.js';
import { memoryStore, runReport, simulatedAlerts, tempDir, NOW_MS, WEEK } from './report-fixtures.js';

const M = 60_000;
const DAY = 1440 * M;
const NOW = Date.UTC(2026, 11, 1, 12);
const HANDOFF = Date.UTC(2026, 10, 23, 9); // Monday 09:00 UTC, the default handoff
const PREVIOUS_START = HANDOFF - 7 * DAY;

const series = (alertname: string, cluster: string, ...firing: [number, number][]): ScheduledSeries => ({ labels: { alertname, cluster, severity: 'warning' }, firing });
const SCHEDULE: ScheduledSeries[] = [
  series('Spanning', 'c1', [Date.UTC(2026, 10, 22, 10), Date.UTC(2026, 10, 24, 10)]), // last week's, across the handoff
  series('LongRunning', 'c2', [Date.UTC(2026, 10, 2), Date.UTC(2026, 11, 1, 11)]), // since 2 Nov, firing at the week's end
  series('EarlierCrossing', 'c3', [Date.UTC(2026, 10, 12), Date.UTC(2026, 10, 17, 10)]), // across last week's start
  series('Fresh', 'c4', [HANDOFF + DAY, HANDOFF + DAY + 40 * M], [HANDOFF + 2 * DAY, HANDOFF + 2 * DAY + 20 * M]),
  series('LastWeekOnly', 'c5', [PREVIOUS_START + DAY, PREVIOUS_START + DAY + 30 * M]),
];

interface Call { startMs: number; lookBack?: string; requests: RecordedRequest[] }

/** The history over the fake, each call recorded with the requests it made; `force` overrides the job's lookBack. */
function recorded(fake: PrometheusFake, calls: Call[], force?: 'start'): AlertHistory {
  const history = createPrometheusAlertHistory({ baseUrl: fake.url, logger: silentLogger, clock: fixedClock(NOW), sleep: async () => undefined });
  return {
    async listEpisodes(range) {
      const before = fake.requests.length;
      const eps = await history.listEpisodes(force ? { ...range, lookBack: force } : range);
      calls.push({ startMs: range.startMs, lookBack: range.lookBack, requests: fake.requests.slice(before) });
      return eps;
    },
  };
}

const earliestRead = (c: Call) => Math.min(...c.requests.filter((r) => r.path === '/api/v1/query').map((r) => readWindow(r).fromMs));

async function report(alerts: AlertHistory) {
  const dir = tempDir();
  const chat = createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW) });
  const { job, out } = await runReport({ alerts, nowMs: NOW, week: '2026-11-23', store: await memoryStore(), chat, docs: createFileDocWriter({ dir: join(dir, 'docs') }) });
  // the document's link names this run's folder
  return { job, out: out!, slack: JSON.stringify(chat.readAll('#fleet-oncall').map((m) => ({ text: m.text, blocks: m.blocks }))).replaceAll(dir, '<dir>') };
}

describe('alert history look-back of the weekly report', () => {
  let fake: PrometheusFake;

  useFake(startPrometheusFake, (f) => { fake = f; });

  it('reads last week back only minutes, and writes what reading both weeks back to the real starts writes', async () => {
    routeAlerts(fake, SCHEDULE);
    const calls: Call[] = [];
    const deepCalls: Call[] = [];

    const now = await report(recorded(fake, calls));
    const deep = await report(recorded(fake, deepCalls, 'start'));

    expect(now.job.exitCode).toBe(0);
    expect(now.out.summary).toMatchObject({ alertEpisodes: 2, previousAlertEpisodes: 2 });
    expect(now.out.report.firing?.map((f) => [f.alertname, new Date(f.sinceMs).toISOString()])).toEqual([['LongRunning', '2026-11-02T00:00:00.000Z']]);
    expect(now.out.report).toEqual(deep.out.report);
    expect(renderMarkdown(now.out.doc)).toBe(renderMarkdown(deep.out.doc));
    expect(now.slack).toEqual(deep.slack);
    const [current, previous] = calls;
    expect([current.lookBack, previous.lookBack]).toEqual(['start', 'range']);
    // this week: LongRunning read back to its start on 2 Nov; last week: minutes, where it was read back to 2 Nov too
    expect(earliestRead(current)).toBeLessThanOrEqual(Date.UTC(2026, 10, 2));
    expect(earliestRead(previous)).toBeGreaterThanOrEqual(PREVIOUS_START - 15 * M);
    expect(earliestRead(deepCalls[1])).toBeLessThanOrEqual(Date.UTC(2026, 10, 2));
  });
});

describe('which reads need the real start', () => {
  const recordLookBack = (seen: (string | undefined)[]): AlertHistory => ({
    listEpisodes: (r) => (seen.push(r.lookBack), simulatedAlerts.listEpisodes(r)),
  });
  const firing = { listFiring: async () => [] };

  it.each([
    ['no Alertmanager: this week shows "firing since" from the history', undefined, undefined, ['start', 'range']],
    ['the latest week with Alertmanager: it says what fires', firing, undefined, ['range', 'range']],
    ['a past week with Alertmanager: the history says what fired at its end', firing, '2025-05-19', ['start', 'range']],
  ])('%s', async (_case, source, week, expected) => {
    const seen: (string | undefined)[] = [];
    const dir = tempDir();

    await runReport({
      alerts: recordLookBack(seen), firing: source, week: week ?? WEEK, nowMs: NOW_MS, store: await memoryStore(),
      chat: createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW_MS) }), docs: createFileDocWriter({ dir: join(dir, 'docs') }),
    });

    expect(seen).toEqual(expected);
  });
});
