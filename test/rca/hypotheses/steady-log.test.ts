import { describe, expect, it } from 'vitest';
import type { IncidentGroup } from '../../../src/correlate/incident-group.js';
import { analyseGroup, collectEvidence, type RcaPorts } from '../../../src/rca/engine.js';
import { loadFailureModel } from '../../../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createRunbookIndex, loadRunbooks } from '../../../src/runbooks/index.js';

const T0 = Date.UTC(2026, 10, 29, 10);
const MIN = 60_000;
const CLUSTERS = ['c-fra-1', 'c-fra-2', 'c-fra-3', 'c-fra-4'];
const GROUP: IncidentGroup = {
  id: 'ig-r', title: 'workload availability on 4 clusters', startMs: T0, endMs: T0 + 60 * MIN, clusters: CLUSTERS, components: ['workload'], signals: ['availability'],
  findings: CLUSTERS.map((c) => ({ id: `f-${c}`, runId: 'r', cluster: c, component: 'workload', signal: 'availability', kind: 'dip', severity: 'critical', startMs: T0, endMs: T0 + 60 * MIN, score: 1, details: {} })),
  sharedAttributes: [{ name: 'region', value: 'dc-fra1', coverage: 1, baseRate: 0.2, lift: 5 }], severity: 'critical',
};
const CTX = { failureModel: loadFailureModel(), runbookIndex: createRunbookIndex(loadRunbooks('runbooks')), catalog: loadSafeOperationCatalog(), topology: new Map(), clusters: [] };

/** No metrics, events or changes; one apiserver error line a minute on every cluster from `fromMs` on. */
function ports(fromMs: number): RcaPorts {
  const none = async () => [];
  return {
    inventory: { listClusters: none, getTopology: async (cluster: string) => ({ cluster, nodes: [], pods: [], dependencies: [] }) },
    metrics: { query: async () => ({ series: [], warnings: [], failedClusters: [], bytesFetched: 0 }) },
    events: { listEvents: none }, changes: { listChanges: none },
    logs: {
      search: async (q: { clusters: string[]; startMs: number; endMs: number }) => q.clusters.flatMap((cluster) => Array.from({ length: Math.floor((q.endMs - q.startMs) / MIN) }, (_, i) => q.startMs + i * MIN)
        .filter((tsMs) => tsMs >= fromMs).map((tsMs) => ({ tsMs, cluster, namespace: 'kube-system', pod: 'kube-apiserver-0', component: 'apiserver', level: 'error' as const, message: 'watch chan error: etcdserver: mvcc: required revision has been compacted' }))),
    },
  } as unknown as RcaPorts;
}

describe('log lines that are always there', () => {
  it.each([
    ['logged every minute since long before the onset', 'inconclusive', -24 * 60 * MIN],
    ['logged only from the onset', 'root-cause', 0],
  ])('an apiserver error %s → %s for a region shared by the group', async (_name, verdict, fromOffsetMs) => {
    const evidence = await collectEvidence(GROUP, ports(T0 + fromOffsetMs), { nowMs: T0 + 3 * 3_600_000, fail: () => undefined, fleetSize: 100 });

    const result = analyseGroup(GROUP, evidence, CTX);

    expect(result.verdict).toBe(verdict);
  });

  it('says in the excerpt how many lines came before the onset', async () => {
    const evidence = await collectEvidence(GROUP, ports(T0 - 24 * 60 * MIN), { nowMs: T0 + 3 * 3_600_000, fail: () => undefined, fleetSize: 100 });

    const log = evidence.find((e) => e.source === 'logs' && e.data.cluster === 'c-fra-1');

    expect(log?.excerpt).toMatch(/^90× error from apiserver in c-fra-1 \(kube-apiserver-0\), 30 of them before the onset \(as often as after it\): /);
  });

  it('is not fooled by a log store that answers only the newest lines: a steady error is still "as often as after it"', async () => {
    // 20 lines a minute on every cluster, all day; like OpenSearch, at most 500 lines per search, newest first
    const capped = {
      search: async (q: { clusters: string[]; startMs: number; endMs: number; limit: number }) => q.clusters.flatMap((cluster) => Array.from({ length: Math.floor((q.endMs - q.startMs) / (3_000)) }, (_, i) => q.startMs + i * 3_000)
        .map((tsMs) => ({ tsMs, cluster, namespace: 'kube-system', pod: 'kube-apiserver-0', component: 'apiserver', level: 'error' as const, message: 'watch chan error: etcdserver: mvcc: required revision has been compacted' })))
        .sort((a, b) => b.tsMs - a.tsMs).slice(0, Math.min(q.limit, 500)),
    };
    const evidence = await collectEvidence(GROUP, { ...ports(T0), logs: capped } as RcaPorts, { nowMs: T0 + 3 * 3_600_000, fail: () => undefined, fleetSize: 100 });

    const logs = evidence.filter((e) => e.source === 'logs');
    expect(logs.length).toBeGreaterThan(0);
    expect(logs.every((e) => e.data.rose === false && (e.data.countBeforeOnset as number) > 0)).toBe(true);
    expect(logs[0].excerpt).toMatch(/at least \d+× error .* \(as often as after it\) \(the newest 500 lines of each window were read/);
    expect(analyseGroup(GROUP, evidence, CTX).verdict).toBe('inconclusive');
  });
});
