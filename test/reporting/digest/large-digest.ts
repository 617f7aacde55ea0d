/** A digest of many groups, each with a few long evidence excerpts, as a bad day at fleet scale gives. */
import type { EvidenceRow } from '../../../src/adapters/store/types.js';
import { buildDigestModel, buildGroupView, type DigestModel } from '../../../src/digest/digest-model.js';
import type { DigestIncidentGroup, DigestRcaResult } from '../../../src/digest/rca-contract.js';
import { templateNarrative } from '../../../src/digest/template-narrative.js';

export interface LargeDigestOptions {
  groups: number;
  /** Evidence rows cited per group. Default 4. */
  evidence?: number;
  /** Characters of each excerpt (the document shows up to 1,500). Default 1,200. */
  excerptChars?: number;
  /** Groups analysed as failed (listed at the end of the document). Default 0. */
  failed?: number;
}

const COMPONENTS = ['coredns', 'ingress-gateway', 'cert-manager', 'apiserver'];

function groupView(i: number, evidence: number, excerptChars: number) {
  const component = COMPONENTS[i % COMPONENTS.length];
  const clusters = Array.from({ length: 1 + (i % 7) }, (_, c) => `c-${String(i * 7 + c).padStart(5, '0')}`);
  const group: DigestIncidentGroup = {
    id: `ig-${i.toString(16).padStart(16, '0')}`, title: `${component} availability on ${clusters.length} clusters`, startMs: i * 60_000, endMs: i * 60_000 + 3_600_000,
    clusters, components: [component], signals: ['availability'], findings: [], sharedAttributes: [], severity: i % 3 === 0 ? 'critical' : 'warning',
  };
  const ledger: EvidenceRow[] = Array.from({ length: evidence }, (_, e) => ({
    id: `ev-${i}-${e}`, groupId: group.id, source: e % 2 ? 'logs' : 'metrics', query: `sum(rate(${component}_errors_total{cluster="${clusters[0]}"}[5m]))`,
    startMs: 0, endMs: 1, excerpt: `${component} error ${e} on ${clusters[0]}: `.padEnd(excerptChars, 'x'), link: `https://logs.example.com/?q=${i}-${e}`, data: {}, createdAtMs: 0,
  }));
  const ids = ledger.map((r) => r.id);
  const rca: DigestRcaResult = {
    groupId: group.id, verdict: i % 4 === 3 ? 'inconclusive' : 'root-cause', hypotheses: [], missing: i % 4 === 3 ? ['no change in the window'] : [], signature: 's', rejected: [],
    top: { failureMode: `${component}.bad-rollout`, entity: { component }, score: 0.8, supporting: ids.map((id) => ({ text: `evidence ${id} supports a bad rollout of ${component}`, evidenceIds: [id] })), contradicting: [] },
  };
  return buildGroupView({ group, rca, ledger, engine: 'template', narrative: templateNarrative({ group, rca, ledger }) });
}

export function largeDigest(opts: LargeDigestOptions): DigestModel {
  const groups = Array.from({ length: opts.groups }, (_, i) => groupView(i, opts.evidence ?? 4, opts.excerptChars ?? 1_200));
  const failedGroups = Array.from({ length: opts.failed ?? 0 }, (_, i) => ({ part: `group:ig-failed-${i}`, message: `evidence read failed: ${'timeout '.repeat(200)}` }));
  return buildDigestModel({ day: '2026-11-29', window: { startMs: 0, endMs: 86_400_000 }, generatedAtMs: 0, runId: 'run-big', findings: [], slo: [], groups, failedGroups });
}
