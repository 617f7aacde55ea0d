import { ThreadGoneError, type ChatMessage } from '../../adapters/chat/types.js';
import type { ProposalRow } from '../../adapters/store/types.js';
import { evaluateApprovals, type ApproverSets, type PolicyResult } from '../approval/approval-policy.js';
import { loadApproverSets, resolveCommandAuthors } from '../approval/approver-directory.js';
import { parseApprovalThread, parseCommand, type RefusedReply } from '../approval/parse-approval-thread.js';
import { auditOnce } from '../audit/audit-once.js';
import { failedOrRollingBack } from '../guardrails/fleet-action.js';
import { closeIfCanaryFailed, fleetActionFor } from './close-if-canary-failed.js';
import type { ProposalView } from './proposal-message.js';
import { shortId, toSlackTs } from './proposal-id.js';
import { OPEN_STATES, transitionProposal } from './proposal-state.js';
import { decisionsSincePost, findProposalPost, postThreadNote, repostProposalMessage, upsertProposalMessage, type ProposalPost } from './proposal-thread.js';
import { loadProposalView } from './proposal-view.js';
import type { RemediationDeps } from './remediation-deps.js';
import type { ThreadReads } from './thread-reads.js';

/** Reactions people use to mean "yes"; they never approve, and saying so once helps. */
const APPROVING_REACTIONS = new Set(['white_check_mark', 'heavy_check_mark', 'ballot_box_with_check', '+1', 'thumbsup', 'ok', 'shipit', 'approved']);

async function threadContext(deps: RemediationDeps, p: ProposalRow) {
  const siblings = (await deps.store.proposals.list({ groupId: p.groupId })).filter((o) => o.id !== p.id);
  const consumedTs = new Set<string>();
  for (const o of siblings) for (const a of await deps.store.approvals.list(o.id)) consumedTs.add(a.messageTs);
  return { otherProposals: siblings.map((o) => ({ id: o.id, open: OPEN_STATES.includes(o.state) })), consumedTs };
}

/**
 * fleetops' own ids: the configured bot ids and, when some reply reads as a command, the chat's own id
 * (Slack auth.test). A command may address them by mention, and one they posted never counts: posting
 * with a user token, fleetops' messages carry no bot id.
 */
async function selfUserIds(deps: RemediationDeps, messages: readonly ChatMessage[]): Promise<Set<string>> {
  const ids = new Set(deps.config.botUserIds.map((id) => id.toUpperCase()));
  if (messages.some((m) => parseCommand(m.text) !== undefined)) {
    const self = await deps.chat.selfUserId();
    if (self) ids.add(self.toUpperCase());
  }
  return ids;
}

async function auditRefusals(deps: RemediationDeps, p: ProposalRow, post: ProposalPost, refused: readonly RefusedReply[]): Promise<void> {
  for (const r of refused) {
    const fresh = await auditOnce(deps.store, `refusal:${p.id}:${r.messageTs}:${r.reason}`, {
      atMs: deps.clock.nowMs(), actor: r.userId ?? 'unknown', action: 'approval.refused', subject: p.id,
      details: { messageTs: r.messageTs, decision: r.decision, reason: r.reason, detail: r.detail },
    });
    if (fresh) await postThreadNote(deps, post, p.id, `refused:${r.messageTs}`, `A reply (ts ${r.messageTs}) did not count for proposal \`${shortId(p.id)}\`: ${r.detail}.`);
  }
}

async function auditReactions(deps: RemediationDeps, p: ProposalRow, post: ProposalPost, messages: readonly ChatMessage[]): Promise<void> {
  const own = messages.find((m) => m.ts === post.ts) ?? (await deps.chat.history(post.channel, { oldestTs: post.ts, latestTs: post.ts })).find((m) => m.ts === post.ts);
  let any = false;
  for (const r of own?.reactions ?? []) {
    if (!APPROVING_REACTIONS.has(r.name.split('::')[0])) continue;
    for (const user of r.users) {
      any = await auditOnce(deps.store, `reaction:${p.id}:${r.name}:${user}`, {
        atMs: deps.clock.nowMs(), actor: user, action: 'approval.refused', subject: p.id, details: { reason: 'reaction', detail: `:${r.name}: is a reaction, not a reply` },
      }) || any;
    }
  }
  if (any) await postThreadNote(deps, post, p.id, 'reactions', `Reactions do not approve. Reply \`approve ${shortId(p.id)}\` in this thread.`);
}

async function recordDecisions(deps: RemediationDeps, p: ProposalRow, policy: PolicyResult): Promise<void> {
  const counted = policy.rejection ? [...policy.approvals, policy.rejection] : policy.approvals;
  for (const d of counted) {
    const nowMs = deps.clock.nowMs();
    const fresh = await deps.store.approvals.record({ proposalId: p.id, userId: d.userId, decision: d.decision, messageTs: d.messageTs, reason: d.reason, recordedAtMs: nowMs });
    if (fresh) await deps.store.audit.append({ atMs: nowMs, actor: d.userId, action: `approval.${d.decision}`, subject: p.id, details: { messageTs: d.messageTs, reason: d.reason } });
  }
}

/**
 * Reads the thread (or takes `replies` of it read earlier in this run) and applies the policy;
 * records what counts and audits what does not.
 */
export async function readDecisions(deps: RemediationDeps, view: ProposalView, post: ProposalPost, replies?: readonly ChatMessage[]): Promise<PolicyResult> {
  const p = view.proposal;
  const messages = replies ?? (await deps.chat.listReplies(post.channel, post.threadTs));
  const parsed = parseApprovalThread(messages, {
    proposalId: p.id, postedTs: post.ts, expiresTs: toSlackTs(p.expiresAtMs), users: await resolveCommandAuthors(deps.chat, messages),
    selfUserIds: await selfUserIds(deps, messages), ...(await threadContext(deps, p)),
  });
  const policy = evaluateApprovals({
    decisions: parsed.decisions, requirement: view.requirement, proposer: view.context.proposer,
    botUserIds: new Set(deps.config.botUserIds), approvers: await loadApproverSets(deps.chat, deps.config.approvers),
  });
  await auditRefusals(deps, p, post, [...parsed.refused, ...policy.refused]);
  await auditReactions(deps, p, post, messages);
  await recordDecisions(deps, p, policy);
  return policy;
}

async function refuseWithoutContext(deps: RemediationDeps, p: ProposalRow): Promise<undefined> {
  await transitionProposal(deps.store, p, 'rejected', deps.clock.nowMs(), { actor: 'fleetops', details: { reason: 'proposal context missing: nobody can approve it' } });
  return undefined;
}

const NO_APPROVERS: ApproverSets = { onCall: new Set(), managers: new Set(), allowlist: new Set() };

/**
 * The decisions recorded at the last read, when the thread has not changed since (see ThreadReads)
 * and they leave the proposal pending under today's policy; else undefined, and the thread is read
 * (automatic runs, and a verdict not yet acted on, are never taken from the record).
 */
async function unchangedDecisions(deps: RemediationDeps, view: ProposalView, post: ProposalPost, reads: ThreadReads | undefined): Promise<PolicyResult | undefined> {
  if (!reads?.unchanged(view.proposal, post)) return undefined;
  const recorded = decisionsSincePost(await deps.store.approvals.list(view.proposal.id), post);
  const policy = evaluateApprovals({
    decisions: recorded.map((a) => ({ userId: a.userId, decision: a.decision, messageTs: a.messageTs, reason: a.reason })),
    requirement: view.requirement, proposer: view.context.proposer, botUserIds: new Set(deps.config.botUserIds),
    // without decisions the policy asks nobody's membership
    approvers: recorded.length ? await loadApproverSets(deps.chat, deps.config.approvers) : NO_APPROVERS,
  });
  return policy.verdict === 'pending' ? policy : undefined;
}

/** Whether the replies hold a command naming this proposal that is not recorded yet (one that may change its state). */
async function decidesAnew(deps: RemediationDeps, p: ProposalRow, messages: readonly ChatMessage[]): Promise<boolean> {
  const commands = messages.filter((m) => {
    const command = parseCommand(m.text);
    return command !== undefined && p.id.startsWith(command.idPrefix);
  });
  if (commands.length === 0) return false;
  const recorded = new Set((await deps.store.approvals.list(p.id)).map((a) => a.messageTs));
  return commands.some((m) => !recorded.has(m.ts));
}

/**
 * Decisions of an unchanged thread as recorded, else read. With `reads`, a thread read earlier in the
 * run serves its other proposals, except one just posted into it (the read lacks its message) and one
 * it holds a new command for: a decision acts on the thread as it is now.
 */
async function currentDecisions(deps: RemediationDeps, view: ProposalView, post: ProposalPost, justPosted: boolean, reads?: ThreadReads): Promise<PolicyResult> {
  const p = view.proposal;
  const recorded = justPosted ? undefined : await unchangedDecisions(deps, view, post, reads);
  if (recorded) {
    reads?.done(p, post, 'unchanged');
    return recorded;
  }
  const cached = justPosted ? undefined : reads?.cached(post);
  const reuse = cached !== undefined && !(await decidesAnew(deps, p, cached));
  const policy = await readDecisions(deps, view, post, await reads?.replies(post, !reuse));
  reads?.done(p, post, 'read');
  return policy;
}

interface ThreadDecisions {
  view: ProposalView;
  post: ProposalPost;
  justPosted: boolean;
  policy: PolicyResult;
}

/**
 * The decisions in the proposal's thread. A thread gone (its message deleted with no reply under it)
 * would fail every run: before expiry the proposal is posted anew and only the new thread is read; at
 * or after expiry it expires. Either is logged and audited. Undefined when nothing is left to decide.
 */
async function decisionsOrRepost(deps: RemediationDeps, view: ProposalView, post: ProposalPost, justPosted: boolean, reads?: ThreadReads): Promise<ThreadDecisions | undefined> {
  try {
    return { view, post, justPosted, policy: await currentDecisions(deps, view, post, justPosted, reads) };
  } catch (err) {
    if (!(err instanceof ThreadGoneError)) throw err;
    const p = view.proposal;
    const nowMs = deps.clock.nowMs();
    const meta = { proposal: p.id, channel: post.channel, ts: post.ts, threadTs: post.threadTs };
    if (nowMs >= p.expiresAtMs) {
      deps.logger.warn(meta, 'proposal message deleted: proposal expired');
      await transitionProposal(deps.store, p, 'expired', nowMs, { actor: 'fleetops', details: { reason: 'proposal message deleted', channel: post.channel, ts: post.ts } });
      return undefined;
    }
    deps.logger.warn(meta, 'proposal message deleted: posted anew');
    const reposted = await repostProposalMessage(deps, view, post);
    if (!reposted) return undefined;
    const next = { ...view, proposal: reposted.proposal };
    return { view: next, post: reposted.post, justPosted: true, policy: await currentDecisions(deps, next, reposted.post, true, reads) };
  }
}

/**
 * One `proposed` proposal: post it if needed, read decisions, then approve, reject or expire it.
 * Returns the approved row when it may now execute. With `reads` (the job's run), a thread is read
 * once for all its proposals, and not at all while unchanged; expiry still applies.
 */
export async function reconcileProposed(deps: RemediationDeps, row: ProposalRow, reads?: ThreadReads): Promise<ProposalRow | undefined> {
  const loaded = await loadProposalView(deps, row);
  if (!loaded) return refuseWithoutContext(deps, row);
  const found = await findProposalPost(deps.store, row);
  const superseded = await supersededBy(deps, row);
  if (superseded) return withdrawSuperseded(deps, loaded, found, superseded);
  if (await closedByFailedCanary(deps, row)) return undefined;
  const decided = await decisionsOrRepost(deps, loaded, found ?? (await upsertProposalMessage(deps, loaded)), !found, reads);
  if (!decided) return undefined;
  const { view, post, justPosted, policy } = decided;
  const p = view.proposal;
  const nowMs = deps.clock.nowMs();
  const actor = 'fleetops';
  let next: ProposalRow | undefined;
  if (policy.verdict === 'rejected' && policy.rejection) {
    next = await transitionProposal(deps.store, p, 'rejected', nowMs, { actor: policy.rejection.userId, details: { reason: policy.rejection.reason ?? '', messageTs: policy.rejection.messageTs } });
  } else if (policy.verdict === 'approved' && !(view.requirement.kind === 'automatic' && (justPosted || nowMs > p.expiresAtMs))) {
    // Automatic runs wait one run after the notice is posted, so people can still reject, and like a
    // human approval they count only before expiry (people had until then to object).
    const automatic = view.requirement.kind === 'automatic';
    next = await transitionProposal(deps.store, p, 'approved', nowMs, { actor: automatic ? 'fleetops-autonomy' : actor, details: { approvers: policy.approvals.map((a) => a.userId), level: view.level, automatic } });
    if (next && automatic) await postThreadNote(deps, post, p.id, 'automatic', `Running automatically now (autonomy level 3): \`${shortId(p.id)}\`; nobody rejected it since it was posted. A \`reject ${shortId(p.id)} <reason>\` still stops it until it starts.`);
  } else if (nowMs > p.expiresAtMs) {
    const required = view.requirement.kind === 'approvals' ? view.requirement.count : 0;
    next = await transitionProposal(deps.store, p, 'expired', nowMs, { actor, details: { approvals: policy.approvals.length, required, requirement: view.requirement.kind } });
  }
  if (next) await upsertProposalMessage(deps, { ...view, proposal: next });
  return next?.state === 'approved' ? next : undefined;
}

/**
 * A run that stopped between a canary's failure and closing its fleet action's other proposals left
 * them open for approval: closed here instead. The fleet action (guardrail state) is loaded only when
 * the group's store rows show the same operation failed or rolling back on another cluster.
 */
async function closedByFailedCanary(deps: RemediationDeps, p: ProposalRow): Promise<boolean> {
  const group = await deps.store.proposals.list({ groupId: p.groupId });
  if (!group.some((r) => r.operation === p.operation && r.cluster !== p.cluster && failedOrRollingBack(r))) return false;
  return closeIfCanaryFailed(deps, p, await fleetActionFor(deps, p));
}

/** The digest run that regrouped this proposal's incident (see supersedeEarlierGroups), if one did. */
async function supersededBy(deps: RemediationDeps, p: ProposalRow): Promise<string | undefined> {
  const by = (await deps.store.incidents.get(p.groupId))?.attributes.supersededByRunId;
  return typeof by === 'string' ? by : undefined;
}

/**
 * A proposal whose incident a later digest run regrouped is withdrawn (expired) before any decision
 * is read: the replacing group has its own proposal for the same incident, and approving both would
 * run the operation twice. Its message, if posted, shows the new state, with a note in its thread.
 */
async function withdrawSuperseded(deps: RemediationDeps, view: ProposalView, post: ProposalPost | undefined, runId: string): Promise<undefined> {
  const p = view.proposal;
  const reason = 'superseded: a later digest run regrouped its incident';
  const next = await transitionProposal(deps.store, p, 'expired', deps.clock.nowMs(), { actor: 'fleetops', details: { reason, supersededByRunId: runId } });
  if (next && post) {
    const updated = await upsertProposalMessage(deps, { ...view, proposal: next });
    await postThreadNote(deps, updated, p.id, 'superseded', `Withdrawn: proposal \`${shortId(p.id)}\` is superseded. A later digest run (\`${runId}\`) regrouped its incident; the digest thread's current reply carries the proposal to approve.`);
  }
  return undefined;
}
