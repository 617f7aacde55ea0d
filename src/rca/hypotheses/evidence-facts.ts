import type { Change } from '../../adapters/changes/types.js';
import type { EvidenceRow } from '../../adapters/store/types.js';

/** Typed views of the evidence ledger's `data`, so checks read facts rather than raw rows. */
export interface Shift { row: EvidenceRow; signal: string; cluster: string; component: string; node?: string; pod?: string; entity?: string; before: number; during: number; peak: number; low?: number; series: number[] }
export interface EventFact { row: EvidenceRow; cluster: string; reason: string; type: string; count: number; firstMs: number; objects: { name: string; kind: string; namespace: string; node: string; tsMs: number }[] }
export interface LogFact {
  row: EvidenceRow; cluster: string; component: string; level: string; template: string; example: string; count: number; pods: string[]; nodes: string[]; namespace: string;
  /** Logged at least twice as often from the onset as before it; false: always there, no sign of the incident. */
  rose?: boolean;
  countBeforeOnset?: number;
}
export interface ChangeFact { row: EvidenceRow; change: Change; minutesBeforeOnset: number }
export interface AttributeFact { row: EvidenceRow; name: string; value: string; coverage: number; lift: number }
export interface NodePodsFact {
  row: EvidenceRow; cluster: string; node: string; pods: { name: string; namespace: string; component: string }[];
  /** Namespaces of the platform components' matchers, and of the others' (apps); absent in rows written before them. */
  platformNamespaces?: string[];
  appNamespaces?: string[];
}
export interface FeedbackFact { row: EvidenceRow; signature: string; failureMode: string; net: number }
export interface FindingFact { row: EvidenceRow; component: string; signal: string; kind: string; direction: 'up' | 'down' | 'absent'; clusters: string[] }

export interface Facts {
  shifts: Shift[];
  absent: { row: EvidenceRow; cluster: string; component: string; signal: string }[];
  events: EventFact[];
  logs: LogFact[];
  changes: ChangeFact[];
  attributes: AttributeFact[];
  nodePods: NodePodsFact[];
  findings: FindingFact[];
  feedback: FeedbackFact[];
  /** Sources not configured (kind none, a `source-not-configured` row): their silence is no evidence of anything. */
  unread: Set<'logs' | 'events' | 'changes'>;
}

export function readFacts(evidence: EvidenceRow[]): Facts {
  const f: Facts = { shifts: [], absent: [], events: [], logs: [], changes: [], attributes: [], nodePods: [], findings: [], feedback: [], unread: new Set() };
  for (const row of evidence) {
    // The collectors wrote these shapes (src/rca/evidence); `fact` says which.
    const v = { ...row.data, row } as never;
    switch (row.data.fact) {
      case 'metric-shift': f.shifts.push(v); break;
      case 'metric-absent': f.absent.push(v); break;
      case 'event-reason': f.events.push(v); break;
      case 'log-template': f.logs.push(v); break;
      case 'change': f.changes.push(v); break;
      case 'attribute': f.attributes.push(v); break;
      case 'node-pods': f.nodePods.push(v); break;
      case 'finding-summary': f.findings.push(v); break;
      case 'feedback-prior': f.feedback.push(v); break;
      case 'source-not-configured': f.unread.add(row.source as 'logs' | 'events' | 'changes'); break;
    }
  }
  return f;
}

export const ids = (...rows: ({ row: EvidenceRow } | undefined)[]): string[] => [...new Set(rows.filter((r) => r !== undefined).map((r) => r!.row.id))];
