import { describe, expect, it } from 'vitest';
import { assembleSeries, type QueryOutcome } from '../../../src/adapters/metrics/prometheus/assemble-series.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { PlannedQuery } from '../../../src/signals/query-planner.js';

const STEP = 300_000;
const grid = { startMs: 1_700_000_000_000, stepMs: STEP, n: 6 };

function query(fromIndex: number, points: number, clusters: string[]): PlannedQuery {
  return {
    signal: 'latency', component: 'coredns', labels: [], promql: 'x', clusters, stepSeconds: STEP / 1000,
    startMs: grid.startMs + fromIndex * STEP, endMs: grid.startMs + (fromIndex + points - 1) * STEP,
    render: {} as PlannedQuery['render'],
  };
}

function ok(q: PlannedQuery, series: [string, number[]][]): QueryOutcome {
  return { kind: 'ok', query: q, answer: { series: series.map(([cluster, v]) => ({ metric: { cluster }, values: Float64Array.from(v) })), warnings: [], bytes: 10 } };
}

describe('assembleSeries', () => {
  it('stitches time pieces of a split range onto the request grid, NaN where no piece answered', () => {
    const answer = assembleSeries([
      ok(query(3, 3, ['c1']), [['c1', [4, 5, 6]]]),
      ok(query(0, 2, ['c1', 'c2']), [['c1', [1, 2]], ['c2', [7, 8]]]),
    ], { grid, clusterLabel: 'cluster', logger: silentLogger });
    const byCluster = Object.fromEntries(answer.series.map((s) => [s.cluster, Array.from(s.values)]));
    expect(byCluster).toEqual({ c1: [1, 2, NaN, 4, 5, 6], c2: [7, 8, NaN, NaN, NaN, NaN] });
    expect(answer.bytesFetched).toBe(20);
  });

  it('keeps the decoded array of a series answered whole (no copy), and still merges a later piece into it', () => {
    const whole = ok(query(0, 6, ['c1']), [['c1', [1, 2, 3, 4, 5, 6]]]);
    const decoded = (whole as Extract<QueryOutcome, { kind: 'ok' }>).answer.series[0].values;
    const answer = assembleSeries([whole, ok(query(4, 2, ['c1']), [['c1', [50, 60]]])], { grid, clusterLabel: 'cluster', logger: silentLogger });
    expect(answer.series).toHaveLength(1);
    expect(answer.series[0].values).toBe(decoded);
    expect(Array.from(answer.series[0].values)).toEqual([1, 2, 3, 4, 50, 60]);
  });

  it('records the clusters of a failed piece and drops series without the cluster label', () => {
    const answer = assembleSeries([
      { kind: 'failed', query: query(0, 6, ['c3', 'c4']), error: new Error('HTTP 503') },
      ok(query(0, 6, ['c1']), [['c1', [1, 1, 1, 1, 1, 1]]]),
      { kind: 'ok', query: query(0, 6, ['c1']), answer: { series: [{ metric: { instance: 'x' }, values: new Float64Array(6) }], warnings: ['PromQL info: x'], bytes: 1 } },
    ], { grid, clusterLabel: 'cluster', logger: silentLogger });
    expect(answer.failedClusters).toEqual(['c3', 'c4']);
    expect(answer.series.map((s) => s.cluster)).toEqual(['c1']);
    expect(answer.warnings).toEqual(['latency/coredns: query for 2 clusters failed: HTTP 503', 'PromQL info: x']);
    expect(answer.failureReasons).toEqual(['HTTP 503']);
  });

  it('fails every cluster of a partial piece (Thanos/Mimir warnings), those it answered and those another piece answered too', () => {
    const partial: QueryOutcome = { kind: 'ok', query: query(3, 3, ['c1', 'c2']), answer: { series: [{ metric: { cluster: 'c1' }, values: Float64Array.from([4, 5, 6]) }], warnings: ['store eu-1 unavailable'], bytes: 1 } };
    const info: QueryOutcome = { kind: 'ok', query: query(0, 3, ['c3']), answer: { series: [], warnings: ['PromQL info: metric might not be a counter'], bytes: 1 } };

    const answer = assembleSeries([ok(query(0, 3, ['c1', 'c2']), [['c1', [1, 2, 3]], ['c2', [1, 2, 3]]]), partial, info], { grid, clusterLabel: 'cluster', logger: silentLogger });

    expect(answer.failedClusters).toEqual(['c1', 'c2']);
    expect(answer.failureReasons).toEqual(['partial answer: store eu-1 unavailable']);
    expect(answer.warnings).toContain('store eu-1 unavailable');
  });
});
