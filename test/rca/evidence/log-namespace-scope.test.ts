import { describe, expect, it } from 'vitest';
import type { KubeEvent } from '../../../src/adapters/events/types.js';
import { createOpenSearchLogs } from '../../../src/adapters/logs/opensearch/index.js';
import type { LogLine, LogSearch } from '../../../src/adapters/logs/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { IncidentGroup } from '../../../src/correlate/incident-group.js';
import { analyseGroup, collectEvidence, type RcaPorts } from '../../../src/rca/engine.js';
import { eventEvidence, evidencePlan, logEvidence } from '../../../src/rca/evidence/index.js';
import { matcherNamespaces } from '../../../src/rca/evidence/evidence-plan.js';
import { loadFailureModel } from '../../../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createRunbookIndex, loadRunbooks } from '../../../src/runbooks/index.js';
import { startOpenSearchFake, type FakeDoc, type OpenSearchFake } from '../../fakes/opensearch-fake.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2026, 10, 29, 10);
const MIN = 60_000;
const NOW = T0 + 3 * 60 * MIN;
let fake: OpenSearchFake;
useFake(startOpenSearchFake, (f) => { fake = f; });

function group(component: string, clusters = ['c1']): IncidentGroup {
  return {
    id: `ig-${component}`, title: `${component} availability`, startMs: T0, endMs: T0 + 60 * MIN, clusters, components: [component], signals: ['availability'],
    findings: clusters.map((cluster) => ({ id: `f-${cluster}`, runId: 'r', cluster, component, signal: 'availability', kind: 'dip', severity: 'critical', startMs: T0, endMs: T0 + 60 * MIN, score: 1, details: {} })),
    sharedAttributes: [], severity: 'critical',
  };
}

/** A Fluent Bit document; `namespace` undefined leaves the field out. */
function line(cluster: string, namespace: string | undefined, app: string, message: string, atMs: number): FakeDoc {
  return {
    index: 'logs-k8s-2026.11.29',
    source: {
      '@timestamp': new Date(atMs).toISOString(), cluster, log: message,
      kubernetes: { ...(namespace === undefined ? {} : { namespace_name: namespace }), pod_name: `${app}-${namespace ?? 'x'}-0`, container_name: app, labels: { app } },
    },
  };
}

/** Ten lines a minute apart from the onset on. */
function burst(cluster: string, namespace: string | undefined, app: string, message: string): FakeDoc[] {
  return Array.from({ length: 10 }, (_, i) => line(cluster, namespace, app, message, T0 + (i + 1) * MIN));
}

const openSearchLogs = (): LogSearch => createOpenSearchLogs({ node: fake.url, indexPattern: 'logs-k8s-*', logger: silentLogger, clock: fixedClock(NOW), retries: 0 });

describe('log evidence of a component comes from its own namespace', () => {
  it('does not cite a same-named workload of another namespace, and asks OpenSearch for the component\'s namespace', async () => {
    fake.add(
      ...burst('c1', 'kube-system', 'coredns', '[ERROR] plugin/errors: 2 example.com. A: read udp i/o timeout'),
      ...burst('c1', 'team-a', 'coredns', '[ERROR] team-a resolver: upstream refused'),
      ...burst('c1', 'team-a', 'checkout-api', '[ERROR] checkout failed: timeout'),
    );
    const g = group('coredns');

    const rows = await logEvidence(openSearchLogs(), evidencePlan(g, NOW));

    expect(rows.map((r) => [r.data.component, r.data.namespace]).sort()).toEqual([['checkout-api', 'team-a'], ['coredns', 'kube-system']]);
    expect(rows.some((r) => r.excerpt.includes('team-a resolver'))).toBe(false);
    expect(rows.every((r) => r.data.namespaceUnchecked === undefined)).toBe(true);
    expect(fake.requests).toHaveLength(2);
    expect(JSON.stringify(fake.requests[1].body)).toContain(JSON.stringify({ terms: { 'kubernetes.namespace_name': ['kube-system'] } }));
  });

  it('leaves a bad-rollout claim about coredns errors without the errors of a same-named workload elsewhere', async () => {
    const clusters = ['c1', 'c2', 'c3'];
    for (const c of clusters) fake.add(...burst(c, 'team-a', 'coredns', '[ERROR] team-a resolver: upstream refused'));
    const g = { ...group('coredns', clusters), sharedAttributes: [{ name: 'version:coredns', value: 'v1.12.0', coverage: 1, baseRate: 0.1, lift: 10 }] };
    const none = async () => [];
    const ports = {
      inventory: { listClusters: none, getTopology: async (cluster: string) => ({ cluster, nodes: [], pods: [], dependencies: [] }) },
      metrics: { query: async () => ({ series: [], warnings: [], failedClusters: [], bytesFetched: 0 }) },
      events: { listEvents: none }, changes: { listChanges: none }, logs: openSearchLogs(),
    } as unknown as RcaPorts;
    const ctx = { failureModel: loadFailureModel(), runbookIndex: createRunbookIndex(loadRunbooks('runbooks')), catalog: loadSafeOperationCatalog(), topology: new Map(), clusters: [] };

    const evidence = await collectEvidence(g, ports, { nowMs: NOW, fail: (part, err) => { throw new Error(`${part}: ${String(err)}`); }, fleetSize: 100 });
    const rollout = analyseGroup(g, evidence, ctx).hypotheses.find((h) => h.failureMode === 'fleet.bad-rollout');

    expect(evidence.filter((e) => e.source === 'logs')).toEqual([]);
    expect(rollout?.supporting.map((c) => c.text).filter((t) => /error lines from coredns/.test(t))).toEqual([]);
  });

  it('reads a component with no known namespace from every namespace, and says so', async () => {
    fake.add(...burst('c1', 'kube-system', 'kubelet', 'E1129 10:01:00.000000 1 kubelet.go:2855] "Container runtime network not ready"'));
    const plan = evidencePlan(group('kubelet'), NOW);

    const rows = await logEvidence(openSearchLogs(), plan);

    expect(plan.unscopedComponents).toEqual(['kubelet']);
    expect(rows).toHaveLength(1);
    expect(rows[0].excerpt).toContain('(no namespace is known for kubelet: its lines from every namespace were read)');
    expect(rows[0].data).toMatchObject({ component: 'kubelet', namespaceUnchecked: true });
  });

  it('keeps lines of a component that name no namespace, and says they were not checked', async () => {
    fake.add(...burst('c1', undefined, 'coredns', '[ERROR] plugin/errors: 2 example.com. A: read udp i/o timeout'));

    const rows = await logEvidence(openSearchLogs(), evidencePlan(group('coredns'), NOW));

    expect(rows).toHaveLength(1);
    expect(rows[0].excerpt).toContain("(the lines name no namespace: not checked to be coredns's own in kube-system)");
    expect(rows[0].data).toMatchObject({ component: 'coredns', namespace: '', namespaceUnchecked: true });
  });

  it('keeps the scope when the log store ignores it', async () => {
    const lines: LogLine[] = [
      { tsMs: T0 + MIN, cluster: 'c1', namespace: 'team-a', pod: 'coredns-0', component: 'coredns', level: 'error', message: 'team-a resolver: upstream refused' },
      { tsMs: T0 + 2 * MIN, cluster: 'c1', namespace: 'kube-system', pod: 'coredns-1', component: 'coredns', level: 'error', message: 'plugin/errors: i/o timeout' },
    ];
    const unscoped: LogSearch = { search: async (q) => lines.filter((l) => l.tsMs >= q.startMs && l.tsMs < q.endMs) };

    const rows = await logEvidence(unscoped, evidencePlan(group('coredns'), NOW));

    expect(rows.map((r) => r.data.namespace)).toEqual(['kube-system']);
  });

  it('keeps lines of the same template from two namespaces apart', async () => {
    const lines: LogLine[] = ['apps', 'web'].map((namespace, i) => ({ tsMs: T0 + (i + 1) * MIN, cluster: 'c1', namespace, pod: `checkout-${i}`, component: 'checkout', level: 'error', message: 'checkout failed: timeout' }));
    const store: LogSearch = { search: async (q) => lines.filter((l) => l.tsMs >= q.startMs && l.tsMs < q.endMs) };

    const rows = await logEvidence(store, evidencePlan(group('workload'), NOW));

    expect(rows.map((r) => [r.data.namespace, r.data.count]).sort()).toEqual([['apps', 1], ['web', 1]]);
  });

  it('scopes a component added in the config\'s components section to the namespace its matcher names', async () => {
    fake.add(
      ...burst('c1', 'payments', 'payments-api', '[ERROR] charge failed: card processor timeout'),
      ...burst('c1', 'staging-payments', 'payments-api', '[ERROR] staging charge failed: sandbox down'),
    );
    const ports = {
      inventory: { listClusters: async () => [], getTopology: async (cluster: string) => ({ cluster, nodes: [], pods: [], dependencies: [] }) },
      metrics: { query: async () => ({ series: [], warnings: [], failedClusters: [], bytesFetched: 0 }) },
      events: { listEvents: async () => [] }, changes: { listChanges: async () => [] }, logs: openSearchLogs(),
    } as unknown as RcaPorts;

    const evidence = await collectEvidence(group('payments-api'), ports, {
      nowMs: NOW, fail: (part, err) => { throw new Error(`${part}: ${String(err)}`); }, componentMatchers: { 'payments-api': 'namespace="payments", pod=~"payments-api-.*"' },
    });

    // without the matcher (before: the built-in table only), payments-api was unscoped and the staging lines counted too
    const logs = evidence.filter((e) => e.source === 'logs');
    expect(logs.map((r) => r.data.namespace)).toEqual(['payments']);
    expect(logs.some((r) => r.excerpt.includes('sandbox down'))).toBe(false);
  });
});

describe('event evidence', () => {
  it('counts same-named objects of two namespaces as two objects, and names their namespaces', async () => {
    const events: KubeEvent[] = ['kube-system', 'team-a'].map((namespace, i) => ({
      tsMs: T0 + (i + 1) * MIN, cluster: 'c1', namespace, involvedKind: 'Pod', involvedName: 'coredns-0', reason: 'Unhealthy', type: 'Warning', message: 'Readiness probe failed', count: 2,
    }));

    const rows = await eventEvidence({ listEvents: async () => events }, evidencePlan(group('coredns'), NOW));

    expect(rows).toHaveLength(1);
    expect((rows[0].data.objects as { namespace: string }[]).map((o) => o.namespace).sort()).toEqual(['kube-system', 'team-a']);
    expect(rows[0].excerpt).toContain('on kube-system/coredns-0, team-a/coredns-0:');
  });
});

describe('event evidence on a busy cluster', () => {
  it('keeps the objects nearest the onset among many of one reason: the pod scheduled just before it', async () => {
    // a pod scheduled every 5 minutes from an hour before the onset, and the noisy one 6 minutes before it
    const events: KubeEvent[] = Array.from({ length: 24 }, (_, i) => ({
      tsMs: T0 - 60 * MIN + i * 5 * MIN + 30_000, cluster: 'c1', namespace: 'jobs', involvedKind: 'Pod', involvedName: `report-${String(i).padStart(2, '0')}-x7k2p`, node: 'n2',
      reason: 'Scheduled', type: 'Normal', message: 'Successfully assigned', count: 1,
    }));
    events.push({ tsMs: T0 - 6 * MIN, cluster: 'c1', namespace: 'data', involvedKind: 'Pod', involvedName: 'bulk-export-9f8d7', node: 'n1', reason: 'Scheduled', type: 'Normal', message: 'Successfully assigned data/bulk-export-9f8d7 to n1', count: 1 });

    const [row] = await eventEvidence({ listEvents: async () => events }, evidencePlan(group('coredns'), NOW));

    // before: the first 10 in the answer's order (the hour's earliest), without the noisy pod
    const names = (row.data.objects as { name: string }[]).map((o) => o.name);
    expect(names).toHaveLength(10);
    expect(names).toContain('bulk-export-9f8d7');
  });
});

describe('matcherNamespaces', () => {
  it.each([
    ['namespace="kube-system", pod=~"coredns-.*"', ['kube-system']],
    ['pod=~"x-.*", namespace = "apps"', ['apps']],
    ['namespace=~"monitoring|apps"', ['apps', 'monitoring']],
    ['namespace=~"team-.*"', undefined],
    ['namespace!="kube-system"', undefined],
    ['label_namespace="apps"', undefined],
    ['job="kubelet"', undefined],
    ['namespace=""', undefined],
  ])('%s → %j', (matcher, want) => {
    expect(matcherNamespaces(matcher)).toEqual(want);
  });
});
