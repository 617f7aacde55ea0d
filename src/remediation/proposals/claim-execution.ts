import { ThreadGoneError } from '../../adapters/chat/types.js';
import type { ProposalRow } from '../../adapters/store/types.js';
import { evaluateApprovals } from '../approval/approval-policy.js';
import { loadApproverSets } from '../approval/approver-directory.js';
import type { SafeOperation } from '../catalog/safe-operation-schema.js';
import { closeIfCanaryFailed, fleetActionFor } from './close-if-canary-failed.js';
import { checkAgainstCatalog, operationRequest } from './create-proposal.js';
import { onlyWaiting } from './guardrail-gate.js';
import type { ProposalView } from './proposal-message.js';
import { shortId } from './proposal-id.js';
import { transitionProposal } from './proposal-state.js';
import { decisionsSincePost, findProposalPost, noteWaiting, postThreadNote, upsertProposalMessage } from './proposal-thread.js';
import { loadProposalView } from './proposal-view.js';
import { readDecisions } from './reconcile-proposed.js';
import type { RemediationDeps } from './remediation-deps.js';
import { startDeadlineMs } from './start-deadline.js';

async function refuseExecution(deps: RemediationDeps, view: ProposalView | undefined, p: ProposalRow, reason: string, details: Record<string, unknown> = {}): Promise<undefined> {
  const nowMs = deps.clock.nowMs();
  const next = await transitionProposal(deps.store, p, 'rejected', nowMs, { actor: 'fleetops', details: { reason, ...details } });
  // only the process whose transition won says so: another one may be executing it (and a guardrail
  // such as no-repeat then fails here because of that very execution)
  if (!next) return undefined;
  await deps.store.audit.append({ atMs: nowMs, actor: 'fleetops', action: 'execution.refused', subject: p.id, details: { reason, ...details } });
  const post = await findProposalPost(deps.store, p);
  if (post) {
    await postThreadNote(deps, post, p.id, 'execution-refused', `Not executed: ${reason}. Nothing was changed.`);
    if (view) await upsertProposalMessage(deps, { ...view, proposal: next });
  }
  return undefined;
}

/** Its thread is gone (message and approvals deleted): nothing left shows the approvals, so it does not start. */
async function expireDeleted(deps: RemediationDeps, p: ProposalRow): Promise<undefined> {
  deps.logger.warn({ proposal: p.id, channel: p.channel, threadTs: p.threadTs }, 'proposal message deleted: approved proposal expired');
  await transitionProposal(deps.store, p, 'expired', deps.clock.nowMs(), { actor: 'fleetops', details: { reason: 'proposal message deleted', after: 'approved' } });
  return undefined;
}

/** Approvals recorded earlier, judged again against today's groups, allowlist and autonomy. */
async function approvalsStillValid(deps: RemediationDeps, view: ProposalView): Promise<boolean> {
  const recorded = decisionsSincePost(await deps.store.approvals.list(view.proposal.id), await findProposalPost(deps.store, view.proposal));
  const policy = evaluateApprovals({
    decisions: recorded.map((a) => ({ userId: a.userId, decision: a.decision, messageTs: a.messageTs, reason: a.reason })),
    requirement: view.requirement, proposer: view.context.proposer, botUserIds: new Set(deps.config.botUserIds),
    approvers: await loadApproverSets(deps.chat, deps.config.approvers),
  });
  return policy.verdict === 'approved';
}

function catalogCheck(deps: RemediationDeps, p: ProposalRow): SafeOperation | string {
  try {
    return checkAgainstCatalog(deps.catalog, { operation: p.operation, target: operationRequest(p).target, params: p.params });
  } catch (err) {
    return (err as Error).message;
  }
}

/**
 * Right before execution: catalog, approvals (fresh group membership), the symptom and the
 * guardrails are checked again; then the proposal is claimed (`approved → executing`, an atomic
 * compare-and-set, so exactly one process wins). Returns the claimed row, or undefined. Held only
 * by guardrails that may pass by themselves (a canary not yet verified), it stays approved for a later run.
 */
export async function claimExecution(deps: RemediationDeps, p: ProposalRow): Promise<ProposalRow | undefined> {
  const nowMs = deps.clock.nowMs();
  // another process may have claimed it since this run listed it: the checks below are not free
  const current = await deps.store.proposals.get(p.id);
  if (current?.state !== 'approved') return undefined;
  const action = await fleetActionFor(deps, current);
  if (await closeIfCanaryFailed(deps, current, action)) return undefined;
  // one waiting for its fleet action's canary may start until shortly after the canary is verified
  const deadlineMs = startDeadlineMs(p, action, action ? await deps.store.proposals.list({ groupId: p.groupId }) : [], deps.config);
  if (nowMs > deadlineMs) {
    await transitionProposal(deps.store, p, 'expired', nowMs, { actor: 'fleetops', details: { reason: 'approved but not started before expiry', deadlineMs } });
    return undefined;
  }
  const op = catalogCheck(deps, p);
  if (typeof op === 'string') return refuseExecution(deps, undefined, p, op, { violation: 'catalog' });
  const view = await loadProposalView(deps, p);
  if (!view) return refuseExecution(deps, view, p, 'proposal context missing');
  // the thread is read again: a valid `reject` sent after the approvals still stops it (a claim that
  // failed on an earlier run leaves the proposal approved, and the thread is otherwise read only while proposed)
  const post = await findProposalPost(deps.store, p);
  // decisions are only ever read from its thread: without a record of its message, neither a deleted
  // approval nor a later rejection could be seen, so it does not start
  if (!post) return refuseExecution(deps, view, p, 'its Slack message is not recorded, so its thread cannot be read again for a rejection or a withdrawn approval');
  const policy = await readDecisions(deps, view, post).catch((err: unknown) => (err instanceof ThreadGoneError ? 'gone' as const : Promise.reject(err)));
  if (policy === 'gone') return expireDeleted(deps, p);
  if (policy?.verdict === 'rejected' && policy.rejection) {
    const { userId, reason, messageTs } = policy.rejection;
    const next = await transitionProposal(deps.store, p, 'rejected', deps.clock.nowMs(), { actor: userId, details: { reason: reason ?? '', messageTs, after: 'approved' } });
    if (next) await upsertProposalMessage(deps, { ...view, proposal: next });
    return undefined;
  }
  // an approval deleted from the thread since it was recorded is withdrawn: the stored approvals alone
  // would still let the operation start
  if (policy.verdict !== 'approved') return refuseExecution(deps, view, p, 'the approvals in its thread no longer satisfy the policy (an approval was deleted, or an approver left the group or allowlist)');
  if (!(await approvalsStillValid(deps, view))) return refuseExecution(deps, view, p, 'the approvals no longer satisfy the policy (group, allowlist or autonomy changed)');
  const symptom = await deps.verify(p);
  // not started blind: a check that could not read the symptom is tried again on the next runs, until the deadline
  if (symptom === 'unknown') return noteWaiting(deps, p, [{ guardrail: 'symptom-check', reason: 'the symptom could not be read (its metrics query failed)' }], deadlineMs);
  if (symptom === 'recovered') {
    const closed = await transitionProposal(deps.store, p, 'recovered', deps.clock.nowMs(), { actor: 'fleetops', details: { reason: 'symptom recovered before execution' } });
    const post = await findProposalPost(deps.store, p);
    if (closed && post) await postThreadNote(deps, post, p.id, 'recovered', `The symptom recovered by itself: \`${shortId(p.id)}\` is closed as recovered, nothing was executed.`);
    return undefined;
  }
  const verdict = await deps.guardrails.check(op, operationRequest(p), 'execution');
  if (onlyWaiting(verdict)) return noteWaiting(deps, p, verdict.failures, deadlineMs);
  if (!verdict.ok) return refuseExecution(deps, view, p, `guardrail failed at execution time (${verdict.failures.map((f) => `${f.guardrail}: ${f.reason}`).join('; ')})`, { failures: verdict.failures });
  return transitionProposal(deps.store, p, 'executing', deps.clock.nowMs(), { actor: deps.owner, details: { owner: deps.owner } }, { checkpoint: { phase: 'executing', attempts: 0 } });
}
