import { describe, expect, it } from 'vitest';
import type { IncidentGroup } from '../../../src/correlate/incident-group.js';
import { analyseGroup } from '../../../src/rca/engine.js';
import { evidenceRow, type EvidenceDraft } from '../../../src/rca/evidence/evidence-row.js';
import { loadFailureModel } from '../../../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createRunbookIndex, loadRunbooks } from '../../../src/runbooks/index.js';

const T0 = Date.UTC(2026, 10, 29, 10);
const MIN = 60_000;
const CLUSTERS = ['c-1', 'c-2', 'c-3', 'c-4'];
const GROUP: IncidentGroup = { id: 'ig-deploy', title: 'coredns availability on 4 clusters', startMs: T0, endMs: T0 + 60 * MIN, clusters: CLUSTERS, components: ['coredns'], signals: ['availability'], findings: [], sharedAttributes: [], severity: 'critical' };
const CTX = { failureModel: loadFailureModel(), runbookIndex: createRunbookIndex(loadRunbooks('runbooks')), catalog: loadSafeOperationCatalog(), topology: new Map(), clusters: [] };

/** Four clusters dipping, coredns logging errors, and a coredns deploy `minutesBeforeOnset` before each onset (negative: after). */
function ledger(minutesBeforeOnset: number) {
  const drafts: EvidenceDraft[] = [
    { source: 'metrics', query: 'findings', startMs: T0, endMs: T0 + 60 * MIN, excerpt: 'dip of coredns availability on 4 clusters', data: { fact: 'finding-summary', component: 'coredns', signal: 'availability', kind: 'dip', direction: 'down', clusters: CLUSTERS } },
    ...CLUSTERS.map((c): EvidenceDraft => ({
      source: 'changes', query: 'changes', startMs: T0 - 360 * MIN, endMs: T0 + 60 * MIN, excerpt: `deploy of coredns 1.11.1 → 1.11.4 on ${c}`,
      data: { fact: 'change', change: { id: `chg-${c}`, tsMs: T0 - minutesBeforeOnset * MIN, cluster: c, component: 'coredns', kind: 'deploy', fromVersion: '1.11.1', toVersion: '1.11.4', author: 'argocd', status: 'succeeded', description: 'routine sync' }, minutesBeforeOnset },
    })),
    { source: 'logs', query: 'logs', startMs: T0 - 30 * MIN, endMs: T0 + 60 * MIN, excerpt: '40× error from coredns', data: { fact: 'log-template', cluster: 'c-1', component: 'coredns', level: 'error', template: 'plugin/errors: <*>', example: 'plugin/errors: read udp i/o timeout', count: 40, pods: ['coredns-1'], nodes: [], namespace: 'kube-system', firstMs: T0 - 20 * MIN } },
  ];
  return drafts.map((d) => evidenceRow(GROUP.id, d, T0 + 3 * 3_600_000));
}

describe('deploy timing', () => {
  it('does not blame a deploy that landed minutes after each cluster\'s onset, and rejects it saying so', () => {
    const result = analyseGroup(GROUP, ledger(-4), CTX);

    expect(result.top?.failureMode).not.toBe('fleet.bad-rollout');
    expect(result.rejected.map((c) => c.text)).toContain('deploy of coredns 1.11.4 on c-1 is not the cause: it landed 4 min after the onset');
  });

  it('still blames the same deploy when it landed before the onsets', () => {
    const result = analyseGroup(GROUP, ledger(4), CTX);

    expect(result.top).toMatchObject({ failureMode: 'fleet.bad-rollout', entity: { component: 'coredns', version: '1.11.4' } });
  });
});

describe('what is missing when two candidates tie', () => {
  it('names where each candidate is when both have the same failure mode', () => {
    const group: IncidentGroup = { ...GROUP, id: 'ig-oom', clusters: ['c-1', 'c-2'], components: ['workload'] };
    const drafts: EvidenceDraft[] = ['c-1', 'c-2'].flatMap((c): EvidenceDraft[] => [
      { source: 'metrics', query: 'oom_kills', startMs: T0 - 180 * MIN, endMs: T0 + 60 * MIN, excerpt: `oom_kills of pod payments-api-1 (${c}): 0 before → 6 during`, data: { fact: 'metric-shift', signal: 'oom_kills', cluster: c, component: 'workload', pod: 'payments-api-1', before: 0, during: 6, peak: 3, series: [] } },
      { source: 'changes', query: 'changes', startMs: T0 - 360 * MIN, endMs: T0 + 60 * MIN, excerpt: `config of workload on ${c}`, data: { fact: 'change', change: { id: `cfg-${c}`, tsMs: T0 - 20 * MIN, cluster: c, component: 'workload', kind: 'config', author: 'a', status: 'succeeded', description: 'lower memory limit' }, minutesBeforeOnset: 20 } },
    ]);

    const result = analyseGroup(group, drafts.map((d) => evidenceRow(group.id, d, T0 + 3 * 3_600_000)), CTX);

    expect(result.verdict).toBe('inconclusive');
    expect(result.missing).toContain('evidence that separates workload.oom-after-config (workload in c-1) from workload.oom-after-config (workload in c-2) (scores 5 vs 5)');
  });
});

describe('OOM kills after a config change', () => {
  const group: IncidentGroup = { ...GROUP, id: 'ig-oom-1', clusters: ['c-1'], components: ['workload'] };
  const event = (reason: string, pod: string, message: string): EvidenceDraft => ({
    source: 'events', query: 'events', startMs: T0 - 30 * MIN, endMs: T0 + 60 * MIN, excerpt: `${reason} on pod shop/${pod}: ${message}`,
    data: { fact: 'event-reason', cluster: 'c-1', reason, type: 'Warning', count: 12, events: 1, firstMs: T0, message, objects: [{ name: pod, kind: 'Pod', namespace: 'shop', node: 'n1', tsMs: T0 }] },
  });
  const drafts = (events: EvidenceDraft[]): EvidenceDraft[] => [
    { source: 'metrics', query: 'oom_kills', startMs: T0 - 180 * MIN, endMs: T0 + 60 * MIN, excerpt: 'oom_kills of pod cart-7d9f8b6c5-x2x9q (c-1): 0 before → 6 during', data: { fact: 'metric-shift', signal: 'oom_kills', cluster: 'c-1', component: 'workload', pod: 'cart-7d9f8b6c5-x2x9q', before: 0, during: 6, peak: 3, series: [] } },
    ...events,
  ];
  const analyse = (events: EvidenceDraft[]) => analyseGroup(group, drafts(events).map((d) => evidenceRow(group.id, d, T0 + 3 * 3_600_000)), CTX).hypotheses.find((h) => h.failureMode === 'workload.oom-after-config');

  it('cites the back-off of the OOM-killed pod', () => {
    const h = analyse([event('BackOff', 'cart-7d9f8b6c5-x2x9q', 'Back-off restarting failed container cart in pod cart-7d9f8b6c5-x2x9q_shop')]);

    expect(h?.supporting.map((c) => c.text)).toContain('12× BackOff events');
  });

  it('does not cite another pod\'s image-pull back-off as support', () => {
    const h = analyse([event('BackOff', 'web-5c8d7f9b4-q7m2k', 'Back-off pulling image "registry.example.com/web:1.2"')]);

    // before: any BackOff in the cluster added a point to the OOM hypothesis
    expect(h?.supporting.map((c) => c.text)).not.toContain('12× BackOff events');
  });
});
