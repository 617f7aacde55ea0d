import { describe, expect, it } from 'vitest';
import { buildCatalog } from '../../src/signals/catalog.js';
import { clusterMatcher, escapeRegex, rateWindowFor, renderPromql } from '../../src/signals/render-promql.js';
import { planQueries, pointCount, splitFurther, type PlanInput } from '../../src/signals/query-planner.js';

const catalog = buildCatalog();
const STEP = 300;
const DAY_MS = 86_400_000;
const clusters = (n: number): string[] => Array.from({ length: n }, (_, i) => `c${i}`);

function plan(over: Partial<PlanInput>) {
  return planQueries({ catalog, signal: 'availability', component: 'coredns', clusters: clusters(3), startMs: 0, endMs: DAY_MS, stepSeconds: STEP, clusterLabel: 'cluster', ...over });
}

describe('planQueries', () => {
  it.each([
    // [points wanted, step, pieces expected]
    [11_000, 60, 1],
    [11_001, 60, 2],
    [22_000, 60, 2],
    [22_001, 60, 3],
    [2_016, 300, 1],
  ])('cuts %i points at step %is into %i ranges of ≤ 11,000 points, covering all', (n, step, pieces) => {
    const endMs = (n - 1) * step * 1000;

    const queries = plan({ stepSeconds: step, endMs });

    expect(queries).toHaveLength(pieces);
    for (const q of queries) expect(pointCount(q.startMs, q.endMs, step * 1000)).toBeLessThanOrEqual(11_000);
    expect(queries.reduce((sum, q) => sum + pointCount(q.startMs, q.endMs, step * 1000), 0)).toBe(n);
    expect(queries[0].startMs).toBe(0);
    expect(queries.at(-1)?.endMs).toBe(endMs);
  });

  it.each([
    // [clusters, maxSamplesPerQuery, batches expected] over 289 points (one day at 5 min)
    [10, 5_000_000, 1],
    [10, 289 * 4, 3],
    [10, 289, 10],
    [10, 100, 10], // one cluster per query even if it exceeds the cap; the server may still accept it
  ])('batches %i clusters under a cap of %i samples into %i queries', (n, maxSamplesPerQuery, batches) => {
    const queries = plan({ clusters: clusters(n), limits: { maxSamplesPerQuery } });

    expect(queries).toHaveLength(batches);
    expect(queries.flatMap((q) => q.clusters).sort()).toEqual(clusters(n).sort());
    if (batches > 1 && maxSamplesPerQuery >= 289) for (const q of queries) expect(q.clusters.length * 289).toBeLessThanOrEqual(maxSamplesPerQuery);
  });

  it('plans every component of a signal when none is given, none for an unknown signal', () => {
    expect(new Set(plan({ component: undefined }).map((q) => q.component)).size).toBe(12);
    expect(plan({ signal: 'no_such_signal' })).toEqual([]);
  });

  it('escapes regex metacharacters in cluster ids', () => {
    const queries = plan({ clusters: ['prod.eu-1', 'a+b', 'x|y'] });

    expect(queries[0].promql).toContain('cluster=~"prod\\\\.eu-1|a\\\\+b|x\\\\|y"');
  });
});

describe('clusterMatcher', () => {
  it.each([
    [['c1'], 'cluster="c1"'],
    [['c1', 'c2'], 'cluster=~"c1|c2"'],
    [['a.b', 'q"x'], 'cluster=~"a\\\\.b|q\\"x"'],
    [[], 'cluster!=""'],
  ])('%j → %s', (ids, expected) => {
    expect(clusterMatcher('cluster', ids)).toBe(expected);
  });

  it('matches only the escaped id as RE2/JS regex', () => {
    const re = new RegExp(`^(?:${['prod.eu-1', '(x)'].map(escapeRegex).join('|')})$`);

    expect(['prod.eu-1', '(x)'].every((s) => re.test(s))).toBe(true);
    expect(re.test('prodXeu-1')).toBe(false);
  });
});

describe('splitFurther', () => {
  it('halves the cluster batch first', () => {
    const [q] = plan({ clusters: clusters(5) });

    const pieces = splitFurther(q);

    expect(pieces.map((p) => p.clusters)).toEqual([['c0', 'c1', 'c2'], ['c3', 'c4']]);
    expect(pieces.every((p) => p.startMs === q.startMs && p.endMs === q.endMs)).toBe(true);
    expect(pieces[1].promql).toContain('cluster=~"c3|c4"');
  });

  it('halves the range of a single cluster without overlap or gap', () => {
    const [q] = plan({ clusters: ['c0'] });

    const [a, b] = splitFurther(q);

    expect(a.startMs).toBe(q.startMs);
    expect(b.endMs).toBe(q.endMs);
    expect(b.startMs - a.endMs).toBe(STEP * 1000);
    expect(pointCount(a.startMs, a.endMs, STEP * 1000) + pointCount(b.startMs, b.endMs, STEP * 1000)).toBe(289);
  });

  it('gives up on one cluster and one point', () => {
    const [q] = plan({ clusters: ['c0'], endMs: 0 });

    expect(splitFurther(q)).toEqual([]);
  });

  it('does not split one cluster\'s range into pieces of fewer than 12 points (a split to single points repeats the error hundreds of times)', () => {
    const stepMs = STEP * 1000;
    const [q24] = plan({ clusters: ['c0'], startMs: 0, endMs: 23 * stepMs });
    const [q23] = plan({ clusters: ['c0'], startMs: 0, endMs: 22 * stepMs });

    expect(splitFurther(q24).map((p) => pointCount(p.startMs, p.endMs, stepMs))).toEqual([12, 12]);
    expect(splitFurther(q23)).toEqual([]);
  });
});

describe('rate window', () => {
  const restarts = buildCatalog().entries.find((e) => e.id === 'pod_restarts')!;
  const render = (stepSeconds: number, rateWindow = '5m') => renderPromql(restarts, { clusterLabel: 'cluster', clusters: ['a'], stepSeconds, rateWindow, useRecordingRule: false });

  it('widens to the step when the step is longer, so per-step counts cover the whole step', () => {
    expect(render(300)).toContain('[5m]))) * 300');
    expect(render(60)).toContain('[5m]))) * 60');
    expect(render(3600)).toContain('[3600s]))) * 3600');
    expect(render(900, '15m')).toContain('[15m]))) * 900');
    expect(rateWindowFor('2h', 3600)).toBe('2h');
  });

  it('reads a recording rule (a 5m rate) as its mean over a longer step, not one 5-minute sample of each step', () => {
    const availability = catalog.entriesFor('availability', 'coredns')[0];
    const viaRule = (stepSeconds: number) => renderPromql(availability, { clusterLabel: 'cluster', clusters: ['a'], stepSeconds, useRecordingRule: true });

    expect(viaRule(300)).toBe('fleetops:coredns:availability{cluster="a"}');
    expect(viaRule(60)).toBe('fleetops:coredns:availability{cluster="a"}');
    expect(viaRule(3600)).toBe('avg_over_time(fleetops:coredns:availability{cluster="a"}[3600s])');
  });
});
