import { describe, expect, it } from 'vitest';
import type { IncidentGroup } from '../../../src/correlate/incident-group.js';
import { analyseGroup } from '../../../src/rca/engine.js';
import { evidenceRow, type EvidenceDraft } from '../../../src/rca/evidence/evidence-row.js';
import { notConfiguredEvidence, type UnconfiguredSource } from '../../../src/rca/evidence/not-configured-evidence.js';
import { loadFailureModel } from '../../../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createRunbookIndex, loadRunbooks } from '../../../src/runbooks/index.js';

const T0 = Date.UTC(2026, 10, 29, 10);
const MIN = 60_000;
const CLUSTERS = ['c-1', 'c-2', 'c-3', 'c-4'];
const GROUP: IncidentGroup = { id: 'ig-unread', title: 'coredns availability on 4 clusters', startMs: T0, endMs: T0 + 60 * MIN, clusters: CLUSTERS, components: ['coredns'], signals: ['availability'], findings: [], sharedAttributes: [], severity: 'critical' };
const CTX = { failureModel: loadFailureModel(), runbookIndex: createRunbookIndex(loadRunbooks('runbooks')), catalog: loadSafeOperationCatalog(), topology: new Map(), clusters: [] };

const finding: EvidenceDraft = { source: 'metrics', query: 'findings', startMs: T0, endMs: T0 + 60 * MIN, excerpt: 'dip of coredns availability on 4 clusters', data: { fact: 'finding-summary', component: 'coredns', signal: 'availability', kind: 'dip', direction: 'down', clusters: CLUSTERS } };
const version: EvidenceDraft = { source: 'topology', query: 'attributes', startMs: T0, endMs: T0 + 60 * MIN, excerpt: 'coredns 1.11.4 on 4 of 4', data: { fact: 'attribute', name: 'version:coredns', value: '1.11.4', coverage: 1, lift: 20 } };
const ooms: EvidenceDraft = { source: 'metrics', query: 'oom_kills', startMs: T0 - 180 * MIN, endMs: T0 + 60 * MIN, excerpt: 'oom_kills of pod payments-api-1 (c-1): 0 before → 6 during', data: { fact: 'metric-shift', signal: 'oom_kills', cluster: 'c-1', component: 'workload', pod: 'payments-api-1', before: 0, during: 6, peak: 3, series: [] } };
const deploy: EvidenceDraft = {
  source: 'changes', query: 'changes', startMs: T0 - 360 * MIN, endMs: T0 + 60 * MIN, excerpt: 'deploy of metrics-server on c-1',
  data: { fact: 'change', change: { id: 'chg-ms', tsMs: T0 - 12 * MIN, cluster: 'c-1', component: 'metrics-server', kind: 'deploy', fromVersion: 'v0.7.1', toVersion: 'v0.7.2', author: 'argocd', status: 'succeeded', description: 'sync' }, minutesBeforeOnset: 12 },
};
const unread = (...sources: UnconfiguredSource[]) => sources.map((s) => notConfiguredEvidence(s, CLUSTERS, T0 - 60 * MIN, T0 + 60 * MIN));
const analyse = (drafts: EvidenceDraft[]) => analyseGroup(GROUP, drafts.map((d) => evidenceRow(GROUP.id, d, T0 + 3 * 3_600_000)), CTX);
const claims = (r: ReturnType<typeof analyse>) => [...r.hypotheses.flatMap((h) => [...h.supporting, ...h.contradicting]), ...r.rejected].map((c) => c.text);

describe('claims about sources that were not configured (kind none)', () => {
  it('no deploy history: no "no deploy landed" or "no config change" against a rollout or an OOM after a config change', () => {
    const read = analyse([finding, version, ooms]);
    const notRead = analyse([finding, version, ooms, ...unread('changes')]);

    expect(claims(read)).toEqual(expect.arrayContaining(['no deploy of coredns 1.11.4 landed on the affected clusters in the hours before onset', 'no config change on this cluster before the OOM kills started']));
    expect(claims(notRead).filter((t) => /no deploy|no config change/.test(t))).toEqual([]);
    expect(notRead.hypotheses.find((h) => h.failureMode === 'fleet.bad-rollout')?.score).toBe(3);
  });

  it('no logs: a change checked and rejected is not said to have logged no errors', () => {
    const read = analyse([finding, version, deploy]);
    const notRead = analyse([finding, version, deploy, ...unread('logs')]);

    expect(read.rejected.map((c) => c.text).join('\n')).toContain('logged no errors afterwards');
    expect(notRead.rejected.length).toBeGreaterThan(0);
    expect(notRead.rejected.map((c) => c.text).join('\n')).not.toContain('logged no errors');
  });

  it('what a human should check names each source that is not configured', () => {
    const r = analyse([finding, ...unread('logs', 'events', 'changes')]);

    expect(r.verdict).toBe('inconclusive');
    expect(r.missing).toEqual(expect.arrayContaining([
      `deploy and config history of c-1, c-2, c-3 around ${new Date(T0).toISOString()} (not configured: changes.kind is none)`,
      'error logs of the affected components (coredns) on c-1, c-2, c-3 (not configured: logs.kind is none)',
      'Kubernetes events of c-1, c-2, c-3 (not configured: events.kind is none)',
    ]));
  });
});
