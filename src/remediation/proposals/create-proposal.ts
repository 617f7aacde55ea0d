import type { OperationRequest, OperationTarget } from '../../adapters/cluster-ops/types.js';
import type { ProposalRow, Store } from '../../adapters/store/types.js';
import type { Clock } from '../../core/clock.js';
import { SafetyViolationError } from '../../core/errors.js';
import { findOperation, type SafeOperation, type SafeOperationCatalog } from '../catalog/safe-operation-schema.js';
import { validateParameters, type ParameterBounds } from '../catalog/validate-parameters.js';
import type { GuardrailGate, GuardrailVerdict } from './guardrail-gate.js';
import { saveProposalContext, type ProposalContext } from './proposal-context.js';
import { proposalId } from './proposal-id.js';

/**
 * Whether the symptom a proposal should fix is still there (`pending`: not decided yet, e.g. no data;
 * `unknown`: it could not be read, its metrics query failed).
 */
export type SymptomStatus = 'recovered' | 'not-recovered' | 'pending' | 'unknown';
export type SymptomVerifier = (proposal: ProposalRow) => Promise<SymptomStatus>;

/** A suggested action. `operation`, `target` and `params` are untrusted until checked against the catalog. */
export interface ProposalDraft {
  groupId: string;
  operation: string;
  target: OperationTarget;
  params: Record<string, unknown>;
  context: ProposalContext;
  /** The runbook's narrower bounds for this operation, when the draft comes from a runbook. */
  bounds?: ParameterBounds;
  /** The incident thread to answer in; default: the configured remediation channel. */
  channel?: string;
  threadTs?: string;
}

export interface CreateProposalDeps {
  store: Store;
  catalog: SafeOperationCatalog;
  guardrails: GuardrailGate;
  verify: SymptomVerifier;
  clock: Clock;
  expiryMinutes: number;
}

export type CreateProposalResult =
  | { status: 'proposed'; proposal: ProposalRow; created: boolean }
  | { status: 'refused'; failures: GuardrailVerdict['failures'] }
  | { status: 'recovered' };

/** Checks operation, target kind and parameters against the catalog; anything else is a safety violation. */
export function checkAgainstCatalog(catalog: SafeOperationCatalog, draft: Pick<ProposalDraft, 'operation' | 'target' | 'params' | 'bounds'>): SafeOperation {
  const op = findOperation(catalog, draft.operation);
  if (!op) throw new SafetyViolationError(`operation "${draft.operation}" is not in the safe-operation catalog; only catalog operations can be proposed`);
  if (!op.target_kinds.includes(draft.target.kind)) {
    throw new SafetyViolationError(`${op.id} cannot act on a ${draft.target.kind} (allowed: ${op.target_kinds.join(', ')})`);
  }
  // checked with the defaults filled in: an omitted parameter gets a value too, and it must respect the runbook
  const errors = validateParameters(op, withDefaults(op, draft.params, draft.bounds), draft.bounds);
  if (errors.length > 0) throw new SafetyViolationError(`${op.id}: ${errors.join('; ')}`);
  return op;
}

/**
 * Catalog defaults for parameters the draft left out, so the id and the executor see the full
 * parameter set. Where a runbook narrows a parameter, its default is brought inside the runbook's
 * bounds: the catalog's maxClustersPerHour default 10 under a runbook maximum of 5 is 5.
 */
export function withDefaults(op: SafeOperation, params: Record<string, unknown>, bounds: ParameterBounds = {}): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(op.parameters)) {
    const value = params[name] ?? narrowDefault(spec.default, bounds[name]);
    if (value !== undefined) out[name] = value;
  }
  return { ...out, ...params };
}

function narrowDefault(value: unknown, bound: ParameterBounds[string] | undefined): unknown {
  if (value === undefined || bound === undefined) return value;
  if (typeof bound === 'string' || typeof bound === 'boolean') return bound;
  if (Array.isArray(bound)) return bound.includes(value as string) ? value : bound[0];
  if (typeof value !== 'number') return value;
  return Math.min(bound.max ?? Infinity, Math.max(bound.min ?? -Infinity, value));
}

export function operationRequest(p: Pick<ProposalRow, 'id' | 'operation' | 'target' | 'params' | 'checkpoint'>): OperationRequest {
  return { operationId: p.id, operation: p.operation, target: p.target as unknown as OperationTarget, params: p.params };
}

async function refuse(deps: CreateProposalDeps, draft: ProposalDraft, reason: string, details: Record<string, unknown> = {}): Promise<void> {
  await deps.store.audit.append({
    atMs: deps.clock.nowMs(), actor: draft.context.proposer, action: 'proposal.refused', subject: draft.groupId,
    details: { operation: draft.operation, target: { ...draft.target }, source: draft.context.source, reason, ...details },
  });
}

function buildRow(draft: ProposalDraft, op: SafeOperation, nowMs: number, expiryMinutes: number): ProposalRow {
  const params = withDefaults(op, draft.params, draft.bounds);
  const target = { ...draft.target };
  return {
    id: proposalId({ groupId: draft.groupId, operation: op.id, target, params }), groupId: draft.groupId, operation: op.id,
    cluster: draft.target.cluster, target: target as unknown as Record<string, unknown>, params, risk: op.risk, state: 'proposed',
    createdAtMs: nowMs, expiresAtMs: nowMs + expiryMinutes * 60_000, channel: draft.channel, threadTs: draft.threadTs, updatedAtMs: nowMs,
  };
}

/**
 * Turns a draft into a stored proposal, or refuses it. Outside the catalog → audited, then
 * SafetyViolationError. Symptom already gone → `recovered` (audited, nothing stored). A failing
 * guardrail → `refused` (audited). Idempotent: the same draft yields the same id and no new row.
 */
export async function createProposal(draft: ProposalDraft, deps: CreateProposalDeps): Promise<CreateProposalResult> {
  let op: SafeOperation;
  try {
    op = checkAgainstCatalog(deps.catalog, draft);
  } catch (err) {
    await refuse(deps, draft, (err as Error).message, { violation: 'catalog' });
    throw err;
  }
  const nowMs = deps.clock.nowMs();
  const row = buildRow(draft, op, nowMs, deps.expiryMinutes);
  const existing = await deps.store.proposals.get(row.id);
  if (existing) return { status: 'proposed', proposal: existing, created: false };
  if ((await deps.verify(row)) === 'recovered') {
    await deps.store.audit.append({ atMs: nowMs, actor: 'fleetops', action: 'proposal.not-needed', subject: row.id, details: { reason: 'symptom already recovered' } });
    return { status: 'recovered' };
  }
  // the row is passed as it is not stored yet: a cluster of a fleet action whose canary failed is refused here
  const verdict = await deps.guardrails.check(op, operationRequest(row), 'proposal', row);
  if (!verdict.ok) {
    await refuse(deps, draft, 'guardrail failed at proposal time', { proposalId: row.id, failures: verdict.failures });
    return { status: 'refused', failures: verdict.failures };
  }
  await saveProposalContext(deps.store, row.id, draft.context, nowMs);
  const created = await deps.store.proposals.insert(row);
  if (created) {
    await deps.store.audit.append({
      atMs: nowMs, actor: draft.context.proposer, action: 'proposal.proposed', subject: row.id,
      details: { operation: row.operation, cluster: row.cluster, target: row.target, params: row.params, risk: row.risk, groupId: row.groupId, source: draft.context.source, expiresAtMs: row.expiresAtMs },
    });
  }
  return { status: 'proposed', proposal: (await deps.store.proposals.get(row.id)) ?? row, created };
}
