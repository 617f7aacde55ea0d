import { describe, expect, it } from 'vitest';
import { rankGraphCandidates, rankRootCauses, type NodeSeries, type RankInput } from '../../../src/rca/ranking/index.js';

const LENGTH = 40;
const NORMAL_END = 30;

/** Deterministic small wiggle around a level, so baselines have a non-zero MAD. */
function flat(level: number, phase = 0): Float64Array {
  return Float64Array.from({ length: LENGTH }, (_, i) => level * (1 + 0.02 * Math.sin(i * 1.7 + phase)));
}

function withSpike(values: Float64Array, extra: number): Float64Array {
  return values.map((v, i) => (i >= NORMAL_END + 2 && i < NORMAL_END + 6 ? v + extra * (i - NORMAL_END - 1) : v));
}

function series(entries: Record<string, Float64Array>): NodeSeries {
  return new Map(Object.entries(entries).map(([node, values]) => [node, new Map([['latency', values]])]));
}

// web calls api and cache; api calls db. A db fault shows in api and web too.
const EDGES: [string, string][] = [['web', 'api'], ['web', 'cache'], ['api', 'db'], ['batch', 'db']];
const NODES = ['web', 'api', 'cache', 'db', 'batch'];

function input(entries: Record<string, Float64Array>, extra: Partial<RankInput> = {}): RankInput {
  return { nodes: NODES, edges: EDGES, target: { node: 'web', metric: 'latency', direction: 'up' }, series: series(entries), normalEnd: NORMAL_END, ...extra };
}

describe('rankRootCauses', () => {
  it('ranks the downstream node first when its latency spike propagates to its callers', () => {
    const db = withSpike(flat(10, 1), 20);
    const entries = { web: withSpike(flat(100), 20), api: withSpike(flat(50, 2), 20), cache: flat(5, 3), db, batch: flat(7, 4) };

    const result = rankRootCauses(input(entries));

    expect(result.inconclusive).toBe(false);
    expect(result.ranked[0].node).toBe('db');
    expect(result.ranked.map((c) => c.node).sort()).toEqual(['api', 'db', 'web']);
    expect(result.ranked.find((c) => c.node === 'api')?.reasons.join(' ')).toContain('below it may explain it: db');
    expect(result.ranked[0].anomaly).toBeGreaterThan(5);
    expect(result.ranked[0].correlation).toBeGreaterThan(0.9);
    expect(result.ranked[0].reasons.join(' ')).toContain('no anomalous dependency below it');
  });

  it('never ranks a node the symptom cannot come from (not reachable along calls)', () => {
    const entries = { web: withSpike(flat(100), 20), api: withSpike(flat(50, 2), 20), cache: flat(5, 3), db: withSpike(flat(10, 1), 20), batch: withSpike(flat(7, 4), 20) };

    const result = rankRootCauses(input(entries));

    expect(result.ranked.map((c) => c.node)).not.toContain('batch');
  });

  it.each([
    ['nothing moves', { web: flat(100), api: flat(50, 2), cache: flat(5, 3), db: flat(10, 1), batch: flat(7, 4) }],
    ['a dependency moves but the symptom does not', { web: flat(100), api: flat(50, 2), cache: flat(5, 3), db: withSpike(flat(10, 1), 20), batch: flat(7, 4) }],
  ])('is inconclusive with an empty list when %s', (_name, entries) => {
    const result = rankRootCauses(input(entries));

    expect(result).toEqual({ ranked: [], inconclusive: true });
  });

  it('is inconclusive, listing only the symptom node, when no dependency is anomalous', () => {
    const entries = { web: withSpike(flat(100), 20), api: flat(50, 2), cache: flat(5, 3), db: flat(10, 1), batch: flat(7, 4) };

    const result = rankRootCauses(input(entries));

    expect(result.inconclusive).toBe(true);
    expect(result.ranked.map((c) => c.node)).toEqual(['web']);
  });

  it('lets priors reorder two equally likely causes', () => {
    const spike = withSpike(flat(10, 1), 20);
    const entries = { web: withSpike(flat(100), 40), api: spike, cache: spike, db: flat(10, 1), batch: flat(7, 4) };

    const plain = rankRootCauses(input(entries));
    const favoured = rankRootCauses(input(entries, { priors: new Map([['cache', 1.2]]) }));

    expect(plain.ranked.slice(0, 2).map((c) => c.node)).toEqual(['api', 'cache']);
    expect(plain.ranked[0].score).toBe(plain.ranked[1].score);
    expect(favoured.ranked.slice(0, 2).map((c) => c.node)).toEqual(['cache', 'api']);
  });

  it('learns the baseline from separate normal data when given', () => {
    const entries = { web: withSpike(flat(100), 20), api: withSpike(flat(50, 2), 20), cache: flat(5, 3), db: withSpike(flat(10, 1), 20), batch: flat(7, 4) };
    const window = new Map([...series(entries)].map(([n, m]) => [n, new Map([...m].map(([k, v]) => [k, v.slice(NORMAL_END)]))]));

    const result = rankRootCauses({ ...input(entries), series: window, normal: series(entries), normalEnd: 0 });

    expect(result.ranked[0].node).toBe('db');
  });

  it.each([-1, 1.5, LENGTH])('rejects normalEnd %s', (normalEnd) => {
    expect(() => rankRootCauses(input({ web: flat(100) }, { normalEnd }))).toThrow(/normalEnd/);
  });

  it('names the missing target series', () => {
    expect(() => rankRootCauses(input({ api: flat(1) }))).toThrow(/no series for target web metric latency/);
  });
});

describe('rankGraphCandidates', () => {
  it('ranks knowledge-graph entities by the same algorithm', () => {
    const workload = 'c1/workload/shop', coredns = 'c1/component/coredns', node = 'c1/node/n1';
    const entries = { [workload]: withSpike(flat(100), 20), [coredns]: withSpike(flat(20, 1), 20), [node]: flat(3, 2) };

    const result = rankGraphCandidates({
      dependsOn: [[workload, coredns], [coredns, node]],
      symptom: { entityId: workload, metric: 'latency', direction: 'up' },
      series: series(entries),
      windowStart: NORMAL_END,
    });

    expect(result.inconclusive).toBe(false);
    expect(result.ranked.map((c) => c.node)).toEqual([coredns, workload]);
  });
});
