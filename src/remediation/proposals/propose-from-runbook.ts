import type { OperationTarget } from '../../adapters/cluster-ops/types.js';
import type { EvidenceRow } from '../../adapters/store/types.js';
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
  /**
   * The incident the suggestions are for: a target must be one of its clusters, and its name and
   * namespace must be written in its evidence. Pass it for every suggestion that is not the
   * deterministic engine's (an LLM can name any cluster or object a log line names).
   */
  scope: { clusters: readonly string[]; evidence: readonly Pick<EvidenceRow, 'excerpt' | 'query' | 'data'>[] };
  context: Omit<ProposalContext, 'runbookId'>;
  channel?: string;
  threadTs?: string;
}

export interface ProposeFromRunbookResult {
  results: CreateProposalResult[];
  refused: { operation: string; reason: string }[];
}

/**
 * Proposals for an incident, only for operations the matched runbook allows, within its bounds and on
 * the incident's clusters and objects (the scope: required, so no caller can skip the check). Anything else (an operation outside the
 * runbook or the catalog, a cluster a log line named, e.g. invented by the LLM) is refused and
 * audited; the others still go ahead. Free text (evidence, logs) is never an input.
 */
export async function proposeFromRunbook(input: ProposeFromRunbookInput, deps: CreateProposalDeps): Promise<ProposeFromRunbookResult> {
  const out: ProposeFromRunbookResult = { results: [], refused: [] };
  for (const s of input.suggestions) {
    const allowed = input.runbook.meta.allowed_operations.find((a) => a.op === s.operation);
    const context = { ...input.context, runbookId: input.runbook.id };
    const refusal = async (violation: string, reason: string) => {
      await deps.store.audit.append({
        atMs: deps.clock.nowMs(), actor: context.proposer, action: 'proposal.refused', subject: input.groupId,
        details: { operation: s.operation, target: { ...s.target }, source: context.source, violation, reason },
      });
      return new SafetyViolationError(reason);
    };
    try {
      if (!allowed) throw await refusal('runbook', `runbook ${input.runbook.id} does not allow operation "${s.operation}"`);
      const outside = scopeProblem(s.target, input.scope);
      if (outside) throw await refusal('scope', outside);
      out.results.push(await createProposal({ groupId: input.groupId, ...s, bounds: allowed.parameters, context, channel: input.channel, threadTs: input.threadTs }, deps));
    } catch (err) {
      if (!(err instanceof SafetyViolationError)) throw err;
      out.refused.push({ operation: s.operation, reason: err.message });
    }
  }
  return out;
}

/** Why a target lies outside the incident: a cluster not in the group, or a name or namespace no evidence row writes. */
function scopeProblem(target: OperationTarget, scope: ProposeFromRunbookInput['scope']): string | undefined {
  if (!scope.clusters.includes(target.cluster)) return `cluster ${JSON.stringify(target.cluster)} is not one of the incident's clusters`;
  const texts = scope.evidence.flatMap((e) => [e.excerpt, e.query, ...dataStrings(e.data)]).map((t) => t.toLowerCase());
  for (const [field, value] of [['name', target.name], ['namespace', target.namespace]] as const) {
    if (value !== undefined && !texts.some((t) => hasWholeName(t, value.toLowerCase()))) return `${target.kind} ${field} ${JSON.stringify(value)} appears in none of the incident's evidence`;
  }
  return undefined;
}

/** `name` as a whole word in `text`: `coredns` is in `kube-system/coredns`, not in `coredns-autoscaler`. */
function hasWholeName(text: string, name: string): boolean {
  if (name === '') return false;
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!/[\w.-]/.test(text[i - 1] ?? '') && !/[\w-]/.test(text[i + name.length] ?? '')) return true;
  }
  return false;
}

function dataStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(dataStrings);
  return value && typeof value === 'object' ? Object.values(value).flatMap(dataStrings) : [];
}
