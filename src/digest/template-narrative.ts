import type { EvidenceRow } from '../adapters/store/types.js';
import type { Narrative } from '../rca/narrative/llm-narrative.js';
import { describeEntity, listSome } from './group-facts.js';
import type { CitedText, DigestIncidentGroup, DigestRcaResult } from './rca-contract.js';

/** The LlmAnswer schema's limits: the template must pass the same schema as a model's answer. */
const LIMITS = { summary: 800, statement: 600, claim: 600, step: 300, ids: 12, claims: 12, rejected: 8, steps: 6 } as const;

export interface TemplateNarrativeInput {
  group: DigestIncidentGroup;
  rca: DigestRcaResult;
  /** The group's evidence ledger: only ids in it may be cited. */
  ledger: readonly EvidenceRow[];
  /** A recorded remediation proposal, mentioned in the next steps. */
  proposal?: { id8: string; operation: string; target: string };
}

/**
 * The deterministic narrative of one group, built from the RCA alone. Every claim keeps only the
 * evidence ids present in the ledger and is dropped when none remains; a root cause that no stored
 * evidence supports is reported as inconclusive, asking a human for what is missing.
 */
export function templateNarrative(input: TemplateNarrativeInput): Narrative {
  const { group, rca } = input;
  const known = new Set(input.ledger.map((r) => r.id));
  const cite = (c: CitedText): CitedText | undefined => {
    const ids = [...new Set(c.evidenceIds.filter((id) => known.has(id)))].slice(0, LIMITS.ids);
    return ids.length ? { text: cut(c.text, LIMITS.claim), evidenceIds: ids } : undefined;
  };
  const supporting = (rca.top?.supporting ?? []).map(cite).filter(isDefined);
  const contradicting = (rca.top?.contradicting ?? []).map((c) => cite({ ...c, text: `Against: ${c.text}` })).filter(isDefined);
  const rootIds = [...new Set(supporting.flatMap((c) => c.evidenceIds))].slice(0, LIMITS.ids);
  const conclusive = rca.verdict === 'root-cause' && rca.top !== undefined && rootIds.length > 0;
  const missing = missingText(rca, conclusive, rootIds.length === 0);
  const scope = `${group.clusters.length} cluster${group.clusters.length === 1 ? '' : 's'} (${listSome(group.components, 4)})`;
  const cause = rca.top ? `${rca.top.failureMode} — ${describeEntity(rca.top.entity)}` : 'no candidate cause';
  const claims = [...supporting, ...contradicting].slice(0, LIMITS.claims);
  return {
    summary: cut(conclusive ? `${scope} dipped; first-level root cause: ${cause}.` : `${scope} dipped; inconclusive — needs a human: ${missing}.`, LIMITS.summary),
    rootCause: {
      statement: cut(conclusive ? `${cause}.` : `Inconclusive — needs a human: ${missing}. Leading candidate: ${cause}.`, LIMITS.statement),
      evidenceIds: rootIds,
    },
    claims: claims.length ? claims : [{ text: cut(`No stored evidence supports a cause for ${scope}.`, LIMITS.claim), evidenceIds: [] }],
    rejectedHypotheses: rca.rejected.map((c) => cite({ ...c, text: c.text })).filter(isDefined).slice(0, LIMITS.rejected),
    nextSteps: nextSteps(input, conclusive, missing).map((s) => cut(s, LIMITS.step)).slice(0, LIMITS.steps),
  };
}

function missingText(rca: DigestRcaResult, conclusive: boolean, uncited: boolean): string {
  if (conclusive) return '';
  const parts = [...rca.missing];
  if (rca.verdict === 'root-cause' && uncited) parts.push('no stored evidence supports the top hypothesis');
  return parts.length ? listSome(parts, 4) : 'the evidence does not single out one cause';
}

function nextSteps(input: TemplateNarrativeInput, conclusive: boolean, missing: string): string[] {
  const steps: string[] = [];
  const rb = input.rca.runbook;
  if (rb) steps.push(`Follow runbook ${rb.id} (“${rb.title}”), section ${rb.section}.`);
  if (input.proposal) steps.push(`Review proposal ${input.proposal.id8}: ${input.proposal.operation} on ${input.proposal.target} (approve in this thread).`);
  if (!conclusive) steps.push(`A human should check: ${missing}.`);
  if (steps.length === 0) steps.push('Confirm the cause against the evidence and close the group.');
  return steps;
}

function cut(text: string, max: number): string {
  const t = text.trim() || '—';
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}
