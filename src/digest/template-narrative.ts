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
  /** A recorded remediation proposal, mentioned in the next steps; to approve only in state `proposed` (the default). */
  proposal?: { id8: string; operation: string; target: string; state?: string };
}

/**
 * The deterministic narrative of one group, built from the RCA alone. Every claim keeps only the
 * evidence ids present in the ledger and is dropped when none remains; a root cause that no stored
 * evidence supports is reported as inconclusive, asking a human for what is missing.
 */
export function templateNarrative(input: TemplateNarrativeInput): Narrative {
  const { group, rca } = input;
  const cite = citing(input.ledger);
  const { supporting, rootIds, conclusive, missing } = support(input);
  const contradicting = (rca.top?.contradicting ?? []).map((c) => cite({ ...c, text: `Against: ${c.text}` })).filter(isDefined);
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
    nextSteps: nextSteps(input, conclusive, missing),
  };
}

/**
 * The template's next steps alone (the same as in templateNarrative): every narrative's, a model's too,
 * so a stored narrative shown again takes them afresh for the proposal as it stands now. Pure.
 */
export function templateNextSteps(input: TemplateNarrativeInput): string[] {
  const { conclusive, missing } = support(input);
  return nextSteps(input, conclusive, missing);
}

function citing(ledger: readonly EvidenceRow[]): (c: CitedText) => CitedText | undefined {
  const known = new Set(ledger.map((r) => r.id));
  return (c) => {
    const ids = [...new Set(c.evidenceIds.filter((id) => known.has(id)))].slice(0, LIMITS.ids);
    return ids.length ? { text: cut(c.text, LIMITS.claim), evidenceIds: ids } : undefined;
  };
}

/** The top cause's claims the ledger supports, and whether they make the verdict conclusive. */
function support(input: TemplateNarrativeInput): { supporting: CitedText[]; rootIds: string[]; conclusive: boolean; missing: string } {
  const { rca } = input;
  const supporting = (rca.top?.supporting ?? []).map(citing(input.ledger)).filter(isDefined);
  const rootIds = [...new Set(supporting.flatMap((c) => c.evidenceIds))].slice(0, LIMITS.ids);
  const conclusive = rca.verdict === 'root-cause' && rca.top !== undefined && rootIds.length > 0;
  return { supporting, rootIds, conclusive, missing: missingText(rca, conclusive, rootIds.length === 0) };
}

function missingText(rca: DigestRcaResult, conclusive: boolean, uncited: boolean): string {
  if (conclusive) return '';
  const parts = [...rca.missing];
  if (rca.verdict === 'root-cause' && uncited) parts.push('no stored evidence supports the top hypothesis');
  return parts.length ? listSome(parts, 4) : 'the evidence does not single out one cause';
}

/** A proposal's state as the next step says it. */
const STATE_WORDS: Record<string, string> = {
  approved: 'is approved and waits to run', executing: 'is running', succeeded: 'ran and succeeded', failed: 'ran and failed',
  'rolled-back': 'was rolled back', rejected: 'was rejected', expired: 'expired', recovered: 'was not run: the symptom recovered',
};

function nextSteps(input: TemplateNarrativeInput, conclusive: boolean, missing: string): string[] {
  const steps: string[] = [];
  const rb = input.rca.runbook;
  if (rb) steps.push(`Follow runbook ${rb.id} (“${rb.title}”), section ${rb.section}.`);
  const p = input.proposal;
  // only a proposed one awaits approval: a rejected, running or finished one is said as it stands
  if (p && (p.state ?? 'proposed') === 'proposed') steps.push(`Review proposal ${p.id8}: ${p.operation} on ${p.target} (approve in this thread).`);
  else if (p) steps.push(`Proposal ${p.id8} (${p.operation} on ${p.target}) ${STATE_WORDS[p.state ?? ''] ?? `is ${p.state}`}: nothing to approve.`);
  if (!conclusive) steps.push(`A human should check: ${missing}.`);
  if (steps.length === 0) steps.push('Confirm the cause against the evidence and close the group.');
  return steps.map((s) => cut(s, LIMITS.step)).slice(0, LIMITS.steps);
}

function cut(text: string, max: number): string {
  const t = text.trim() || '—';
  return t.length <= max ? t : `${t.slice(0, max - 1)}…`;
}

function isDefined<T>(v: T | undefined): v is T {
  return v !== undefined;
}
