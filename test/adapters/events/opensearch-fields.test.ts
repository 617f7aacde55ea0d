import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { createOpenSearchEvents } from '../../../src/adapters/events/opensearch/index.js';
import type { EventQuery } from '../../../src/adapters/events/types.js';
import { buildOpenSearchEvents } from '../../../src/adapters/read-backends-config.js';
import { fixedClock } from '../../../src/core/clock.js';
import { loadConfig } from '../../../src/core/config/load-config.js';
import { ConfigError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startOpenSearchFake, type FakeDoc, type OpenSearchFake } from '../../fakes/opensearch-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const MIN = 60_000;
let fake: OpenSearchFake;
useFake(startOpenSearchFake, (f) => { fake = f; });

/** What one Kubernetes event says, whatever layout ships it. */
interface Ev { atMs: number; cluster: string; reason: string; uid: string; count?: number; type?: string; kind?: string; name?: string; host?: string }

const ev = (atMs: number, reason: string, more: Partial<Ev> = {}): Ev => ({ atMs, cluster: 'c1', reason, uid: `uid-${reason}-${atMs}`, count: 3, type: 'Warning', kind: 'Pod', name: 'coredns-5d78c9869d-x7k2p', host: 'node-a', ...more });

/** kubernetes-event-exporter: the core/v1 Event object plus the cluster the pipeline adds. */
function exporterDoc(e: Ev): FakeDoc {
  return {
    index: 'kube-events-2025.06.04',
    source: {
      cluster: e.cluster, reason: e.reason, type: e.type, message: `${e.reason} happened`, count: e.count,
      metadata: { name: `${e.name}.17d8a`, namespace: 'kube-system', uid: e.uid },
      involvedObject: { kind: e.kind, name: e.name, namespace: 'kube-system' },
      source: { component: 'kubelet', host: e.host },
      lastTimestamp: new Date(e.atMs).toISOString(), eventTime: null,
    },
  };
}

/** Metricbeat's kubernetes `event` metricset (its host is "" when the event names none), with ECS `orchestrator.cluster.name`. */
function metricbeatDoc(e: Ev): FakeDoc {
  return {
    index: 'metricbeat-8.14.0-2025.06.04',
    source: {
      '@timestamp': new Date(e.atMs + 1500).toISOString(),
      orchestrator: { cluster: { name: e.cluster } },
      metricset: { name: 'event' },
      kubernetes: {
        event: {
          reason: e.reason, type: e.type, message: `${e.reason} happened`, count: e.count,
          metadata: { name: `${e.name}.17d8a`, namespace: 'kube-system', uid: e.uid },
          involved_object: { kind: e.kind, name: e.name, api_version: 'v1' },
          source: { component: 'kubelet', host: e.host ?? '' },
          timestamp: { first_occurrence: new Date(e.atMs - 10 * MIN).toISOString(), last_occurrence: new Date(e.atMs).toISOString() },
        },
      },
    },
  };
}

const METRICBEAT_EVENTS = `
    indexPattern: metricbeat-*
    clusterField: orchestrator.cluster.name
    timestampFields: [kubernetes.event.timestamp.last_occurrence]
    fields:
      reason: kubernetes.event.reason
      message: kubernetes.event.message
      type: kubernetes.event.type
      count: kubernetes.event.count
      namespace: kubernetes.event.metadata.namespace
      involvedKind: kubernetes.event.involved_object.kind
      involvedName: kubernetes.event.involved_object.name
      node: kubernetes.event.source.host
      uid: kubernetes.event.metadata.uid
`;

function configFile(name: string, text: string): string {
  const file = join(mkdtempSync(join(tmpdir(), 'fleetops-event-fields-')), name);
  writeFileSync(file, text);
  return file;
}

/** The events adapter as a job builds it: YAML → loadConfig → buildOpenSearchEvents. */
function fromConfig(events: string) {
  const cfg = loadConfig({ file: configFile('fleet.yaml', `opensearch:\n  node: ${fake.url}\n  keywordSuffix: .keyword\n  events:${events}`), env: {} });
  return buildOpenSearchEvents(cfg.opensearch, { env: {}, logger: silentLogger, clock: fixedClock(T0), field: 'opensearch' });
}

/** The same events in both layouts: updates of one event (same uid), a Node event with no host, one of another cluster, one out of range. */
const FLEET: Ev[] = [
  ev(T0 + 5 * MIN, 'Unhealthy', { uid: 'u-1', count: 1 }),
  ev(T0 + 6 * MIN, 'Unhealthy', { uid: 'u-1', count: 2 }),
  ev(T0 + 20 * MIN, 'NodeNotReady', { type: 'Normal', count: undefined, kind: 'Node', name: 'node-b', host: undefined }),
  ev(T0 + 25 * MIN, 'OOMKilling', { cluster: 'c2' }),
  ev(T0 - MIN, 'BackOff'),
];
const query: EventQuery = { clusters: ['c1'], startMs: T0, endMs: T0 + 60 * MIN, limit: 50 };
const EXPECTED = [
  { tsMs: T0 + 20 * MIN, cluster: 'c1', namespace: 'kube-system', involvedKind: 'Node', involvedName: 'node-b', node: 'node-b', reason: 'NodeNotReady', type: 'Normal', message: 'NodeNotReady happened', count: 1 },
  { tsMs: T0 + 6 * MIN, cluster: 'c1', namespace: 'kube-system', involvedKind: 'Pod', involvedName: 'coredns-5d78c9869d-x7k2p', node: 'node-a', reason: 'Unhealthy', type: 'Warning', message: 'Unhealthy happened', count: 2 },
];

describe('opensearch.events.fields', () => {
  it('reads the exporter layout as before when no fields are configured', async () => {
    fake.add(...FLEET.map(exporterDoc));

    const list = await fromConfig('\n    indexPattern: kube-events-*\n').listEvents(query);
    await fromConfig('\n    indexPattern: kube-events-*\n').listEvents({ ...query, reasons: ['NodeNotReady'] });

    expect(list).toEqual(EXPECTED);
    expect(fake.requests[1].body.query).toEqual({ bool: { filter: [
      { bool: { should: [
        { range: { lastTimestamp: { gte: T0, lt: T0 + 60 * MIN, format: 'epoch_millis' } } },
        { range: { eventTime: { gte: T0, lt: T0 + 60 * MIN, format: 'epoch_millis' } } },
      ], minimum_should_match: 1 } },
      { terms: { 'cluster.keyword': ['c1'] } },
      { terms: { 'reason.keyword': ['NodeNotReady'] } },
    ] } });
  });

  it('reads the Metricbeat layout into the same events once its fields are configured', async () => {
    fake.add(...FLEET.map(metricbeatDoc));

    const list = await fromConfig(METRICBEAT_EVENTS).listEvents(query);

    expect(list).toEqual(EXPECTED);
    expect(fake.requests[0].index).toBe('metricbeat-*');
  });

  it('takes the next timestamp field when Metricbeat wrote the zero time (0001-01-01) for an event without last_occurrence', async () => {
    const zero = metricbeatDoc(ev(T0 + 30 * MIN, 'FailedScheduling', { uid: 'u-9' }));
    const timestamp = (zero.source as { kubernetes: { event: { timestamp: Record<string, string> } } }).kubernetes.event.timestamp;
    timestamp.last_occurrence = '0001-01-01T00:00:00Z';
    timestamp.first_occurrence = new Date(T0 + 30 * MIN).toISOString();
    fake.add(zero, ...FLEET.map(metricbeatDoc));

    const events = fromConfig(METRICBEAT_EVENTS.replace('timestampFields: [kubernetes.event.timestamp.last_occurrence]', 'timestampFields: [kubernetes.event.timestamp.last_occurrence, kubernetes.event.timestamp.first_occurrence]'));
    const list = await events.listEvents(query);

    expect(list.map((e) => [e.reason, new Date(e.tsMs).toISOString()])).toEqual([
      ['FailedScheduling', new Date(T0 + 30 * MIN).toISOString()], ...EXPECTED.map((e) => [e.reason, new Date(e.tsMs).toISOString()]),
    ]);
  });

  it('filters reasons on the configured field, with the keyword suffix', async () => {
    fake.add(...FLEET.map(metricbeatDoc));

    const list = await fromConfig(METRICBEAT_EVENTS).listEvents({ ...query, reasons: ['NodeNotReady', 'OOMKilling'] });

    expect(list.map((e) => e.reason)).toEqual(['NodeNotReady']);
    expect(fake.requests[0].body.query).toEqual({ bool: { filter: [
      { range: { 'kubernetes.event.timestamp.last_occurrence': { gte: T0, lt: T0 + 60 * MIN, format: 'epoch_millis' } } },
      { terms: { 'orchestrator.cluster.name.keyword': ['c1'] } },
      { terms: { 'kubernetes.event.reason.keyword': ['NodeNotReady', 'OOMKilling'] } },
    ] } });
  });

  it('tries candidate fields in order, and keeps only events whose reason read is one asked for', async () => {
    const nested = (reason: Record<string, string>, atMs: number): FakeDoc => ({
      index: 'kube-events-1',
      source: { cluster: 'c1', lastTimestamp: new Date(atMs).toISOString(), obj: { ...reason, regarding: { kind: 'Pod', name: 'p' }, note: 'n', series: { count: 4 } } },
    });
    fake.add(nested({ reason: 'Pulled', deprecatedReason: 'OOMKilling' }, T0 + MIN), nested({ deprecatedReason: 'OOMKilling' }, T0 + 2 * MIN));
    const events = createOpenSearchEvents({
      node: fake.url, indexPattern: 'kube-events-*', logger: silentLogger, clock: fixedClock(T0), retries: 0,
      fieldMap: { reason: ['obj.reason', 'obj.deprecatedReason'], involvedKind: ['obj.regarding.kind'], involvedName: ['obj.regarding.name'], message: ['obj.note'], count: ['obj.series.count'] },
    });

    const list = await events.listEvents({ ...query, reasons: ['OOMKilling'] });

    expect(list).toEqual([{ tsMs: T0 + 2 * MIN, cluster: 'c1', namespace: '', involvedKind: 'Pod', involvedName: 'p', reason: 'OOMKilling', type: 'Normal', message: 'n', count: 4 }]);
    expect(JSON.stringify(fake.requests[0].body)).toContain('{"bool":{"should":[{"terms":{"obj.reason":["OOMKilling"]}},{"terms":{"obj.deprecatedReason":["OOMKilling"]}}],"minimum_should_match":1}}');
  });

  it.each([
    ['an unknown key', 'reasons: kubernetes.event.reason', 5, /opensearch\.events\.fields\.reasons: unknown key/],
    ['an empty field', 'reason: ""', 5, /opensearch\.events\.fields\.reason: expected a document field such as kubernetes\.event\.reason \(dot-separated, no spaces or empty parts\) or a list of them, found string ""/],
    ['an empty list', 'namespace: []', 5, /opensearch\.events\.fields\.namespace: expected at least one field \(an empty list reads nothing\), found a list/],
    ['a malformed candidate', 'node: [kubernetes.event.source.host, "source host"]', 5, /opensearch\.events\.fields\.node\.1: expected a document field such as .*, found string "source host"/],
    ['a field that is not text', 'count: 3', 5, /opensearch\.events\.fields\.count: expected a document field such as kubernetes\.event\.reason .* or a list of them, found number 3/],
  ])('refuses %s, naming file, line and field', (_case, entry, line, message) => {
    const file = configFile('bad.yaml', `opensearch:\n  events:\n    indexPattern: kube-events-*\n    fields:\n      ${entry}\n`);

    const load = () => loadConfig({ file, env: {} });

    expect(load).toThrow(ConfigError);
    expect(load).toThrow(new RegExp(`bad\\.yaml:${line}: ${message.source}`));
  });

  it.each([
    ['an empty cluster field', 'clusterField: ""', /opensearch\.events\.clusterField: expected a document field such as kubernetes\.namespace_name .*, found string ""/],
    ['a timestamp field with a space', 'timestampFields: [lastTimestamp, "event time"]', /opensearch\.events\.timestampFields\.1: expected a document field such as .*, found string "event time"/],
  ])('refuses %s (it would match no document), naming file, line and field', (_case, entry, message) => {
    const file = configFile('bad.yaml', `opensearch:\n  events:\n    indexPattern: kube-events-*\n    ${entry}\n`);

    expect(() => loadConfig({ file, env: {} })).toThrow(new RegExp(`bad\\.yaml:4: ${message.source}`));
  });
});

describe('the node of an event whose source names no host', () => {
  /** An events.k8s.io Event (kubernetes-event-exporter with the new API): no `source`, a reporting controller and instance. */
  const eventsV1 = (reason: string, controller: string, instance: string, note: string, regarding = { kind: 'Pod', name: 'web-5c8d7f9b4-q7m2k' }): FakeDoc => ({
    index: 'kube-events-2025.06.04',
    source: {
      cluster: 'c1', reason, type: 'Normal', note, metadata: { name: `${regarding.name}.17d8b`, namespace: 'shop', uid: `u-${reason}` },
      regarding: { ...regarding, namespace: 'shop' }, reportingController: controller, reportingInstance: instance,
      eventTime: new Date(T0 + 5 * MIN).toISOString(),
    },
  });

  it('reads a Scheduled event\'s node from its message, not from the scheduler\'s instance', async () => {
    fake.add(eventsV1('Scheduled', 'default-scheduler', 'default-scheduler-cp-1', 'Successfully assigned shop/web-5c8d7f9b4-q7m2k to ip-10-0-3-17.ec2.internal'));
    // core/v1 from the scheduler: source.component only
    const core = exporterDoc(ev(T0 + 7 * MIN, 'Scheduled', { type: 'Normal', host: undefined, name: 'batch-7d9f8-x2x9q' }));
    (core.source as { message: string }).message = 'Successfully assigned kube-system/batch-7d9f8-x2x9q to node-c';
    fake.add(core);

    const list = await fromConfig('\n    indexPattern: kube-events-*\n').listEvents(query);

    // before: the events.k8s.io one read node "default-scheduler-cp-1", the core/v1 one had none
    expect(list.map((e) => [e.involvedName, e.node])).toEqual([['batch-7d9f8-x2x9q', 'node-c'], ['web-5c8d7f9b4-q7m2k', 'ip-10-0-3-17.ec2.internal']]);
  });

  it('takes the reporting instance as the node when the kubelet reported the event', async () => {
    fake.add(eventsV1('BackOff', 'kubelet', 'node-d', 'Back-off restarting failed container web'));

    const [event] = await fromConfig('\n    indexPattern: kube-events-*\n').listEvents(query);

    expect(event).toMatchObject({ reason: 'BackOff', node: 'node-d', message: 'Back-off restarting failed container web' });
  });
});
