import type { OperationTarget } from '../../adapters/cluster-ops/types.js';
import { SafetyViolationError } from '../../core/errors.js';
import type { RunbookFrontMatter } from '../../runbooks/runbook-schema.js';
import { createProposal, type CreateProposalDeps, type CreateProposalResult } from './create-proposal.js';
import type { ProposalContext } from './proposal-context.js';

/** A structured action suggested for an incident (by the template engine or the LLM): untrusted. */
export interface RunbookSuggestion {
  operation: string;
  target: OperationTarget;
  params: Record<string, unknown>;
}

export interface ProposeFromRunbookInput {
  groupId: string;
  runbook: { id: string; meta: Pick<RunbookFrontMatter, 'allowed_operations'> };
  suggestions: readonly RunbookSuggestion[];
  context: Omit<ProposalContext, 'runbookId'>;
  channel?: string;
  threadTs?: string;
}

export interface ProposeFromRunbookResult {
  results: CreateProposalResult[];
  refused: { operation: string; reason: string }[];
}

/**
 * Proposals for an incident, only for operations the matched runbook allows and within its bounds.
 * Anything else (an operation outside the runbook or the catalog, e.g. invented by the LLM) is
 * refused and audited; the others still go ahead. Free text (evidence, logs) is never an input.
 */
export async function proposeFromRunbook(input: ProposeFromRunbookInput, deps: CreateProposalDeps): Promise<ProposeFromRunbookResult> {
  const out: ProposeFromRunbookResult = { results: [], refused: [] };
  for (const s of input.suggestions) {
    const allowed = input.runbook.meta.allowed_operations.find((a) => a.op === s.operation);
    const context = { ...input.context, runbookId: input.runbook.id };
    try {
      if (!allowed) {
        await deps.store.audit.append({
          atMs: deps.clock.nowMs(), actor: context.proposer, action: 'proposal.refused', subject: input.groupId,
          details: { operation: s.operation, target: { ...s.target }, source: context.source, violation: 'runbook', reason: `runbook ${input.runbook.id} does not allow ${s.operation}` },
        });
        throw new SafetyViolationError(`runbook ${input.runbook.id} does not allow operation "${s.operation}"`);
      }
      out.results.push(await createProposal({ groupId: input.groupId, ...s, bounds: allowed.parameters, context, channel: input.channel, threadTs: input.threadTs }, deps));
    } catch (err) {
      if (!(err instanceof SafetyViolationError)) throw err;
      out.refused.push({ operation: s.operation, reason: err.message });
    }
  }
  return out;
}
