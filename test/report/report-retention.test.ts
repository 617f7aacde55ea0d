import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { runJob } from '../../src/core/run-job.js';
import { oncallReportJob } from '../../src/report/oncall-report-job.js';
import { ReportConfig } from '../../src/report/report-config.js';
import { RetentionConfig } from '../../src/retention/retention-config.js';
import { memoryStore, NOW_MS, simulatedAlerts, tempDir } from './report-fixtures.js';

async function report(week: string, retention?: RetentionConfig) {
  const dir = tempDir();
  const store = await memoryStore();
  const chat = createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW_MS) });
  const deps = { alerts: simulatedAlerts, chat, docs: createFileDocWriter({ dir: join(dir, 'docs') }), store, config: ReportConfig.parse({}), oncallChannel: '#fleet-oncall', retention };
  const job = await runJob({ job: 'oncall-report', logger: silentLogger, clock: fixedClock(NOW_MS), deadlineSeconds: 120, store }, async (ctx) => ({ ...(await oncallReportJob(deps, ctx, { nowMs: NOW_MS, week })).summary }));
  const posted = chat.readAll('#fleet-oncall');
  await store.close();
  return { job, posted };
}

describe('on-call report rerun of a week past retention', () => {
  it('refuses a week the store may have deleted rows of (its incidents, findings, publication records), naming the field; posts nothing', async () => {
    const { job, posted } = await report('2025-02-24', RetentionConfig.parse({ publicationsDays: 90 }));

    expect(job.exitCode).toBe(2);
    expect(job.failures[0].message).toMatch(/^on-call report week 2025-02-24 starts at 2025-02-24T09:00:00\.000Z, before 2025-03-06T00:00:00\.000Z: retention\.publicationsDays is 90 days, so the store may have deleted rows it reads/);
    expect(posted).toEqual([]);
  });

  it('writes the same week under the 400-day defaults', async () => {
    const { job, posted } = await report('2025-02-24');

    expect(job.exitCode).toBe(0);
    expect(posted.length).toBeGreaterThan(0);
  });
});
