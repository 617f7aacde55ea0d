/**
 * Episodes that cross a handoff, read from a real Prometheus (promtool backfill) through
 * createPrometheusAlertHistory and the weekly report job: an episode belongs to the week it started
 * in, so it is counted in exactly one week, and "firing since" shows its real start.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusAlertHistory } from '../../../src/adapters/alerts/prometheus/index.js';
import type { AlertEpisode } from '../../../src/adapters/alerts/types.js';
import { createOutboxChat } from '../../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetrics, prometheusAvailable, startTestPrometheus, type TestPrometheus } from '../../support/prometheus.js';
import { memoryStore, runReport, tempDir } from '../../report/report-fixtures.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping the alert-history handoff test: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

const M = 60_000;
const NOW = Date.UTC(2026, 11, 1, 12);
const WEEK = '2026-11-23'; // handoff Monday 09:00 UTC (the default config)
const HANDOFF = Date.UTC(2026, 10, 23, 9);
const PREVIOUS = { startMs: HANDOFF - 7 * 24 * 60 * M, endMs: HANDOFF };
const CURRENT = { startMs: HANDOFF, endMs: HANDOFF + 7 * 24 * 60 * M };

/** One sample a minute (offset by `offsetMs`) in [fromMs, toMs), as a rule evaluated every minute writes. */
const firing = (name: string, cluster: string, fromMs: number, toMs: number) => ({ name, cluster, fromMs, toMs });
const SERIES = [
  firing('Spanning', 'c1', Date.UTC(2026, 10, 22, 10), Date.UTC(2026, 10, 24, 10)), // Sun 22 Nov → Tue 24 Nov: last week's
  firing('LongRunning', 'c2', Date.UTC(2026, 10, 2, 0), Date.UTC(2026, 11, 1, 11)), // since 2 Nov, firing at the week's end
  firing('LastMinute', 'c3', HANDOFF - 30_000, HANDOFF + 10 * M), // starts 30 s before the handoff: last week's
  firing('Restarted', 'c4', Date.UTC(2026, 10, 22, 20), HANDOFF - 60 * M), // last week's …
  firing('Restarted', 'c4', HANDOFF + M, HANDOFF + 30 * M), // … and, after an hour's gap, a new one this week
];

function openMetrics(): string {
  const lines = ['# TYPE ALERTS gauge'];
  const byLabels = new Map<string, number[]>();
  for (const s of SERIES) {
    const labels = `alertname="${s.name}",alertstate="firing",cluster="${s.cluster}",severity="warning"`;
    const ts = byLabels.get(labels) ?? [];
    for (let t = s.fromMs; t < s.toMs; t += M) ts.push(t);
    byLabels.set(labels, ts);
  }
  for (const [labels, ts] of byLabels) for (const t of ts.sort((a, b) => a - b)) lines.push(`ALERTS{${labels}} 1 ${t / 1000}`);
  return `${lines.join('\n')}\n# EOF\n`;
}

const starts = (eps: AlertEpisode[]) => eps.map((e) => `${e.alertname} ${new Date(e.startMs).toISOString()}`).sort();

describe.skipIf(!available)('alert episodes crossing the handoff, from a real Prometheus', () => {
  let prom: TestPrometheus;
  beforeAll(async () => { prom = await startTestPrometheus(backfillOpenMetrics(openMetrics())); });
  afterAll(async () => { await prom?.stop(); });

  const history = () => createPrometheusAlertHistory({ baseUrl: prom.url, stepSeconds: 60, logger: silentLogger, clock: fixedClock(NOW) });

  it('keeps each episode\'s real start, read back past the range start', async () => {
    const current = await history().listEpisodes(CURRENT);
    const previous = await history().listEpisodes(PREVIOUS);

    expect(starts(current)).toEqual([
      'LastMinute 2026-11-23T08:59:30.000Z', 'LongRunning 2026-11-02T00:00:00.000Z', 'Restarted 2026-11-23T09:01:00.000Z', 'Spanning 2026-11-22T10:00:00.000Z',
    ]);
    expect(starts(previous)).toEqual([
      'LastMinute 2026-11-23T08:59:30.000Z', 'LongRunning 2026-11-02T00:00:00.000Z', 'Restarted 2026-11-22T20:00:00.000Z', 'Spanning 2026-11-22T10:00:00.000Z',
    ]);
  });

  it('counts each episode in the week it started only, and shows the real "firing since"', async () => {
    const dir = tempDir();
    const { job, out } = await runReport({
      alerts: history(), nowMs: NOW, week: WEEK, store: await memoryStore(),
      chat: createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW) }), docs: createFileDocWriter({ dir: join(dir, 'docs') }),
    });

    const a = out!.report.alerts;
    expect(job.exitCode).toBe(0);
    expect(a.rules.map((r) => r.alertname)).toEqual(['Restarted']);
    expect({ total: a.total, previousTotal: a.previousTotal }).toEqual({ total: 1, previousTotal: 3 }); // Spanning, LastMinute, Restarted's first
    expect(a.byDay.reduce((s, d) => s + d.previous, 0)).toBe(3);
    expect(out!.report.firing?.map((f) => `${f.alertname} ${new Date(f.sinceMs).toISOString()}`)).toEqual(['LongRunning 2026-11-02T00:00:00.000Z']);
  });
});
