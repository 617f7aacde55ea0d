/** The week's incidents, remediation outcomes, feedback and scan findings, from store rows (pure). */
import type { AnomalyRow, FeedbackRow, IncidentGroupRow, ProposalRow, ProposalState, RcaRow } from '../../adapters/store/types.js';
import { summariseFeedback } from '../../remediation/feedback/feedback-priors.js';
import { compareText } from '../../core/compare-text.js';

export interface IncidentLine {
  id: string;
  title: string;
  startMs: number;
  endMs: number;
  clusters: number;
  /** `not analysed`: the digest listed the group past `digest.maxAnalysedGroups`; `no RCA`: none is stored (its analysis failed). */
  verdict: 'root-cause' | 'inconclusive' | 'no RCA' | 'not analysed';
  rootCause?: string;
}

export interface RemediationFigures {
  proposed: number;
  approved: number;
  rejected: number;
  expired: number;
  /** Ran an operation: succeeded, failed or rolled back. */
  executed: number;
  verified: number;
  failed: number;
  rolledBack: number;
  /** Approved, then closed without running anything: the symptom recovered first. */
  recovered: number;
}

export interface FindingFigures {
  total: number;
  byKind: { kind: string; count: number }[];
  critical: number;
}

export interface FeedbackFigures { helpful: number; unhelpful: number }

/**
 * Proposal states grouped by how far a proposal got; a state implies the earlier steps. `recovered` is
 * reached only from approved (claim-execution) and ran nothing, so it is approved but not executed.
 */
const APPROVED: ProposalState[] = ['approved', 'executing', 'succeeded', 'failed', 'rolled-back', 'recovered'];
const EXECUTED: ProposalState[] = ['succeeded', 'failed', 'rolled-back'];

/**
 * The time that puts a proposal in one report week: its incident group's start, the rule that lists the
 * group (a proposal for a week's last day is made after the handoff, by the next morning's digest), or its
 * creation when the group is no longer stored (deleted by retention).
 */
export function proposalWeekMs(p: ProposalRow, group: IncidentGroupRow | undefined): number {
  return group ? group.startMs : p.createdAtMs;
}

/** What the remediation figures cover, as the document and the LLM's facts say it. */
export const REMEDIATION_SCOPE = "Proposals for this week's incident groups, whenever they were made, in their state now "
  + '(a proposal whose incident group is no longer stored counts in the week it was made); proposals made, and states '
  + 'changed, after this report was generated show when it is run again for this week.';

/** The week's proposals (readStoreFacts selects them by proposalWeekMs), counted by how far each got (state now). */
export function remediationFigures(ps: readonly ProposalRow[]): RemediationFigures {
  const count = (states: ProposalState[]) => ps.filter((p) => states.includes(p.state)).length;
  return {
    proposed: ps.length,
    approved: count(APPROVED),
    rejected: count(['rejected']),
    expired: count(['expired']),
    executed: count(EXECUTED),
    verified: count(['succeeded']),
    failed: count(['failed']),
    rolledBack: count(['rolled-back']),
    recovered: count(['recovered']),
  };
}

type Statement = { statement?: unknown } | string | undefined;
interface RcaBody { rootCause?: Statement; summary?: unknown; narrative?: { rootCause?: Statement; summary?: unknown } }

const statementOf = (s: Statement): unknown => (typeof s === 'string' ? s : s?.statement);

/**
 * The root cause an RCA row states. The digest stores its narrative under `body.narrative`
 * (`rootCause.statement`, then `summary`); a bare `rootCause`/`summary` body is read too. Only a
 * `root-cause` verdict states one: an inconclusive narrative's statement is a hypothesis.
 */
function rootCauseOf(rca: RcaRow | undefined): string | undefined {
  if (!rca || rca.verdict !== 'root-cause') return undefined;
  const body = rca.body as RcaBody;
  const rc = statementOf(body.narrative?.rootCause) ?? body.narrative?.summary ?? statementOf(body.rootCause) ?? body.summary;
  return typeof rc === 'string' && rc.length > 0 ? rc : undefined;
}

export function incidentLines(groups: readonly IncidentGroupRow[], rcas: ReadonlyMap<string, RcaRow>): IncidentLine[] {
  return [...groups].sort((a, b) => a.startMs - b.startMs || compareText(a.id, b.id)).map((g) => {
    const rca = rcas.get(g.id);
    return { id: g.id, title: g.title, startMs: g.startMs, endMs: g.endMs, clusters: g.clusters.length, verdict: rca?.verdict ?? (g.attributes.notAnalysed ? 'not analysed' : 'no RCA'), rootCause: rootCauseOf(rca) };
  });
}

export function findingFigures(rows: readonly AnomalyRow[]): FindingFigures {
  const kinds = new Map<string, number>();
  for (const r of rows) kinds.set(r.kind, (kinds.get(r.kind) ?? 0) + 1);
  return {
    total: rows.length,
    byKind: [...kinds].map(([kind, count]) => ({ kind, count })).sort((a, b) => b.count - a.count || compareText(a.kind, b.kind)),
    critical: rows.filter((r) => r.severity === 'critical').length,
  };
}

/**
 * Votes recorded in the week, one per person and subject, as the RCA ranking reads them
 * (summariseFeedback): someone who gave both 👍 and 👎 on the same subject counts for neither.
 */
export function feedbackFigures(rows: readonly FeedbackRow[], week: { startMs: number; endMs: number }): FeedbackFigures {
  const { up, down } = summariseFeedback(rows.filter((f) => f.atMs >= week.startMs && f.atMs < week.endMs));
  return { helpful: up, unhelpful: down };
}
