import { describe, expect, it } from 'vitest';
import { createOpenSearchEvents, type OpenSearchEventsOptions } from '../../../src/adapters/events/opensearch/index.js';
import type { EventQuery } from '../../../src/adapters/events/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { errorBody, startOpenSearchFake, type FakeDoc, type OpenSearchFake } from '../../fakes/opensearch-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const MIN = 60_000;
let fake: OpenSearchFake;
let sleeps: number[];
useFake(startOpenSearchFake, (f, s) => { fake = f; sleeps = s; });

function events(extra: Partial<OpenSearchEventsOptions> = {}) {
  return createOpenSearchEvents({
    node: fake.url, indexPattern: 'kube-events-*', logger: silentLogger, clock: fixedClock(T0), retries: 1,
    sleep: async (ms) => { sleeps.push(ms); }, ...extra,
  });
}

/** A core/v1 Event as kubernetes-event-exporter ships it, plus the cluster the pipeline adds. */
function coreEvent(atMs: number, cluster: string, reason: string, extra: Record<string, unknown> = {}): FakeDoc {
  return {
    index: 'kube-events-2025.06.04',
    source: {
      cluster, reason, type: 'Warning', message: `${reason} happened`, count: 3,
      metadata: { name: `coredns-5d78c9869d-x7k2p.17d8a${atMs}`, namespace: 'kube-system' },
      involvedObject: { kind: 'Pod', name: 'coredns-5d78c9869d-x7k2p', namespace: 'kube-system' },
      source: { component: 'kubelet', host: 'node-a' },
      firstTimestamp: new Date(atMs - 10 * MIN).toISOString(), lastTimestamp: new Date(atMs).toISOString(), eventTime: null,
      ...extra,
    },
  };
}

const query: EventQuery = { clusters: ['c1'], startMs: T0, endMs: T0 + 60 * MIN, limit: 50 };

describe('createOpenSearchEvents', () => {
  it('maps exporter documents, newest first, within the range and clusters', async () => {
    fake.add(
      coreEvent(T0 + 5 * MIN, 'c1', 'Unhealthy'),
      coreEvent(T0 + 20 * MIN, 'c1', 'NodeNotReady', { type: 'Normal', count: undefined, involvedObject: { kind: 'Node', name: 'node-b' }, source: {} }),
      coreEvent(T0 + 25 * MIN, 'c2', 'Unhealthy'),
      coreEvent(T0 - MIN, 'c1', 'Unhealthy'),
    );

    const list = await events().listEvents(query);

    expect(list).toEqual([
      { tsMs: T0 + 20 * MIN, cluster: 'c1', namespace: 'kube-system', involvedKind: 'Node', involvedName: 'node-b', node: 'node-b', reason: 'NodeNotReady', type: 'Normal', message: 'NodeNotReady happened', count: 1 },
      { tsMs: T0 + 5 * MIN, cluster: 'c1', namespace: 'kube-system', involvedKind: 'Pod', involvedName: 'coredns-5d78c9869d-x7k2p', node: 'node-a', reason: 'Unhealthy', type: 'Warning', message: 'Unhealthy happened', count: 3 },
    ]);
  });

  it('finds events.k8s.io events that carry only eventTime and series.count', async () => {
    fake.add(
      coreEvent(T0 + 5 * MIN, 'c1', 'BackOff'),
      coreEvent(0, 'c1', 'FailedScheduling', { lastTimestamp: null, firstTimestamp: null, eventTime: new Date(T0 + 10 * MIN).toISOString(), count: undefined, series: { count: 7 } }),
    );

    const list = await events().listEvents(query);

    expect(list.map((e) => [e.reason, e.tsMs, e.count])).toEqual([['FailedScheduling', T0 + 10 * MIN, 7], ['BackOff', T0 + 5 * MIN, 3]]);
  });

  it('filters by reasons and bounds the query in time and size', async () => {
    fake.add(coreEvent(T0 + MIN, 'c1', 'OOMKilling'), coreEvent(T0 + 2 * MIN, 'c1', 'Pulled'), coreEvent(T0 + 3 * MIN, 'c1', 'Evicted'));

    const list = await events({ maxSize: 20, keywordSuffix: '.keyword' }).listEvents({ ...query, limit: 1000, reasons: ['OOMKilling', 'Evicted'] });

    expect(list.map((e) => e.reason)).toEqual(['Evicted', 'OOMKilling']);
    const { body } = fake.requests[0];
    expect(body.size).toBe(20);
    expect(body.track_total_hits).toBe(21);
    expect(body.sort).toEqual([
      { lastTimestamp: { order: 'desc', unmapped_type: 'date', missing: '_last' } },
      { eventTime: { order: 'desc', unmapped_type: 'date', missing: '_last' } },
    ]);
    expect(JSON.stringify(body)).toContain('{"terms":{"reason.keyword":["OOMKilling","Evicted"]}}');
    expect(JSON.stringify(body)).toContain(`{"range":{"lastTimestamp":{"gte":${T0},"lt":${T0 + 60 * MIN},"format":"epoch_millis"}}}`);
  });

  it('sends nothing for an empty reasons list', async () => {
    const list = await events().listEvents({ ...query, reasons: [] });

    expect(list).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    { status: 429, headers: { 'retry-after': '1' }, sleeps: [1000], requests: 2, ok: true },
    { status: 502, headers: {}, sleeps: 1, requests: 2, ok: true },
    { status: 403, headers: {}, sleeps: [], requests: 1, ok: false },
  ] as { status: number; headers: Record<string, string>; sleeps: number[] | number; requests: number; ok: boolean }[])('status $status once: retried when it should be', async ({ status, headers, sleeps: wantSleeps, requests, ok }) => {
    fake.failNext({ status, headers, body: errorBody('x', 'injected', status) });
    fake.add(coreEvent(T0 + MIN, 'c1', 'Unhealthy'));

    const outcome = await events().listEvents(query).then((l) => l.length, (e: unknown) => e);

    if (ok) expect(outcome).toBe(1);
    else expect((outcome as ExternalServiceError).details).toMatchObject({ service: 'opensearch', status });
    if (Array.isArray(wantSleeps)) expect(sleeps).toEqual(wantSleeps);
    else expect(sleeps).toHaveLength(wantSleeps);
    expect(fake.requests).toHaveLength(requests);
  });
});

describe('createOpenSearchEvents: evidence that holds on a rerun', () => {
  it('returns one event per Kubernetes event when the exporter shipped each update of it', async () => {
    const uid = { metadata: { name: 'coredns.17d8a', namespace: 'kube-system', uid: '6b1f0c1e-0000-4000-8000-000000000001' } };
    fake.add(
      coreEvent(T0 + MIN, 'c1', 'BackOff', { ...uid, count: 1 }),
      coreEvent(T0 + 2 * MIN, 'c1', 'BackOff', { ...uid, count: 2 }),
      coreEvent(T0 + 3 * MIN, 'c1', 'BackOff', { ...uid, count: 3 }),
      coreEvent(T0 + 4 * MIN, 'c1', 'BackOff', { metadata: { name: 'other', namespace: 'kube-system', uid: '6b1f0c1e-0000-4000-8000-000000000002' }, count: 2 }),
    );

    const list = await events().listEvents(query);

    expect(list.map((e) => [e.tsMs, e.count])).toEqual([[T0 + 4 * MIN, 2], [T0 + 3 * MIN, 3]]);
  });

  it('orders events of the same millisecond the same way whichever copy of the shard answers', async () => {
    fake.add(coreEvent(T0 + MIN, 'c1', 'Unhealthy'), coreEvent(T0 + MIN, 'c1', 'BackOff'), coreEvent(T0 + MIN, 'c1', 'Killing'));

    const first = await events().listEvents(query);
    fake.reverseTies(true);
    const rerun = await events().listEvents(query);

    expect(rerun.map((e) => e.reason)).toEqual(first.map((e) => e.reason));
    expect(first.map((e) => e.reason)).toEqual(['Unhealthy', 'BackOff', 'Killing']);
  });

  it('refuses a non-finite range instead of sending an unbounded query', async () => {
    fake.add(coreEvent(T0 - 24 * 60 * MIN, 'c1', 'Unhealthy'));

    const err = await events().listEvents({ ...query, startMs: NaN }).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(/startMs/);
    expect(fake.requests).toHaveLength(0);
  });
});
