import { describe, expect, it } from 'vitest';
import { createOpenSearchLogs, type OpenSearchLogsOptions } from '../../../src/adapters/logs/opensearch/index.js';
import type { LogQuery } from '../../../src/adapters/logs/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { errorBody, startOpenSearchFake, type FakeDoc, type OpenSearchFake } from '../../fakes/opensearch-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10); // 2025-06-04T10:00:00Z
const MIN = 60_000;
let fake: OpenSearchFake;
let sleeps: number[];
useFake(startOpenSearchFake, (f, s) => { fake = f; sleeps = s; });

function logs(extra: Partial<OpenSearchLogsOptions> = {}) {
  return createOpenSearchLogs({
    node: fake.url, indexPattern: 'logs-k8s-*', logger: silentLogger, clock: fixedClock(T0), retries: 2,
    sleep: async (ms) => { sleeps.push(ms); }, componentAliases: { coredns: ['kube-dns'] }, ...extra,
  });
}

/** A Fluent Bit Kubernetes-filter document. */
function fluentBit(atMs: number, cluster: string, log: string, k: { app?: string; container?: string; pod?: string } = {}): FakeDoc {
  return {
    index: 'logs-k8s-2025.06.04',
    source: {
      '@timestamp': new Date(atMs).toISOString(), cluster, log: `${log}\n`, stream: 'stderr',
      kubernetes: { namespace_name: 'kube-system', pod_name: k.pod ?? 'coredns-5d78c9869d-x7k2p', host: 'node-a', container_name: k.container ?? 'coredns', labels: { app: k.app ?? 'kube-dns' } },
    },
  };
}

const query: LogQuery = { clusters: ['c1', 'c2'], startMs: T0, endMs: T0 + 60 * MIN, limit: 100 };

describe('createOpenSearchLogs', () => {
  it('returns lines in the range and clusters asked for, newest first, with a bounded query', async () => {
    fake.add(
      fluentBit(T0 + 5 * MIN, 'c1', '[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.1.5:41234->10.96.0.10:53: i/o timeout'),
      fluentBit(T0 + 30 * MIN, 'c2', '[INFO] Reloading'),
      fluentBit(T0 - MIN, 'c1', 'before the range'),
      fluentBit(T0 + 60 * MIN, 'c1', 'at the exclusive end'),
      fluentBit(T0 + 10 * MIN, 'c3', 'another cluster'),
      { index: 'other-index', source: { '@timestamp': new Date(T0 + MIN).toISOString(), cluster: 'c1', log: 'other index' } },
    );

    const lines = await logs().search(query);

    expect(lines.map((l) => l.message)).toEqual(['[INFO] Reloading', '[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.1.5:41234->10.96.0.10:53: i/o timeout']);
    expect(lines[1]).toEqual({
      id: 'logs-k8s-2025.06.04/doc-1', tsMs: T0 + 5 * MIN, cluster: 'c1', namespace: 'kube-system', pod: 'coredns-5d78c9869d-x7k2p', node: 'node-a', component: 'coredns', level: 'error',
      message: '[ERROR] plugin/errors: 2 example.com. A: read udp 10.244.1.5:41234->10.96.0.10:53: i/o timeout',
    });
    const { body, index } = fake.requests[0];
    expect(index).toBe('logs-k8s-*');
    expect(body).toMatchObject({
      size: 100, track_total_hits: 101, sort: [{ '@timestamp': { order: 'desc' } }],
      query: { bool: { filter: [{ range: { '@timestamp': { gte: T0, lt: T0 + 60 * MIN, format: 'epoch_millis' } } }, { terms: { cluster: ['c1', 'c2'] } }] } },
    });
  });

  it.each([
    { limit: 10_000, maxSize: undefined, size: 500 },
    { limit: 10_000, maxSize: 3, size: 3 },
    { limit: 2, maxSize: 3, size: 2 },
  ])('caps the size at min(limit, maxSize): limit $limit, maxSize $maxSize → $size', async ({ limit, maxSize, size }) => {
    for (let i = 0; i < 5; i++) fake.add(fluentBit(T0 + i * MIN, 'c1', `line ${i}`));

    const lines = await logs({ maxSize }).search({ ...query, limit });

    expect(fake.requests[0].body.size).toBe(size);
    expect(lines.map((l) => l.tsMs)).toEqual([4, 3, 2, 1, 0].slice(0, size).map((i) => T0 + i * MIN));
  });

  it('filters on the component label or container name, aliases included', async () => {
    fake.add(
      fluentBit(T0 + MIN, 'c1', 'dns by label', { app: 'kube-dns', container: 'dns' }),
      fluentBit(T0 + 2 * MIN, 'c1', 'dns by container', { app: 'something', container: 'coredns' }),
      fluentBit(T0 + 3 * MIN, 'c1', 'ingress', { app: 'ingress-nginx', container: 'controller', pod: 'ingress-nginx-controller-7f9c8d6b5-abcde' }),
    );

    const lines = await logs().search({ ...query, components: ['coredns'] });

    expect(lines.map((l) => [l.message, l.component])).toEqual([['dns by container', 'coredns'], ['dns by label', 'coredns']]);
  });

  it.each([
    { name: 'a wildcard cluster', q: { ...query, clusters: ['*'] } },
    { name: 'a Lucene OR in a cluster name', q: { ...query, clusters: ['c9 OR cluster:c1'] } },
    { name: 'a wildcard component', q: { ...query, clusters: ['c1'], components: ['core*'] } },
  ])('matches names exactly: $name does not widen the query', async ({ q }) => {
    fake.add(fluentBit(T0 + MIN, 'c1', 'must not be found'));

    const lines = await logs().search(q);

    expect(lines).toEqual([]);
    expect(JSON.stringify(fake.requests[0].body)).not.toMatch(/query_string|wildcard|prefix|regexp/);
  });

  it('searches text as a phrase: a line holding `" OR *:*` does not widen the query', async () => {
    const needle = '" OR *:*';
    fake.add(
      fluentBit(T0 + MIN, 'c1', `rejected input user="admin${needle}" from 10.0.0.1`),
      fluentBit(T0 + 2 * MIN, 'c1', 'connection refused'),
      fluentBit(T0 + 3 * MIN, 'c1', 'all healthy'),
    );

    const lines = await logs().search({ ...query, text: needle });

    expect(lines.map((l) => l.message)).toEqual([`rejected input user="admin${needle}" from 10.0.0.1`]);
    const sent = JSON.stringify(fake.requests[0].body);
    expect(sent).not.toMatch(/query_string|simple_query_string/);
    expect(fake.requests[0].query.has('q')).toBe(false);
    expect(sent).toContain(JSON.stringify({ match_phrase: { log: needle } }));
  });

  it('reads dotted keys, a level field, klog prefixes, and `message` when `log` is absent; skips hits without a timestamp', async () => {
    fake.add(
      { index: 'logs-k8s-a', source: { '@timestamp': T0 + MIN, cluster: 'c1', 'kubernetes.pod_name': 'kubelet', 'kubernetes.labels.app': 'kubelet', message: 'E0604 10:01:00.123456    1234 kubelet.go:2855] "Container runtime network not ready"' } },
      { index: 'logs-k8s-a', source: { '@timestamp': T0 + 2 * MIN, cluster: 'c1', level: 'WARNING', message: 'disk almost full' } },
      { index: 'logs-k8s-a', source: { cluster: 'c1', message: 'no timestamp' } },
    );

    const lines = await logs().search(query);

    expect(lines.map((l) => [l.level, l.pod, l.component, l.message.slice(0, 16)])).toEqual([
      ['warn', '', '', 'disk almost full'],
      ['error', 'kubelet', 'kubelet', 'E0604 10:01:00.1'],
    ]);
  });

  it('filters on keyword sub-fields when told to', async () => {
    fake.add(fluentBit(T0 + MIN, 'c1', 'x'));

    await logs({ keywordSuffix: '.keyword' }).search({ ...query, components: ['coredns'] });

    const sent = JSON.stringify(fake.requests[0].body);
    expect(sent).toContain('"cluster.keyword"');
    expect(sent).toContain('"kubernetes.labels.app.keyword"');
    expect(sent).toContain('"@timestamp"');
  });

  it.each([
    { auth: { username: 'reader', password: 's3cret' }, header: `Basic ${Buffer.from('reader:s3cret').toString('base64')}` },
    { auth: { bearer: 'tok-1' }, header: 'Bearer tok-1' },
  ])('sends credentials ($header)', async ({ auth, header }) => {
    await logs({ auth }).search(query);

    expect(fake.requests[0].headers.authorization).toBe(header);
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    fake.failNext({ status: 429, headers: { 'retry-after': '2' }, body: errorBody('too_many_requests', 'rejected execution', 429) });
    fake.add(fluentBit(T0 + MIN, 'c1', 'ok'));

    const lines = await logs().search(query);

    expect(sleeps).toEqual([2000]);
    expect(fake.requests).toHaveLength(2);
    expect(lines).toHaveLength(1);
  });

  it('gives up after the retries on 5xx with an error naming the index and status', async () => {
    fake.failNext(...Array.from({ length: 3 }, () => ({ status: 503, body: errorBody('cluster_block_exception', 'blocked by: [SERVICE_UNAVAILABLE/2/no master]', 503) })));

    const err = await logs().search(query).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).details).toMatchObject({ service: 'opensearch', status: 503 });
    expect((err as Error).message).toMatch(/"logs-k8s-\*".*503.*no master/);
    expect(fake.requests).toHaveLength(3);
    expect(sleeps).toHaveLength(2);
  });

  it.each([
    { status: 403, hint: /credentials/ },
    { status: 404, hint: /index pattern/ },
    { status: 400, hint: /parsing_exception/ },
  ])('does not retry $status and says what to check', async ({ status, hint }) => {
    fake.failNext({ status, body: errorBody(status === 400 ? 'parsing_exception' : 'security_exception', 'refused', status) });

    const err = await logs().search(query).catch((e: unknown) => e);

    expect((err as ExternalServiceError).details.status).toBe(status);
    expect((err as Error).message).toMatch(hint);
    expect(fake.requests).toHaveLength(1);
  });

  it('rejects an answer that is not a search response', async () => {
    fake.failNext({ status: 200, body: { acknowledged: true } });

    // before: `… at hits: Invalid input: expected object, received undefined`
    await expect(logs().search(query)).rejects.toThrow(/unexpected shape at hits: expected a mapping, found nothing$/);
  });

  it.each([
    { name: 'no clusters', q: { ...query, clusters: [] } },
    { name: 'an empty range', q: { ...query, endMs: T0 } },
    { name: 'a zero limit', q: { ...query, limit: 0 } },
  ])('sends nothing for $name', async ({ q }) => {
    const lines = await logs().search(q);

    expect(lines).toEqual([]);
    expect(fake.requests).toHaveLength(0);
  });

  it('times out a hanging search and retries it', async () => {
    fake.failNext({ status: 0, hang: true });
    fake.add(fluentBit(T0 + MIN, 'c1', 'after the hang'));

    const lines = await logs({ timeoutMs: 200 }).search(query);

    expect(lines.map((l) => l.message)).toEqual(['after the hang']);
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('aborts a search in flight without retrying', async () => {
    fake.failNext({ status: 0, hang: true });
    const controller = new AbortController();
    setTimeout(() => controller.abort(new Error('deadline')), 100);

    const err = await logs().search({ ...query, abortSignal: controller.signal }).catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/aborted/);
    expect(fake.requests).toHaveLength(1);
  });

  it('stops at once when the caller aborts', async () => {
    const controller = new AbortController();
    controller.abort(new Error('deadline'));

    await expect(logs().search({ ...query, abortSignal: controller.signal })).rejects.toThrow();
    expect(fake.requests).toHaveLength(0);
  });
});

describe('createOpenSearchLogs: evidence that holds on a rerun', () => {
  it('orders lines of the same millisecond the same way whichever copy of the shard answers', async () => {
    fake.add(
      fluentBit(T0 + MIN, 'c1', 'first of the burst'),
      fluentBit(T0 + MIN, 'c1', 'second of the burst'),
      fluentBit(T0 + MIN, 'c2', 'third of the burst'),
      fluentBit(T0 + 2 * MIN, 'c1', 'newest'),
    );

    const first = await logs().search(query);
    fake.reverseTies(true);
    const rerun = await logs().search(query);

    expect(rerun.map((l) => l.message)).toEqual(first.map((l) => l.message));
    expect(first.map((l) => l.message)).toEqual(['newest', 'first of the burst', 'second of the burst', 'third of the burst']);
  });

  it.each([
    { name: 'startMs NaN', q: { ...query, startMs: NaN }, field: /startMs/ },
    { name: 'endMs Infinity', q: { ...query, endMs: Infinity }, field: /endMs/ },
    { name: 'limit NaN', q: { ...query, limit: NaN }, field: /limit/ },
  ])('refuses $name instead of sending an unbounded query', async ({ q, field }) => {
    fake.add(fluentBit(T0 - 24 * 60 * MIN, 'c1', 'a day before the range'));

    const err = await logs().search(q).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(RangeError);
    expect((err as Error).message).toMatch(field);
    expect(fake.requests).toHaveLength(0);
  });

  it.each([
    { name: 'rejected execution on a shard', partial: { failedShards: 1, reason: { type: 'es_rejected_execution_exception', reason: 'rejected execution of search on search thread pool' } } },
    { name: 'a server-side timeout', partial: { timedOut: true } },
  ])('retries a partial answer ($name) instead of taking it as the evidence', async ({ partial }) => {
    fake.partialNext(partial);
    fake.add(fluentBit(T0 + MIN, 'c1', 'one'), fluentBit(T0 + 2 * MIN, 'c1', 'two'));

    const lines = await logs().search(query);

    expect(lines.map((l) => l.message)).toEqual(['two', 'one']);
    expect(fake.requests).toHaveLength(2);
    expect(sleeps).toHaveLength(1);
  });

  it('fails with the shard reason, without retrying, when a shard cannot run the query', async () => {
    fake.partialNext({ failedShards: 2, reason: { type: 'query_shard_exception', reason: 'No mapping found for [@timestamp] in order to sort on' } });
    fake.add(fluentBit(T0 + MIN, 'c1', 'one'));

    const err = await logs().search(query).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).details).toMatchObject({ service: 'opensearch', retryable: false });
    expect((err as Error).message).toMatch(/"logs-k8s-\*".*2 of 3 shards.*query_shard_exception: No mapping found/);
    expect(fake.requests).toHaveLength(1);
  });

  it('cuts a huge line with a marker, never inside a surrogate pair, and keeps it', async () => {
    const huge = `${'x'.repeat(8191)}😀${'y'.repeat(1_000_000)}`;
    fake.add(fluentBit(T0 + MIN, 'c1', huge), fluentBit(T0 + 2 * MIN, 'c1', 'short'));

    const lines = await logs().search(query);

    expect(lines.map((l) => l.message.length < 9000)).toEqual([true, true]);
    expect(lines[1].message).toBe(`${'x'.repeat(8191)}…[truncated, ${huge.length} chars]`);
    expect(lines[0].message).toBe('short');
  });

  it('reads a timestamp without a zone as UTC, as OpenSearch indexed it, whatever the local zone', async () => {
    const tz = process.env.TZ;
    process.env.TZ = 'Asia/Kolkata';
    try {
      fake.add({ index: 'logs-k8s-a', source: { '@timestamp': '2025-06-04T10:05:00.250', cluster: 'c1', log: 'zoneless' } });

      const lines = await logs().search(query);

      expect(lines.map((l) => l.tsMs)).toEqual([T0 + 5 * MIN + 250]);
    } finally {
      if (tz === undefined) delete process.env.TZ;
      else process.env.TZ = tz;
    }
  });
});

describe('createOpenSearchLogs: a component read only from its namespaces', () => {
  /** A line at a namespace field given by its dotted path; no namespace field when `ns` is undefined. */
  function at(nsField: string, ns: string | undefined, message: string, app: string, atMs = T0 + MIN): FakeDoc {
    return {
      index: 'logs-k8s-2025.06.04',
      source: { '@timestamp': new Date(atMs).toISOString(), cluster: 'c1', log: message, ...(ns === undefined ? {} : { [nsField]: ns }), kubernetes: { pod_name: `${app}-0`, container_name: app, labels: { app } } },
    };
  }

  it.each([
    { layout: 'the Fluent Bit default', fieldMap: undefined, keywordSuffix: undefined, nsField: 'kubernetes.namespace_name', sent: 'kubernetes.namespace_name' },
    { layout: 'a configured field, dynamically mapped', fieldMap: { namespace: 'k8s_namespace' }, keywordSuffix: '.keyword', nsField: 'k8s_namespace', sent: 'k8s_namespace.keyword' },
  ])('leaves out a same-named workload of another namespace ($layout), and keeps other components and lines naming no namespace', async ({ fieldMap, keywordSuffix, nsField, sent }) => {
    fake.add(
      at(nsField, 'kube-system', 'platform dns', 'coredns', T0 + MIN),
      at(nsField, 'team-a', 'team dns by name', 'coredns', T0 + 2 * MIN),
      at(nsField, 'team-a', 'team dns by alias', 'kube-dns', T0 + 3 * MIN),
      at(nsField, 'team-a', 'team app', 'checkout-api', T0 + 4 * MIN),
      at(nsField, undefined, 'dns naming no namespace', 'coredns', T0 + 5 * MIN),
    );

    const lines = await logs({ fieldMap, keywordSuffix }).search({ ...query, clusters: ['c1'], componentNamespaces: { coredns: ['kube-system'] } });

    expect(lines.map((l) => [l.message, l.component, l.namespace])).toEqual([
      ['dns naming no namespace', 'coredns', ''],
      ['team app', 'checkout-api', 'team-a'],
      ['platform dns', 'coredns', 'kube-system'],
    ]);
    const sentBody = JSON.stringify(fake.requests[0].body);
    expect(sentBody).toContain(JSON.stringify({ terms: { [sent]: ['kube-system'] } }));
    expect(sentBody).toContain(JSON.stringify({ exists: { field: nsField } }));
  });

  it('sends one clause per namespace list, whatever the number of components sharing it', async () => {
    fake.add(at('kubernetes.namespace_name', 'kube-system', 'etcd line', 'etcd'), at('kubernetes.namespace_name', 'team-a', 'team etcd', 'etcd'));

    const lines = await logs().search({ ...query, componentNamespaces: { coredns: ['kube-system'], etcd: ['kube-system'], 'cert-manager': ['cert-manager'] } });

    expect(lines.map((l) => l.message)).toEqual(['etcd line']);
    expect((fake.requests[0].body as { query: { bool: { must_not: unknown[] } } }).query.bool.must_not).toHaveLength(2);
  });

  it('sends no namespace clause without a scope', async () => {
    await logs().search(query);

    expect(JSON.stringify(fake.requests[0].body)).not.toContain('must_not');
  });
});
