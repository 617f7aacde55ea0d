/** The report names the UTC days of its week that no availability digest has run for: their incidents are not in it yet. */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createFileDocWriter } from '../../src/adapters/docs/files/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { digestKeys } from '../../src/digest/publish-digest.js';
import { memoryStore, NOW_MS, runReport, tempDir } from './report-fixtures.js';

describe('on-call report: days without a digest', () => {
  it('lists the days with no digest document, parent message nor incident group, and only those', async () => {
    const dir = tempDir();
    const store = await memoryStore();
    const chat = createOutboxChat({ dir: join(dir, 'slack'), clock: fixedClock(NOW_MS) });
    const docs = createFileDocWriter({ dir: join(dir, 'docs') });
    const at = Date.UTC(2025, 4, 28, 12);
    await store.incidents.upsert({ id: 'g1', runId: 'r1', day: '2025-05-28', title: 'CoreDNS errors', startMs: at, endMs: at + 3_600_000, clusters: ['c-a'], anomalyIds: [], attributes: {} });
    for (const key of [digestKeys.document('2025-05-26'), digestKeys.parent('2025-05-27'), ...['29', '30', '31'].map((d) => digestKeys.document(`2025-05-${d}`))]) {
      await store.publications.put({ key, sink: 'docs', externalId: key, url: `file:///${key}`, contentHash: 'x', updatedAtMs: at });
    }

    const { out } = await runReport({ chat, docs, store });

    // the week is Mon 26 May 09:00 to Mon 2 Jun 09:00 UTC: it touches 8 UTC days
    expect(out?.report.daysWithoutDigest).toEqual(['2025-06-01', '2025-06-02']);
    expect(out?.report.incidents).toHaveLength(1);
    expect(JSON.stringify(out!.doc.blocks)).toContain('No availability digest is stored for 2025-06-01, 2025-06-02 (UTC days)');
  });
});
