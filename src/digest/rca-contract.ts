import type { AnomalyRow, EvidenceRow } from '../adapters/store/types.js';
import type { Cluster, Topology } from '../fleet/types.js';

import type { IncidentGroup, SharedAttribute } from '../correlate/incident-group.js';
import type { Hypothesis, RcaPorts, RcaResult } from '../rca/engine.js';

/**
 * The parts of the correlation and RCA engine (src/correlate, src/rca/engine) the digest reads: the
 * engine's own types, named as the digest uses them, so tests can hand-make results of the same shape.
 */
export type { RcaPorts, SharedAttribute };
export type DigestIncidentGroup = IncidentGroup;
export type DigestHypothesis = Hypothesis;
export type DigestRcaResult = RcaResult;
export type CitedText = Hypothesis['supporting'][number];
export type HypothesisEntity = Hypothesis['entity'];

export interface CollectContext {
  signal?: AbortSignal;
  nowMs: number;
  fail(part: string, err: unknown): void;
  /** Fleet size, for the attribute excerpts. */
  fleetSize?: number;
  /** Past feedback (as in AnalyseContext): the group's own become citable `history` rows. */
  feedbackPriors?: ReadonlyMap<string, number>;
  /** Component → pod matchers: the namespaces a component's log lines count from. */
  componentMatchers?: Readonly<Record<string, string>>;
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
  /** `opts.day`: the digest day, part of every group id (a dip crossing midnight is one group per day's digest). */
  correlate(findings: AnomalyRow[], clusters: Cluster[], opts?: { day?: string }): DigestIncidentGroup[];
  collectEvidence(group: DigestIncidentGroup, ports: RcaPorts, ctx: CollectContext): Promise<EvidenceRow[]>;
  analyseGroup(group: DigestIncidentGroup, evidence: EvidenceRow[], ctx: AnalyseContext): DigestRcaResult;
}
