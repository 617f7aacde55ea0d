import { describe, expect, it } from 'vitest';
import { createPrometheusMetrics, type PrometheusMetricsOptions } from '../../../src/adapters/metrics/prometheus/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { buildCatalog } from '../../../src/signals/catalog.js';
import { errorBody, matrixBody, startPrometheusFake, type PrometheusFake, type RecordedRequest } from '../../fakes/prometheus-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2025, 5, 4); // 2025-06-04T00:00:00Z
const STEP = 300;
const catalog = buildCatalog();
let fake: PrometheusFake;
let sleeps: number[];
useFake(startPrometheusFake, (f, s) => { fake = f; sleeps = s; });

function source(extra: Partial<PrometheusMetricsOptions> = {}) {
  return createPrometheusMetrics({
    baseUrl: fake.url, catalog, logger: silentLogger, clock: fixedClock(T0), useRecordingRules: 'never', retries: 3,
    sleep: async (ms) => { sleeps.push(ms); }, ...extra,
  });
}

/** Four 5-minute points from T0 for one cluster. */
function points(...values: (number | string)[]): [number, number | string][] {
  return values.map((v, i) => [T0 / 1000 + i * STEP, v]);
}

function clustersOf(req: RecordedRequest): string {
  return /cluster=~?"([^"]*)"/.exec(req.params.get('query') ?? '')?.[1] ?? '';
}

const request = { signal: 'availability', component: 'coredns', clusters: ['c1', 'c2'], startMs: T0, endMs: T0 + 4 * STEP * 1000, stepSeconds: STEP };

describe('createPrometheusMetrics', () => {
  it.each(['lean', 'prometheus-query'] as const)('assembles step-aligned series with NaN, "+Inf" and gaps (%s decoder)', async (decoder) => {
    fake.route('/api/v1/query_range', () => ({ body: matrixBody([
      { metric: { cluster: 'c1' }, values: points(0.999, 'NaN', '+Inf', '-Inf') },
      { metric: { cluster: 'c2' }, values: [[T0 / 1000 + STEP, '1']] },
    ]) }));

    const answer = await source({ decoder }).query(request);

    const c1 = answer.series.find((s) => s.cluster === 'c1');
    const c2 = answer.series.find((s) => s.cluster === 'c2');
    expect(Array.from(c1?.values ?? [])).toEqual([0.999, NaN, Infinity, -Infinity]);
    expect(Array.from(c2?.values ?? [])).toEqual([NaN, 1, NaN, NaN]);
    expect(c1).toMatchObject({ component: 'coredns', signal: 'availability', startMs: T0, stepMs: STEP * 1000 });
    expect(answer.failedClusters).toEqual([]);
    expect(answer.bytesFetched).toBeGreaterThan(100);
    expect(fake.requests[0].method).toBe('POST');
    expect(fake.requests[0].params.get('step')).toBe('300');
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    fake.route('/api/v1/query_range', (_req, nth) => (nth === 0
      ? { status: 429, headers: { 'retry-after': '7' }, body: errorBody('too_many_requests', 'slow down') }
      : { body: matrixBody([{ metric: { cluster: 'c1' }, values: points(1, 1, 1, 1) }]) }));

    const answer = await source().query(request);

    expect(sleeps).toEqual([7000]);
    expect(fake.requests).toHaveLength(2);
    expect(answer.series).toHaveLength(1);
  });

  it.each(['lean', 'prometheus-query'] as const)('retries a 503 with backoff, then succeeds (%s)', async (decoder) => {
    fake.route('/api/v1/query_range', (_req, nth) => (nth === 0 ? { status: 503, body: 'upstream unavailable' } : { body: matrixBody([{ metric: { cluster: 'c1' }, values: points(1, 1, 1, 1) }]) }));

    const answer = await source({ decoder, retryBaseDelayMs: 100 }).query(request);

    expect(sleeps).toHaveLength(1);
    expect(sleeps[0]).toBeGreaterThanOrEqual(50);
    expect(sleeps[0]).toBeLessThanOrEqual(100);
    expect(answer.failedClusters).toEqual([]);
  });

  it('splits a query refused with 422 and never retries the same query', async () => {
    fake.route('/api/v1/query_range', (req) => (clustersOf(req).includes('|')
      ? { status: 422, body: errorBody('execution', 'query processing would load too many samples into memory') }
      : { body: matrixBody([{ metric: { cluster: clustersOf(req) }, values: points(1, 1, 1, 1) }]) }));

    const answer = await source().query(request);

    expect(fake.requests.map(clustersOf)).toEqual(['c1|c2', 'c1', 'c2']);
    expect(sleeps).toEqual([]);
    expect(answer.series.map((s) => s.cluster).sort()).toEqual(['c1', 'c2']);
  });

  it('fails a 422 that is not about size (a template error) as it is, without splitting it into thousands of queries', async () => {
    fake.route('/api/v1/query_range', () => ({ status: 422, body: errorBody('execution', 'found duplicate series for the match group {cluster="c1"} on the right hand side of the operation: many-to-many matching not allowed') }));

    const answer = await source().query(request);

    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(answer.failedClusters.sort()).toEqual(['c1', 'c2']);
    expect(answer.failureReasons?.join()).toMatch(/many-to-many matching not allowed/);
  });

  it.each(['lean', 'prometheus-query'] as const)('reports a 200 answer that is not JSON (a login page from a proxy) as one failed query naming what came back (%s)', async (decoder) => {
    fake.route('/api/v1/query_range', () => ({ body: '<html><body>Sign in to continue</body></html>' }));

    const answer = await source({ decoder }).query(request);

    expect(answer.failedClusters.sort()).toEqual(['c1', 'c2']);
    expect(answer.warnings[0]).toMatch(/Prometheus answered 200: <html><body>Sign in/);
    // not a network error: not retried, and not counted towards the circuit breaker
    expect(fake.requests).toHaveLength(1);
    expect(sleeps).toEqual([]);
  });

  it.each(['lean', 'prometheus-query'] as const)('names a 502 page from a proxy, and a body cut off inside a sample, with their status (%s)', async (decoder) => {
    const body = JSON.stringify(matrixBody([{ metric: { cluster: 'c1' }, values: points(1, 1, 1, 1) }]));
    fake.route('/api/v1/query_range', (_req, nth) => (nth < 4 ? { status: 502, body: '<html><h1>502 Bad Gateway</h1></html>' } : { body: body.slice(0, body.indexOf('[[') + 2) }));

    const proxied = await source({ decoder }).query(request);
    const cut = await source({ decoder, retries: 0 }).query(request);

    expect(proxied.warnings[0]).toMatch(/Prometheus answered 502: <html><h1>502 Bad Gateway/);
    expect(cut.warnings[0]).toMatch(/Prometheus answered 200: \{"status":"success"/);
    expect(cut.warnings[0]).not.toMatch(/malformed sample/);
  });

  it('halves the range, not the cluster batch, when the limit is on points per series (no query per cluster)', async () => {
    fake.route('/api/v1/query_range', (req) => {
      const [start, end] = [Number(req.params.get('start')), Number(req.params.get('end'))];
      if ((end - start) / STEP + 1 > 12) return { status: 422, body: errorBody('execution', 'exceeded maximum resolution of 12 points per timeseries. Try decreasing the query resolution') };
      const values = Array.from({ length: (end - start) / STEP + 1 }, (_, i): [number, string] => [start + i * STEP, '1']);
      return { body: matrixBody(['c1', 'c2'].map((cluster) => ({ metric: { cluster }, values }))) };
    });

    const answer = await source().query({ ...request, endMs: T0 + 24 * STEP * 1000 });

    expect(fake.requests.map(clustersOf)).toEqual(['c1|c2', 'c1|c2', 'c1|c2']);
    expect(answer.failedClusters).toEqual([]);
    expect(answer.series.map((s) => Array.from(s.values))).toEqual([Array(24).fill(1), Array(24).fill(1)]);
  });

  it.each(['lean', 'prometheus-query'] as const)('merges two series of one cluster (HA replicas) point by point instead of the later one blanking the earlier (%s)', async (decoder) => {
    fake.route('/api/v1/query_range', () => ({ body: matrixBody([
      { metric: { cluster: 'c1', replica: 'a' }, values: points(1, 1) },
      { metric: { cluster: 'c1', replica: 'b' }, values: [[T0 / 1000 + 2 * STEP, '2']] },
      { metric: { cluster: 'Inf' }, values: points('+Inf') },
    ]) }));

    const answer = await source({ decoder }).query(request);

    expect(answer.series.map((s) => [s.cluster, Array.from(s.values)])).toEqual([['c1', [1, 1, 2, NaN]], ['Inf', [Infinity, NaN, NaN, NaN]]]);
  });

  it('reads a large answer (100 clusters × 288 points of 16-17-digit values) exactly as JSON.parse would', async () => {
    const clusters = Array.from({ length: 100 }, (_, i) => `c${i}`);
    const value = (c: number, i: number) => String(Math.sin(c * 1000 + i) / 7);
    fake.route('/api/v1/query_range', () => ({ body: matrixBody(clusters.map((cluster, c) => ({ metric: { cluster }, values: Array.from({ length: 288 }, (_, i) => [T0 / 1000 + i * STEP, value(c, i)] as [number, string]) }))) }));

    const answer = await source({ decoder: 'lean' }).query({ ...request, clusters, endMs: T0 + 288 * STEP * 1000 });

    expect(answer.series).toHaveLength(100);
    for (const s of answer.series) {
      const c = Number(s.cluster.slice(1));
      expect(Array.from(s.values)).toEqual(Array.from({ length: 288 }, (_, i) => Number(value(c, i))));
    }
  });

  it('stops querying a server that keeps failing (circuit breaker), then tries one query after the cooldown', async () => {
    let down = true;
    fake.route('/api/v1/query_range', () => (down ? { status: 503, body: 'upstream unavailable' } : { body: matrixBody([{ metric: { cluster: 'c1' }, values: points(1, 1, 1, 1) }]) }));
    let now = 0;
    const metrics = source({ retries: 1, breakerFailures: 2, breakerCooldownMs: 30_000, breakerNowMs: () => now, concurrency: 1 });

    const answers = [];
    for (let i = 0; i < 5; i++) answers.push(await metrics.query(request));

    // two queries with one retry each reached the server; the other three were skipped at once
    expect(fake.requests).toHaveLength(4);
    expect(answers.every((a) => a.failedClusters.length === 2)).toBe(true);
    expect(answers[1].failureReasons?.[0]).toMatch(/503/);
    expect(answers[4].failureReasons).toEqual([`Prometheus at ${fake.url.replace(/\/$/, '')} is not answering (${answers[1].failureReasons?.[0]}): call skipped, tried again after 30 s`]);

    now = 29_999;
    await metrics.query(request);
    expect(fake.requests).toHaveLength(4);

    down = false;
    now = 30_000;
    const probe = await metrics.query(request);
    const after = await metrics.query(request);
    expect(probe.failedClusters).toEqual([]);
    expect(after.series).toHaveLength(1);
    expect(fake.requests).toHaveLength(6);
  });

  it('counts only server-down errors towards the breaker: a refused query (400) keeps it closed', async () => {
    fake.route('/api/v1/query_range', (_req, nth) => (nth % 2 === 0 ? { status: 503, body: 'busy' } : { status: 400, body: errorBody('bad_data', 'parse error') }));
    const metrics = source({ retries: 0, breakerFailures: 2, breakerNowMs: () => 0, concurrency: 1 });

    for (let i = 0; i < 6; i++) await metrics.query(request);

    expect(fake.requests).toHaveLength(6);
  });

  it.each(['lean', 'prometheus-query'] as const)('reports the clusters of a timed-out query as failed, naming the limit and its setting (%s)', async (decoder) => {
    fake.route('/api/v1/query_range', () => ({ hang: true }));

    const answer = await source({ decoder, timeoutMs: 150, retries: 0 }).query(request);

    expect(answer.failedClusters.sort()).toEqual(['c1', 'c2']);
    expect(answer.series).toEqual([]);
    expect(answer.warnings[0]).toMatch(/failed/);
    expect(answer.failureReasons).toEqual(['Prometheus request failed: no answer within 150 ms (metrics.prometheus.timeoutMs)']);
  });

  it.each(['lean', 'prometheus-query'] as const)('returns Thanos/Mimir warnings as partial data, every cluster of the query failed, answered or not (%s)', async (decoder) => {
    fake.route('/api/v1/query_range', () => ({ body: matrixBody([{ metric: { cluster: 'c1' }, values: points(1, 1, 1, 1) }], ['store eu-1 unavailable: partial response']) }));

    const answer = await source({ decoder }).query(request);

    expect(answer.warnings).toEqual(['store eu-1 unavailable: partial response']);
    expect(answer.failedClusters).toEqual(['c1', 'c2']);
    expect(answer.series.map((s) => s.cluster)).toEqual(['c1']);
  });

  it('fails the clusters of a time piece of a split range answered with Thanos/Mimir warnings, though the other piece answered them', async () => {
    fake.route('/api/v1/query_range', (req) => {
      const [start, end] = [Number(req.params.get('start')), Number(req.params.get('end'))];
      const values = Array.from({ length: (end - start) / STEP + 1 }, (_, i): [number, string] => [start + i * STEP, '1']);
      const second = start > T0 / 1000;
      return { body: matrixBody((second ? ['c1'] : ['c1', 'c2']).map((cluster) => ({ metric: { cluster }, values })), second ? ['store eu-1 unavailable: partial response'] : undefined) };
    });

    const answer = await source({ limits: { maxPointsPerSeries: 100 } }).query({ ...request, endMs: T0 + 200 * STEP * 1000 });

    expect(fake.requests).toHaveLength(2);
    expect(answer.failedClusters).toEqual(['c1', 'c2']);
    expect(answer.failureReasons).toEqual(['partial answer: store eu-1 unavailable: partial response']);
  });

  it.each([
    ['custom header and tenant', { headers: { 'x-team': 'sre' }, tenant: 'fleet' }, { 'x-team': 'sre', 'x-scope-orgid': 'fleet' }],
    ['bearer', { auth: { kind: 'bearer', token: 't0k' } }, { authorization: 'Bearer t0k' }],
    ['basic', { auth: { kind: 'basic', username: 'u', password: 'p' } }, { authorization: `Basic ${Buffer.from('u:p').toString('base64')}` }],
  ] as const)('sends %s to the server (both decoders)', async (_name, extra, expected) => {
    fake.route('/api/v1/query_range', () => ({ body: matrixBody([]) }));

    await source({ ...extra, decoder: 'lean' } as Partial<PrometheusMetricsOptions>).query(request);
    await source({ ...extra, decoder: 'prometheus-query' } as Partial<PrometheusMetricsOptions>).query(request);

    for (const req of fake.requests) expect(req.headers).toMatchObject(expected);
  });

  it.each(['lean', 'prometheus-query'] as const)('signs requests with SigV4 at the clock time (%s)', async (decoder) => {
    fake.route('/api/v1/query_range', () => ({ body: matrixBody([]) }));
    const credentials = async () => ({ accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' });

    await source({ decoder, auth: { kind: 'sigv4', region: 'eu-west-1', credentials } }).query(request);

    const { headers } = fake.requests[0];
    expect(headers['x-amz-date']).toBe('20250604T000000Z');
    expect(headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/20250604\/eu-west-1\/aps\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
  });

  it('reads raw templates when the recording rules stopped before the end of the window (ruler down), not a window of NaN for every cluster', async () => {
    const rulesStopMs = T0 + 2 * STEP * 1000;
    fake.route('/api/v1/label/__name__/values', (req) => ({ body: { status: 'success', data: Number(req.params.get('start')) * 1000 < rulesStopMs ? ['fleetops:coredns:availability'] : [] } }));
    fake.route('/api/v1/query_range', () => ({ body: matrixBody([]) }));

    await source({ useRecordingRules: 'auto' }).query({ ...request, endMs: T0 + 4 * 3_600_000 });

    const query = fake.requests.find((r) => r.path.endsWith('query_range'))?.params.get('query');
    expect(query).toContain('coredns_dns_responses_total');
  });

  it('asks with the raw template for the clusters a recording rule has no series for (rules rolled out to some clusters only), and not again for those it covers', async () => {
    fake.route('/api/v1/label/__name__/values', () => ({ body: { status: 'success', data: ['fleetops:coredns:availability'] } }));
    fake.route('/api/v1/query_range', (req) => {
      const values = points(0.99, 0.99, 0.99, 0.99, 0.99);
      const viaRule = req.params.get('query')?.startsWith('fleetops:') ?? false;
      return { body: matrixBody(viaRule ? [{ metric: { cluster: 'c1' }, values }] : [{ metric: { cluster: 'c2' }, values: points(0.5, 0.5, 0.5, 0.5, 0.5) }]) };
    });

    const answer = await source({ useRecordingRules: 'auto' }).query({ ...request, clusters: ['c1', 'c2', 'c3'] });

    const queries = fake.requests.filter((r) => r.path.endsWith('query_range')).map((r) => r.params.get('query') ?? '');
    expect(queries).toHaveLength(2);
    expect(queries[0]).toBe('fleetops:coredns:availability{cluster=~"c1|c2|c3"}');
    expect(queries[1]).toContain('coredns_dns_responses_total');
    expect(queries[1]).toContain('cluster=~"c2|c3"');
    expect(answer.series.map((x) => [x.cluster, x.values[0]])).toEqual([['c1', 0.99], ['c2', 0.5]]);
    expect(answer.failedClusters).toEqual([]);
  });

  it('uses a recording rule found by the once-per-run probe', async () => {
    fake.route('/api/v1/label/__name__/values', () => ({ body: { status: 'success', data: ['fleetops:coredns:availability'] } }));
    fake.route('/api/v1/query_range', () => ({ body: matrixBody(['c1', 'c2'].map((cluster) => ({ metric: { cluster }, values: points(1, 1, 1, 1, 1) }))) }));
    const metrics = source({ useRecordingRules: 'auto' });

    await metrics.query(request);
    await metrics.query({ ...request, component: 'apiserver' });

    const queries = fake.requests.filter((r) => r.path.endsWith('query_range')).map((r) => r.params.get('query'));
    expect(queries[0]).toBe('fleetops:coredns:availability{cluster=~"c1|c2"}');
    expect(queries[1]).toContain('apiserver_request_total');
    expect(fake.requests.filter((r) => r.path.includes('label'))).toHaveLength(1);
  });
});
