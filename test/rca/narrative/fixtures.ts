import type { EvidenceRow } from '../../../src/adapters/store/types.js';
import type { Narrative } from '../../../src/rca/narrative/llm-narrative.js';

const T0 = Date.UTC(2026, 10, 29, 14, 5);

export function evidence(id: string, over: Partial<EvidenceRow> = {}): EvidenceRow {
  return {
    id, groupId: 'g1', source: 'logs', query: 'coredns errors', startMs: T0, endMs: T0 + 3_600_000,
    excerpt: '', data: {}, createdAtMs: T0, ...over,
  };
}

export const LEDGER: EvidenceRow[] = [
  evidence('ev-rollout', { source: 'changes', query: 'argocd history coredns', excerpt: 'coredns upgraded from 1.11.1 to 1.11.3 on 42 clusters', data: { from: '1.11.1', to: '1.11.3', clusters: 42 } }),
  evidence('ev-errors', { source: 'metrics', query: 'sum(rate(coredns_dns_responses_total{rcode="SERVFAIL"}[5m]))', excerpt: 'SERVFAIL ratio rose to 12.5% within 5m of the upgrade', data: { servfailPct: 12.5, p99LatencyMs: 850 } }),
  evidence('ev-nodes', { source: 'events', query: 'node conditions', excerpt: 'no node pressure events in the window', data: { events: 0 } }),
];

export const FACTS = ['availability dipped to 97.2% for 35m on 42 clusters in eu-west-1'];

/** A grounded answer: every number is in the cited evidence or the facts. */
export function goodAnswer(): Narrative {
  return {
    summary: 'A CoreDNS rollout to 1.11.3 on 42 clusters caused SERVFAIL responses and a 35m availability dip to 97.2%.',
    rootCause: { statement: 'CoreDNS 1.11.3 returns SERVFAIL for a share of queries (12.5%).', evidenceIds: ['ev-rollout', 'ev-errors'] },
    claims: [
      { text: 'CoreDNS was upgraded from 1.11.1 to 1.11.3 on 42 clusters.', evidenceIds: ['ev-rollout'] },
      { text: 'The SERVFAIL ratio rose to 12.5% within 5m, p99 latency 850ms.', evidenceIds: ['ev-errors'] },
    ],
    rejectedHypotheses: [{ text: 'Node pressure: no node pressure events in the window.', evidenceIds: ['ev-nodes'] }],
    nextSteps: ['Roll CoreDNS back to 1.11.1 on the affected clusters.'],
  };
}

export const TEMPLATE: Narrative = {
  summary: 'template summary',
  rootCause: { statement: 'template root cause', evidenceIds: ['ev-rollout'] },
  claims: [{ text: 'template claim', evidenceIds: ['ev-rollout'] }],
  rejectedHypotheses: [],
  nextSteps: [],
};
