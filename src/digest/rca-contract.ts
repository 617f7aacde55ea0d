import type { AnomalyRow, EvidenceRow } from '../adapters/store/types.js';
import type { ChangeSource } from '../adapters/changes/types.js';
import type { EventSource } from '../adapters/events/types.js';
import type { Inventory } from '../adapters/inventory/types.js';
import type { LogSearch } from '../adapters/logs/types.js';
import type { MetricsSource } from '../adapters/metrics/types.js';
import type { Cluster, Topology } from '../fleet/types.js';

/**
 * The parts of the correlation and RCA engine (src/correlate, src/rca/engine) the digest reads.
 * Structural on purpose: the digest depends on these fields only, and tests hand-make results.
 */
export interface SharedAttribute {
  name: string;
  value: string;
  /** Share of the group's clusters that have the attribute (0..1). */
  coverage: number;
  /** Share of the fleet that has it (0..1). */
  baseRate: number;
  lift: number;
}

export interface DigestIncidentGroup {
  id: string;
  title: string;
  startMs: number;
  endMs: number;
  clusters: string[];
  components: string[];
  signals: string[];
  findings: AnomalyRow[];
  sharedAttributes: SharedAttribute[];
  severity: 'critical' | 'warning';
}

export interface CitedText {
  text: string;
  evidenceIds: string[];
}

export interface HypothesisEntity {
  cluster?: string;
  component?: string;
  node?: string;
  pod?: string;
  version?: string;
  region?: string;
  changeId?: string;
}

export interface DigestHypothesis {
  failureMode: string;
  entity: HypothesisEntity;
  score: number;
  supporting: CitedText[];
  contradicting: CitedText[];
}

export interface DigestRcaResult {
  groupId: string;
  verdict: 'root-cause' | 'inconclusive';
  top?: DigestHypothesis;
  hypotheses: DigestHypothesis[];
  rejected: CitedText[];
  missing: string[];
  runbook?: { id: string; title: string; section: string; line: number };
  operation?: { id: string; target: { cluster: string; kind: string; namespace?: string; name: string }; params: Record<string, unknown> };
  signature: string;
}

export interface RcaPorts {
  inventory: Inventory;
  metrics: MetricsSource;
  logs: LogSearch;
  events: EventSource;
  changes: ChangeSource;
}

export interface CollectContext {
  signal?: AbortSignal;
  nowMs: number;
  fail(part: string, err: unknown): void;
  /** Fleet size, for the attribute excerpts. */
  fleetSize?: number;
}

/** What `analyseGroup` needs besides the group and its evidence (loaded once per digest). */
export interface AnalyseContext {
  failureModel: unknown;
  runbookIndex: unknown;
  catalog: unknown;
  topology: Map<string, Topology>;
  clusters: Cluster[];
  /** Keyed `<signature>::<failureMode>`: net past feedback (+ confirmed, − rejected). */
  feedbackPriors?: Map<string, number>;
}

/** The engine as the digest calls it; `createDefaultDigestEngine` binds the real modules. */
export interface DigestEngine {
  correlate(findings: AnomalyRow[], clusters: Cluster[]): DigestIncidentGroup[];
  collectEvidence(group: DigestIncidentGroup, ports: RcaPorts, ctx: CollectContext): Promise<EvidenceRow[]>;
  analyseGroup(group: DigestIncidentGroup, evidence: EvidenceRow[], ctx: AnalyseContext): DigestRcaResult;
}
