/**
 * A real alert history: the simulated fleet's alert episodes backfilled as `ALERTS` series into a
 * real Prometheus (promtool), read back through createPrometheusAlertHistory, and the weekly report
 * built from them; its figures must equal those computed from the simulator's own episodes.
 */
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createPrometheusAlertHistory } from '../../src/adapters/alerts/prometheus/index.js';
import type { AlertEpisode } from '../../src/adapters/alerts/types.js';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { seriesKey } from '../../src/reporting/report/alert-analytics.js';
import { PROMETHEUS_UNAVAILABLE_MESSAGE, backfillOpenMetrics, prometheusAvailable, startTestPrometheus, type TestPrometheus } from '../support/prometheus.js';
import { fleet, memoryStore, NOW_MS, runReport, simulatedAlerts, tempDir, WEEK } from '../report/report-fixtures.js';

const available = prometheusAvailable();
if (!available) console.warn(`skipping the real alert-history test: ${PROMETHEUS_UNAVAILABLE_MESSAGE}`);

const STEP_MS = fleet.stepSeconds * 1000;
const labelText = (e: AlertEpisode) => Object.entries({ alertname: e.alertname, alertstate: 'firing', cluster: e.cluster, severity: e.severity, ...e.labels })
  .sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => `${k}="${v}"`).join(',');

/** Per label set, the steps on which it fires: the same union a rule evaluation would produce. */
function firingSteps(episodes: readonly AlertEpisode[]): Map<string, { e: AlertEpisode; steps: Set<number> }> {
  const out = new Map<string, { e: AlertEpisode; steps: Set<number> }>();
  for (const e of episodes) {
    const entry = out.get(seriesKey(e)) ?? { e, steps: new Set<number>() };
    for (let t = e.startMs; t < e.endMs; t += STEP_MS) entry.steps.add(t);
    out.set(seriesKey(e), entry);
  }
  return out;
}

/** `ALERTS{…} 1 TS` every step while firing (RECIPES), each series in ascending time. */
function alertsOpenMetrics(episodes: readonly AlertEpisode[]): string {
  const lines = ['# TYPE ALERTS gauge'];
  for (const { e, steps } of firingSteps(episodes).values()) {
    for (const t of [...steps].sort((a, b) => a - b)) lines.push(`ALERTS{${labelText(e)}} 1 ${t / 1000}`);
  }
  return `${lines.join('\n')}\n# EOF\n`;
}

/** The simulator's episodes with overlapping ones of one label set merged, as Prometheus can only see them. */
function merged(episodes: readonly AlertEpisode[]): AlertEpisode[] {
  const out: AlertEpisode[] = [];
  for (const { e, steps } of firingSteps(episodes).values()) {
    const sorted = [...steps].sort((a, b) => a - b);
    let start = sorted[0];
    for (let i = 1; i <= sorted.length; i++) {
      if (i < sorted.length && sorted[i] - sorted[i - 1] === STEP_MS) continue;
      out.push({ ...e, startMs: start, endMs: sorted[i - 1] + STEP_MS });
      start = sorted[i];
    }
  }
  return out;
}

describe.skipIf(!available)('weekly report from a real Prometheus alert history', () => {
  let prom: TestPrometheus;
  let all: AlertEpisode[];

  beforeAll(async () => {
    all = await simulatedAlerts.listEpisodes(fleet.rangeMs);
    prom = await startTestPrometheus(backfillOpenMetrics(alertsOpenMetrics(all)));
  });
  afterAll(async () => {
    await prom?.stop();
  });

  it('reads back the same episodes and builds the same report figures as the simulator', async () => {
    const history = createPrometheusAlertHistory({ baseUrl: prom.url, stepSeconds: 60, logger: silentLogger, clock: fixedClock(NOW_MS) });
    const dir = tempDir();
    const run = async (alerts: typeof history) => runReport({
      alerts, chat: createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW_MS) }), docs: createFileDocWriter({ dir: join(dir, 'docs') }), store: await memoryStore(),
    });
    const expectedSource = { listEpisodes: async (r: { startMs: number; endMs: number }) => merged(all).filter((e) => e.startMs < r.endMs && e.endMs > r.startMs) };

    const fromPrometheus = await run(history);
    const fromSimulator = await run(expectedSource);

    expect(fromPrometheus.job.exitCode).toBe(0);
    expect(fromPrometheus.out?.summary.week).toBe(WEEK);
    const a = fromPrometheus.out!.report.alerts;
    const b = fromSimulator.out!.report.alerts;
    expect(a.total).toBeGreaterThan(50);
    expect(a.previousTotal).toBeGreaterThan(50);
    expect({ total: a.total, previous: a.previousTotal, byDay: a.byDay, noisiest: a.noisiest, flapping: a.flapping.length, bySeverity: a.bySeverity })
      .toEqual({ total: b.total, previous: b.previousTotal, byDay: b.byDay, noisiest: b.noisiest, flapping: b.flapping.length, bySeverity: b.bySeverity });
  });
});
