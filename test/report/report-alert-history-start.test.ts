/**
 * A week whose alert history starts after last week began (a new Prometheus, a simulated fleet of a
 * week) has nothing to compare with: the report says so instead of "none last week", and does not
 * read last week at all.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AlertHistory } from '../../src/adapters/alerts/types.js';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { createSimulatedAdapters } from '../../src/simulator/adapters.js';
import { createSimulatedFleet } from '../../src/simulator/index.js';
import { memoryStore, runReport, tempDir } from './report-fixtures.js';

async function reportOver(days: number) {
  const fleet = createSimulatedFleet({ clusters: 40, days });
  const simulated = createSimulatedAdapters(fleet).alerts;
  const reads: number[] = [];
  const alerts: AlertHistory = { ...simulated, listEpisodes: (r) => (reads.push(r.startMs), simulated.listEpisodes(r)) };
  const dir = tempDir();
  const nowMs = fleet.rangeMs.endMs;
  const chat = createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(nowMs) });
  const { job, out } = await runReport({ alerts, nowMs, store: await memoryStore(), chat, docs: createFileDocWriter({ dir: join(dir, 'docs') }) });
  const md = readFileSync(join(dir, 'docs', `${out!.summary.doc!.id}.md`), 'utf8');
  return { job, out: out!, reads, md, fleet };
}

describe('weekly report over an alert history younger than two weeks', () => {
  it('reads only this week and says the history does not reach back to last week', async () => {
    const { job, out, reads, md, fleet } = await reportOver(8);

    expect(job.exitCode).toBe(0);
    expect(out.report.week.previous.startMs).toBeLessThan(fleet.rangeMs.startMs);
    expect(reads).toEqual([out.report.week.startMs]);
    expect(out.report.alerts.total).toBeGreaterThan(0);
    expect(out.report.alerts.previousKnown).toBe(false);
    expect(out.summary.previousAlertEpisodes).toBeUndefined();
    // before: "(no episodes last week to compare with)" and "(none last week)" for a week the fleet did not exist
    expect(md).toContain('(the alert history does not reach back to last week: nothing to compare with)');
    expect(md).toContain('(no alert history for last week)');
    expect(md).not.toContain('none last week');
  });

  it('compares with last week when the history covers it', async () => {
    const { reads, out, md } = await reportOver(16);

    expect(reads).toEqual([out.report.week.startMs, out.report.week.previous.startMs]);
    expect(out.report.alerts.previousKnown).toBe(true);
    expect(md).toContain('| Day | Episodes | Last week |');
  });
});
