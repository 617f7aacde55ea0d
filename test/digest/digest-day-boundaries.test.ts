import { afterEach, describe, expect, it } from 'vitest';
import type { Change } from '../../src/adapters/changes/types.js';
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import { createDefaultDigestEngine } from '../../src/digest/default-digest-engine.js';
import { summariseSlo } from '../../src/digest/slo-summary.js';
import { DAY, DAY_START_MS, END_MS, clusterIds, harness, type Harness } from './digest-fixtures.js';

const MIN = 60_000;
const DAY_MS = 86_400_000;
const [CLUSTER, OTHER] = clusterIds(2);

function dip(id: string, cluster: string, startMs: number, endMs: number, burned = 0.01): AnomalyRow {
  return { id, runId: 's', cluster, component: 'workload', signal: 'availability', kind: 'dip', severity: 'critical', startMs, endMs, score: 5, details: { slo: 0.999, minAvailability: 0.99, budgetBurnedFraction: burned } };
}

function maintenance(cluster: string, startMs: number, endMs: number): Change {
  return { id: `mw-${cluster}`, tsMs: startMs, endMs, cluster, component: 'kubelet', kind: 'maintenance', author: 'oncall', status: 'succeeded', description: 'Planned maintenance: reboot a node' };
}

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

async function digest(hh: Harness, day = DAY) {
  let summary: DigestSummary | undefined;
  const result = await hh.run(async (ctx) => (summary = await availabilityDigestJob(hh.deps, ctx, { day, endMs: END_MS + DAY_MS, engine: createDefaultDigestEngine() })));
  return { result, summary: summary! };
}

describe('availability digest: maintenance windows and day boundaries (default engine)', () => {
  const mwStart = DAY_START_MS + 10 * 60 * MIN;

  it('suppresses a dip inside a declared maintenance window: no group, not counted, not in the budget table', async () => {
    h = await harness({ findings: [dip('f-mw', CLUSTER, mwStart + 15 * MIN, mwStart + 25 * MIN), dip('f-other', OTHER, mwStart + 15 * MIN, mwStart + 25 * MIN)], clusterCount: 10 });
    h.deps.changes = () => ({ listChanges: async () => [maintenance(CLUSTER, mwStart, mwStart + 45 * MIN)] });

    const { result, summary } = await digest(h);

    expect(result.failures).toEqual([]);
    expect(summary).toMatchObject({ groups: 1, findings: 1, maintenanceSuppressed: 1 });
    expect((await h.store.incidents.list({ day: DAY }))[0].clusters).toEqual([OTHER]);
  });

  it('keeps a dip that outlasts its maintenance window by hours', async () => {
    h = await harness({ findings: [dip('f-mw', CLUSTER, mwStart + 15 * MIN, mwStart + 4 * 60 * MIN)], clusterCount: 10 });
    h.deps.changes = () => ({ listChanges: async () => [maintenance(CLUSTER, mwStart, mwStart + 45 * MIN)] });

    const { summary } = await digest(h);

    expect(summary).toMatchObject({ groups: 1, maintenanceSuppressed: 0 });
  });

  it('records a failing change source and still reports every dip', async () => {
    h = await harness({ findings: [dip('f-mw', CLUSTER, mwStart + 15 * MIN, mwStart + 25 * MIN)], clusterCount: 10 });
    h.deps.changes = () => ({ listChanges: async () => { throw new Error('argocd: HTTP 503'); } });

    const { result, summary } = await digest(h);

    expect(result.failures.map((f) => f.part)).toContain('changes:maintenance');
    expect(summary).toMatchObject({ groups: 1, maintenanceSuppressed: 0 });
  });

  it('keeps the incident row of the day a dip started when the next day\'s digest reports it too', async () => {
    h = await harness({ findings: [dip('f-x', CLUSTER, END_MS - 30 * MIN, END_MS + 40 * MIN)], clusterCount: 10 });

    await digest(h, DAY);
    const first = await h.store.incidents.list({ day: DAY });
    await digest(h, '2026-11-30');

    expect(first).toHaveLength(1);
    expect((await h.store.incidents.list({ day: DAY })).map((g) => g.id)).toEqual(first.map((g) => g.id));
    const next = await h.store.incidents.list({ day: '2026-11-30' });
    expect(next).toHaveLength(1);
    expect(next[0].id).not.toBe(first[0].id);
  });
});

describe('summariseSlo over a day window', () => {
  it('counts only the part of a dip crossing midnight that fell in the day: the two days add up to the dip', () => {
    const crossing = dip('f-x', CLUSTER, END_MS - 30 * MIN, END_MS + 90 * MIN, 0.2);

    const today = summariseSlo([crossing], { startMs: DAY_START_MS, endMs: END_MS });
    const tomorrow = summariseSlo([crossing], { startMs: END_MS, endMs: END_MS + DAY_MS });

    expect(today[0].maxBudgetBurnedFraction).toBeCloseTo(0.05, 9);
    expect(tomorrow[0].maxBudgetBurnedFraction).toBeCloseTo(0.15, 9);
  });
});
