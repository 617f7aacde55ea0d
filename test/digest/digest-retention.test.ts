import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { availabilityDigestJob } from '../../src/digest/availability-digest-job.js';
import { retentionJob } from '../../src/retention/retention-job.js';
import { DAY, DAY_START_MS, dipFindings, END_MS, handEngine, harness, type Harness } from './digest-fixtures.js';

const CHANNEL = 'fleet-availability';
const DAY_MS = 86_400_000;

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

const digest = (hh: Harness, endMs: number) => hh.run(async (ctx) => ({ ...(await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs, engine: handEngine() })) }));

describe('digest rerun of a day past retention', () => {
  it('refuses a day the store may have deleted rows of, naming the shortest retention field; writes and posts nothing', async () => {
    h = await harness({ findings: dipFindings(3, 4), clusterCount: 12 });
    h.deps.config = FleetopsConfig.parse({ retention: { publicationsDays: 90 } });

    const result = await digest(h, DAY_START_MS + 91 * DAY_MS);

    expect(result.exitCode).toBe(2);
    expect(result.failures[0].message).toMatch(/^digest day 2026-11-29 starts at 2026-11-29T00:00:00\.000Z, before 2026-11-30T00:00:00\.000Z: retention\.publicationsDays is 90 days, so the store may have deleted rows it reads .*post its Slack messages again\)\. Pick one starting at or after 2026-11-30T00:00:00\.000Z$/);
    expect(h.outbox.readAll(CHANNEL)).toEqual([]);
    expect(await h.store.incidents.list({ day: DAY })).toEqual([]);
    expect(existsSync(join(h.dir, 'docs', `digest_${DAY}.md`))).toBe(false);
  });

  it('reruns a day starting exactly at the shortest retention, and any day within the 400-day defaults', async () => {
    h = await harness({ findings: dipFindings(2, 3), clusterCount: 8 });
    h.deps.config = FleetopsConfig.parse({ retention: { anomaliesDays: 35 } });
    const atBoundary = await digest(h, DAY_START_MS + 35 * DAY_MS);
    h.deps.config = FleetopsConfig.parse({});
    const withDefaults = await digest(h, DAY_START_MS + 400 * DAY_MS);

    expect([atBoundary.exitCode, withDefaults.exitCode]).toEqual([0, 0]);
  });

  it('after retention deleted a day\'s findings (anomaliesDays 35), a rerun is refused instead of rewriting the document without them', async () => {
    h = await harness({ findings: dipFindings(3, 4), clusterCount: 12 });
    expect((await digest(h, END_MS)).exitCode).toBe(0);
    const doc = readFileSync(join(h.dir, 'docs', `digest_${DAY}.md`), 'utf8');
    h.deps.config = FleetopsConfig.parse({ retention: { anomaliesDays: 35 } });
    const later = END_MS + 40 * DAY_MS;
    h.clock.set(later);
    const store = h.store;
    await h.run(async (ctx) => ({ ...(await retentionJob({ store, inventory: { listClusters: async () => [] } }, ctx, {
      config: FleetopsConfig.parse({ retention: { anomaliesDays: 35 } }).retention, dryRun: false, scanLookbackHours: 168, feedbackLookbackDays: 14,
    })) }));
    expect(await store.anomalies.list({ startMs: DAY_START_MS, endMs: END_MS })).toEqual([]);

    const rerun = await digest(h, later);

    expect(rerun.exitCode).toBe(2);
    expect(rerun.failures[0].message).toMatch(/retention\.anomaliesDays is 35 days/);
    expect(readFileSync(join(h.dir, 'docs', `digest_${DAY}.md`), 'utf8')).toBe(doc);
  });
});
