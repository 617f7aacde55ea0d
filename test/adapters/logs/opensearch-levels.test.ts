import { describe, expect, it } from 'vitest';
import { createOpenSearchLogs, type OpenSearchLogsOptions } from '../../../src/adapters/logs/opensearch/index.js';
import type { LogQuery } from '../../../src/adapters/logs/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startOpenSearchFake, type FakeDoc, type OpenSearchFake } from '../../fakes/opensearch-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const MIN = 60_000;
let fake: OpenSearchFake;
useFake(startOpenSearchFake, (f) => { fake = f; });

const logs = (extra: Partial<OpenSearchLogsOptions> = {}) => createOpenSearchLogs({
  node: fake.url, indexPattern: 'logs-k8s-*', logger: silentLogger, clock: fixedClock(T0), retries: 0, componentAliases: { coredns: ['kube-dns'] }, ...extra,
});

/** A Fluent Bit document; `level` undefined leaves the level field out. */
function doc(atMs: number, message: string, level: string | undefined, k: { app?: string; container?: string; ns?: string } = {}): FakeDoc {
  const app = k.app ?? 'checkout-api';
  return {
    index: 'logs-k8s-2025.06.04',
    source: {
      '@timestamp': new Date(atMs).toISOString(), cluster: 'c1', log: message, ...(level === undefined ? {} : { level }),
      kubernetes: { namespace_name: k.ns ?? 'apps', pod_name: `${app}-0`, container_name: k.container ?? app, labels: { app } },
    },
  };
}

const query: LogQuery = { clusters: ['c1'], startMs: T0, endMs: T0 + 60 * MIN, limit: 100 };

describe('createOpenSearchLogs: warning and error lines only', () => {
  it('leaves out lines whose level field is quiet, in any usual spelling, before the size cap', async () => {
    fake.add(
      doc(T0 + MIN, 'payment declined: upstream 503', 'error'),
      doc(T0 + 2 * MIN, 'retrying in 2s', 'WARN'),
      ...['info', 'INFO', 'Info', 'debug', 'DEBUG', 'trace', 'notice', 'Notice'].map((level, i) => doc(T0 + (10 + i) * MIN, `chatter ${level}`, level)),
    );

    const lines = await logs().search({ ...query, limit: 2, problemsOnly: true });

    expect(lines.map((l) => [l.message, l.level])).toEqual([['retrying in 2s', 'warn'], ['payment declined: upstream 503', 'error']]);
  });

  it('keeps lines without a level field, their level read from the message, for the caller to judge', async () => {
    fake.add(doc(T0 + MIN, '[ERROR] plugin/errors: i/o timeout', undefined), doc(T0 + 2 * MIN, '[INFO] Reloading complete', undefined), doc(T0 + 3 * MIN, 'GET /healthz 200', 'info'));

    const lines = await logs().search({ ...query, problemsOnly: true });

    expect(lines.map((l) => [l.message, l.level])).toEqual([['[INFO] Reloading complete', 'info'], ['[ERROR] plugin/errors: i/o timeout', 'error']]);
  });

  it.each([
    { name: 'the defaults, on keyword sub-fields', opts: { keywordSuffix: '.keyword' }, field: 'level.keyword', values: ['DEBUG', 'Debug', 'INFO', 'Info', 'NOTICE', 'Notice', 'TRACE', 'Trace', 'debug', 'info', 'notice', 'trace'] },
    { name: 'configured ones, on a configured field', opts: { quietLevels: ['verbose', '30'], fieldMap: { level: 'severity' } }, field: 'severity', values: ['30', 'VERBOSE', 'Verbose', 'verbose'] },
  ])('sends the quiet levels as one must_not terms clause: $name', async ({ opts, field, values }) => {
    await logs(opts).search({ ...query, problemsOnly: true });

    const body = fake.requests[0].body as { query: { bool: { must_not: unknown[] } } };
    expect(body.query.bool.must_not).toEqual([{ terms: { [field]: values } }]);
  });

  it('reads a configured quiet value as debug, as the server judged it, whatever the message says', async () => {
    fake.add(doc(T0 + MIN, '[ERROR] would be an error by its text', 'V'));

    const lines = await logs({ quietLevels: ['v'] }).search(query);

    expect(lines.map((l) => l.level)).toEqual(['debug']);
  });

  it.each([
    { name: 'an empty quiet list', opts: { quietLevels: [] }, q: { ...query, problemsOnly: true } },
    { name: 'a search for every level', opts: {}, q: query },
  ])('sends no level clause for $name', async ({ opts, q }) => {
    fake.add(doc(T0 + MIN, 'chatter', 'info'));

    const lines = await logs(opts).search(q);

    expect(lines).toHaveLength(1);
    expect(JSON.stringify(fake.requests[0].body.query)).not.toContain('must_not');
  });
});

describe('createOpenSearchLogs: lines of some components', () => {
  it('filters on several components by label or container, aliases included, naming each line by the component asked for', async () => {
    fake.add(
      doc(T0 + MIN, 'dns by alias', 'error', { app: 'kube-dns', container: 'dns', ns: 'kube-system' }),
      doc(T0 + 2 * MIN, 'dns by container', 'error', { app: 'something', container: 'coredns', ns: 'kube-system' }),
      doc(T0 + 3 * MIN, 'etcd', 'warn', { app: 'etcd', ns: 'kube-system' }),
      doc(T0 + 4 * MIN, 'another app', 'error'),
    );

    const lines = await logs().search({ ...query, components: ['coredns', 'etcd'] });

    expect(lines.map((l) => [l.message, l.component])).toEqual([['etcd', 'etcd'], ['dns by container', 'coredns'], ['dns by alias', 'coredns']]);
  });

  it('gives each line the store\'s id, and sends nothing for an empty component list', async () => {
    fake.add({ ...doc(T0 + MIN, 'x', 'error'), id: 'abc' });

    const [line] = await logs().search(query);
    const none = await logs().search({ ...query, components: [] });

    expect(line.id).toBe('logs-k8s-2025.06.04/abc');
    expect(none).toEqual([]);
    expect(fake.requests).toHaveLength(1);
  });
});
