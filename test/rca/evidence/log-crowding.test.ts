import { describe, expect, it } from 'vitest';
import { createOpenSearchLogs } from '../../../src/adapters/logs/opensearch/index.js';
import type { LogLine, LogQuery, LogSearch } from '../../../src/adapters/logs/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { IncidentGroup } from '../../../src/correlate/incident-group.js';
import { evidencePlan, evidenceRow, logEvidence } from '../../../src/rca/evidence/index.js';
import { startOpenSearchFake, type FakeDoc, type OpenSearchFake } from '../../fakes/opensearch-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2026, 10, 29, 10);
const MIN = 60_000;
const NOW = T0 + 3 * 60 * MIN;
let fake: OpenSearchFake;
useFake(startOpenSearchFake, (f) => { fake = f; });

function group(components: string[]): IncidentGroup {
  return {
    id: 'ig-1', title: 'coredns availability', startMs: T0, endMs: T0 + 60 * MIN, clusters: ['c1'], components, signals: ['availability'],
    findings: [{ id: 'f-1', runId: 'r', cluster: 'c1', component: components[0], signal: 'availability', kind: 'dip', severity: 'critical', startMs: T0, endMs: T0 + 60 * MIN, score: 1, details: {} }],
    sharedAttributes: [], severity: 'critical',
  };
}

/** A Fluent Bit document of c1; `level` undefined leaves the level field out (the level is then in the message). */
function line(atMs: number, app: string, namespace: string, message: string, level?: string): FakeDoc {
  return {
    index: 'logs-k8s-2026.11.29',
    source: {
      '@timestamp': new Date(atMs).toISOString(), cluster: 'c1', log: message, ...(level === undefined ? {} : { level }),
      kubernetes: { namespace_name: namespace, pod_name: `${app}-0`, container_name: app, labels: { app } },
    },
  };
}

const DNS_ERROR = '[ERROR] plugin/errors: 2 payments-api.apps.svc.cluster.local. A: read udp 10.0.0.7:41234->10.0.0.2:53: i/o timeout';

/** CoreDNS errors (level in the message only): two before the onset, ten in its first ten minutes. */
const dnsErrors = (): FakeDoc[] => [T0 - 20 * MIN, T0 - 10 * MIN, ...Array.from({ length: 10 }, (_, i) => T0 + (i + 1) * MIN)].map((t) => line(t, 'coredns', 'kube-system', DNS_ERROR));

/** `n` lines 50 ms apart from `fromMs` on. */
const burst = (n: number, fromMs: number, app: string, namespace: string, message: string, level?: string): FakeDoc[] =>
  Array.from({ length: n }, (_, i) => line(fromMs + i * 50, app, namespace, message, level));

const openSearchLogs = (): LogSearch => createOpenSearchLogs({ node: fake.url, indexPattern: 'logs-k8s-*', logger: silentLogger, clock: fixedClock(NOW), retries: 0 });

const rowsOf = (rows: Awaited<ReturnType<typeof logEvidence>>) => rows.map((r) => [r.data.component, r.data.level, r.data.count, r.data.countBeforeOnset]);

describe('log evidence on a busy cluster', () => {
  it('is not crowded out by info chatter: info lines are left out by the store, lines without a level by their message', async () => {
    fake.add(
      ...dnsErrors(),
      // a busy shop: 600 info lines in the last half-minute of each window, newer than every error
      ...burst(600, T0 - MIN, 'checkout-api', 'apps', 'GET /api/cart 200 3ms', 'info'),
      ...burst(600, T0 + 59 * MIN, 'checkout-api', 'apps', 'GET /api/cart 200 3ms', 'INFO'),
      ...[T0 + 2 * MIN, T0 + 3 * MIN].map((t) => line(t, 'coredns', 'kube-system', '[INFO] Reloading complete')),
    );

    const rows = await logEvidence(openSearchLogs(), evidencePlan(group(['coredns']), NOW));

    expect(rowsOf(rows)).toEqual([['coredns', 'error', 12, 2]]);
    expect(rows[0].data).toMatchObject({ rose: true });
    expect(rows[0].data.sampled).toBeUndefined();
    expect(rows[0].excerpt).toMatch(/^12× error from coredns in c1 \(coredns-0\), 2 of them before the onset: "\[ERROR\]/);
    expect(fake.requests).toHaveLength(2);
    expect(JSON.stringify(fake.requests[0].body)).toContain('{"terms":{"level":["DEBUG","Debug","INFO","Info","NOTICE","Notice","TRACE","Trace","debug","info","notice","trace"]}}');
  });

  it('searches a cut window again for the incident\'s own components, and counts their lines in full', async () => {
    fake.add(
      ...dnsErrors(),
      ...burst(600, T0 - MIN, 'batch-export', 'data', 'slow upload: took 12s', 'warn'),
      ...burst(600, T0 + 59 * MIN, 'batch-export', 'data', 'slow upload: took 12s', 'warn'),
    );

    const rows = await logEvidence(openSearchLogs(), evidencePlan(group(['coredns']), NOW));

    expect(rowsOf(rows)).toEqual([['coredns', 'error', 12, 2], ['batch-export', 'warn', 1000, 500]]);
    const [dns, busy] = rows;
    expect(dns.excerpt).toMatch(/^12× error from coredns in c1 \(coredns-0\), 2 of them before the onset: /);
    expect(dns.data).toMatchObject({ rose: true });
    expect(dns.data.sampled).toBeUndefined();
    // the busy workload's rate is over the 55 s each cut answer covers: as often after the onset as before
    expect(busy.excerpt).toMatch(/^at least 1000× warn from batch-export in c1 \(batch-export-0\), at least 500 of them before the onset \(as often as after it\) \(the newest 500 lines of each window were read, warnings and errors only; rates over the time they cover\): /);
    expect(busy.data).toMatchObject({ rose: false, sampled: true });
    expect(fake.requests).toHaveLength(4);
    const own = fake.requests.filter((r) => JSON.stringify(r.body).includes('{"terms":{"kubernetes.labels.app":["coredns"]}}'));
    expect(own).toHaveLength(2);
    expect(dns.query).toContain('and where that was cut the newest 500 of coredns');
  });

  it('counts a line both searches found once', async () => {
    fake.add(
      // CoreDNS errors among the newest lines: the broad answer holds them too
      ...Array.from({ length: 10 }, (_, i) => line(T0 + (50 + i) * MIN, 'coredns', 'kube-system', DNS_ERROR)),
      ...Array.from({ length: 600 }, (_, i) => line(T0 + i * 6000, 'batch-export', 'data', 'slow upload: took 12s', 'warn')),
    );

    const rows = await logEvidence(openSearchLogs(), evidencePlan(group(['coredns']), NOW));

    expect(rows.find((r) => r.data.component === 'coredns')?.data).toMatchObject({ count: 10, countBeforeOnset: 0 });
    expect(fake.requests).toHaveLength(3);
  });

  it('says so when the component\'s own search was cut too, and takes its rate over the span it covers', async () => {
    fake.add(
      ...burst(600, T0 - MIN, 'batch-export', 'data', 'slow upload: took 12s', 'warn'),
      ...burst(600, T0 + 59 * MIN, 'batch-export', 'data', 'slow upload: took 12s', 'warn'),
      ...[T0 - 20 * MIN, T0 - 10 * MIN].map((t) => line(t, 'coredns', 'kube-system', DNS_ERROR)),
      ...Array.from({ length: 600 }, (_, i) => line(T0 + 50 * MIN + i * 1000, 'coredns', 'kube-system', DNS_ERROR)),
    );

    const rows = await logEvidence(openSearchLogs(), evidencePlan(group(['coredns']), NOW));

    const dns = rows.find((r) => r.data.component === 'coredns')!;
    expect(dns.data).toMatchObject({ count: 502, countBeforeOnset: 2, rose: true, sampled: true });
    expect(dns.excerpt).toContain('(the newest 500 lines of coredns in each window were read, warnings and errors only; rates over the time they cover)');
  });

  it('keeps the same rows and ids on a rerun, whichever shard copy answers', async () => {
    fake.add(
      ...dnsErrors(),
      ...burst(600, T0 - MIN, 'batch-export', 'data', 'slow upload: took 12s', 'warn'),
      ...burst(600, T0 + 59 * MIN, 'batch-export', 'data', 'slow upload: took 12s', 'warn'),
    );
    const plan = evidencePlan(group(['coredns']), NOW);

    const first = await logEvidence(openSearchLogs(), plan);
    fake.reverseTies(true);
    const rerun = await logEvidence(openSearchLogs(), plan);

    expect(rerun.map((d) => evidenceRow('ig-1', d, NOW + MIN).id)).toEqual(first.map((d) => evidenceRow('ig-1', d, NOW).id));
  });

  it('sends no component search for a group of no component (a cluster that stopped reporting)', async () => {
    fake.add(...burst(600, T0 + 59 * MIN, 'batch-export', 'data', 'slow upload: took 12s', 'warn'));

    await logEvidence(openSearchLogs(), evidencePlan(group(['*']), NOW));

    expect(fake.requests).toHaveLength(2);
  });
});

describe('log evidence from a store without line ids', () => {
  /** An in-memory store honouring the query as OpenSearch does, with no ids on its lines. */
  function store(lines: LogLine[]): LogSearch & { asked: LogQuery[] } {
    const asked: LogQuery[] = [];
    return {
      asked,
      search: async (q) => {
        asked.push(q);
        return lines.filter((l) => l.tsMs >= q.startMs && l.tsMs < q.endMs && (!q.components || q.components.includes(l.component)) && (!q.problemsOnly || l.level === 'warn' || l.level === 'error'))
          .sort((a, b) => b.tsMs - a.tsMs).slice(0, q.limit);
      },
    };
  }
  const at = (tsMs: number, component: string, message: string, level: LogLine['level'] = 'error'): LogLine => ({ tsMs, cluster: 'c1', namespace: 'kube-system', pod: `${component}-0`, component, level, message });

  it('counts a line by its content once, and two equal lines of the same millisecond twice', async () => {
    const lines = [
      at(T0 + 55 * MIN, 'coredns', 'i/o timeout'), at(T0 + 55 * MIN, 'coredns', 'i/o timeout'), at(T0 + 56 * MIN, 'coredns', 'i/o timeout'),
      ...Array.from({ length: 600 }, (_, i) => at(T0 + i * 5000, 'etcd', 'slow fdatasync', 'warn')),
    ];
    const s = store(lines);

    const rows = await logEvidence(s, evidencePlan(group(['coredns']), NOW));

    expect(rows.find((r) => r.data.component === 'coredns')?.data.count).toBe(3);
    expect(s.asked.map((q) => [q.startMs === T0, q.components ?? null, q.problemsOnly])).toEqual([[false, null, true], [true, null, true], [true, ['coredns'], true]]);
  });
});
