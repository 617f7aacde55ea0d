import type { OperationTarget } from '../adapters/cluster-ops/types.js';
import type { ProposalRow, Store } from '../adapters/store/types.js';
import type { SafeOperation, SafeOperationCatalog } from '../remediation/catalog/index.js';
import { checkAgainstCatalog, operationRequest, withDefaults } from '../remediation/proposals/create-proposal.js';
import type { GuardrailGate, GuardrailVerdict } from '../remediation/proposals/guardrail-gate.js';
import { auditOnce } from '../remediation/audit/audit-once.js';
import { saveProposalContext } from '../remediation/proposals/proposal-context.js';
import { proposalId, shortId, type ProposalContent } from '../remediation/proposals/proposal-id.js';
import type { DigestProposalView } from './digest-model.js';
import type { DigestRcaResult } from './rca-contract.js';

export const PROPOSAL_EXPIRY_MS = 30 * 60_000;
/** Rounds of one proposal (see recordProposal): a day of 30-minute expiries. */
export const MAX_PROPOSAL_ROUNDS = 48;

export interface RecordProposalDeps {
  store: Store;
  catalog: SafeOperationCatalog;
  nowMs: number;
  channel?: string;
  /**
   * The guardrails at proposal time, as for a proposal made by hand (createProposal): one they refuse
   * (a change freeze, a strategy no bound can hold, too many operations at once) is not offered for
   * approval only to be refused at execution. A guardrail that could not read its facts (the digest's
   * job may have no cluster credentials) does not refuse here. Absent: checked at execution only.
   */
  guardrails?: GuardrailGate;
  /** What the approval policy needs (autonomy scope, signature, symptom); saved before the row. */
  context?: { environment: string; tier: string; signature: string; runbookId?: string; symptom: { component: string; signal: string } };
}

/**
 * Records the RCA's operation as a `proposed` ProposalRow (the approval flow takes it from there).
 * The operation must be in the safe-operation catalog with valid parameters (SafetyViolationError
 * otherwise). Idempotent: the id is the sha256 of operation, target, parameters and group, so a
 * rerun finds the stored row (and its current state) instead of adding one. The one exception is a
 * proposal that expired unanswered (or was withdrawn when its group was superseded, and the group
 * came back): it is called only while the symptom is present, so the same action is proposed again
 * as a new round with its own id, message and expiry; rejected, recovered and executed proposals stand.
 */
export type RecordedProposal = { view: DigestProposalView; created: boolean } | { refused: GuardrailVerdict['failures'] };

export async function recordProposal(rca: DigestRcaResult, deps: RecordProposalDeps): Promise<RecordedProposal | undefined> {
  const checked = proposalContent(rca, deps.catalog);
  if (!checked) return undefined;
  const { op, content } = checked;
  const { target, params } = content;
  const latest = await latestRound(deps.store, content);
  if (latest && (latest.row.state !== 'expired' || latest.round + 1 >= MAX_PROPOSAL_ROUNDS)) return { view: proposalView(latest.row, deps.nowMs), created: false };
  const previous = latest?.row;
  const round = latest ? latest.round + 1 : 0;
  const row: ProposalRow = {
    id: proposalId({ ...content, round }), groupId: rca.groupId, operation: op.id, cluster: target.cluster,
    target: target as unknown as Record<string, unknown>, params, risk: op.risk, state: 'proposed',
    createdAtMs: deps.nowMs, expiresAtMs: deps.nowMs + PROPOSAL_EXPIRY_MS, channel: deps.channel, updatedAtMs: deps.nowMs,
  };
  if (deps.guardrails) {
    const verdict = await deps.guardrails.check(op, operationRequest(row), 'proposal', row);
    // a guardrail the digest could not read (its job may have no cluster credentials) does not refuse
    // here: the proposals job judges it before execution, where it fails closed
    const refused = verdict.failures.filter((f) => !verdict.unevaluated?.includes(f.guardrail));
    if (refused.length > 0) {
      // once per proposal and set of refusing guardrails: a rerun refused for the same reasons adds nothing
      await auditOnce(deps.store, `digest-refused:${row.id}:${refused.map((f) => f.guardrail).sort().join(',')}`, {
        atMs: deps.nowMs, actor: 'fleetops:availability-digest', action: 'proposal.refused', subject: rca.groupId,
        details: { operation: row.operation, cluster: row.cluster, target: row.target, source: 'digest', reason: 'guardrail failed at proposal time', proposalId: row.id, failures: refused },
      });
      return { refused };
    }
  }
  // the policy refuses a proposal without its context, so it is written first
  if (deps.context) {
    await saveProposalContext(deps.store, row.id, { proposer: 'fleetops', source: 'rca', rationale: '', ...deps.context }, deps.nowMs);
  }
  const created = await deps.store.proposals.insert(row);
  const stored = created ? row : (await deps.store.proposals.get(row.id)) ?? row;
  if (created) {
    await deps.store.audit.append({
      atMs: deps.nowMs, actor: 'fleetops:availability-digest', action: 'proposal.proposed', subject: row.id,
      details: { operation: row.operation, cluster: row.cluster, target: row.target, params: row.params, risk: row.risk, groupId: row.groupId, source: 'digest', expiresAtMs: row.expiresAtMs, ...(previous ? { round, previous: previous.id } : {}) },
    });
  }
  return { view: proposalView(stored, deps.nowMs), created };
}

/**
 * The latest stored round of the RCA's operation (the row recordProposal would show or follow with a
 * new round), or undefined when none is stored. Throws as recordProposal does when the catalog refuses it.
 */
export async function latestProposalRound(rca: DigestRcaResult, deps: { store: Store; catalog: SafeOperationCatalog }): Promise<ProposalRow | undefined> {
  const checked = proposalContent(rca, deps.catalog);
  return checked && (await latestRound(deps.store, checked.content))?.row;
}

/**
 * The RCA's operation checked against the catalog (SafetyViolationError when it refuses it), and the
 * content its proposal ids hash (parameters with the catalog's defaults); undefined without one.
 */
function proposalContent(rca: DigestRcaResult, catalog: SafeOperationCatalog): { op: SafeOperation; content: Omit<ProposalContent, 'round'> & { target: OperationTarget } } | undefined {
  if (!rca.operation) return undefined;
  const target = { ...rca.operation.target } as OperationTarget;
  const op = checkAgainstCatalog(catalog, { operation: rca.operation.id, target, params: rca.operation.params });
  return { op, content: { groupId: rca.groupId, operation: op.id, target, params: withDefaults(op, rca.operation.params) } };
}

/** Rounds are stored one after another from 0 (a new one only once the one before expired). */
async function latestRound(store: Store, content: Omit<ProposalContent, 'round'>): Promise<{ row: ProposalRow; round: number } | undefined> {
  let latest: { row: ProposalRow; round: number } | undefined;
  for (let round = 0; round < MAX_PROPOSAL_ROUNDS; round++) {
    const row = await store.proposals.get(proposalId({ ...content, round }));
    if (!row) break;
    latest = { row, round };
    if (row.state !== 'expired') break;
  }
  return latest;
}

/**
 * A proposal as the digest shows it at `nowMs`: one still `proposed` past its expiry (the proposals job
 * has not closed it yet) shows as `expired`, since an approval after expiry is refused; "approve in this
 * thread" would be untrue.
 */
export function proposalView(p: ProposalRow, nowMs: number): DigestProposalView {
  const t = p.target as { kind?: string; namespace?: string; name?: string; cluster?: string };
  const name = t.namespace ? `${t.namespace}/${t.name}` : String(t.name);
  const state = p.state === 'proposed' && p.expiresAtMs <= nowMs ? 'expired' : p.state;
  return { id: p.id, id8: shortId(p.id), operation: p.operation, target: `${t.kind ?? 'object'} ${name} in ${p.cluster}`, risk: p.risk, state, expiresAtMs: p.expiresAtMs };
}
