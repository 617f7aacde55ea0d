import type { ChatChannel } from '../../adapters/chat/types.js';
import type { ApprovalRow, ProposalRow, Store } from '../../adapters/store/types.js';
import type { Clock } from '../../core/clock.js';
import { section } from '../../reporting/slack/index.js';
import { auditOnce } from '../audit/audit-once.js';
import { compareTs, shortId } from './proposal-id.js';
import { renderProposalMessage, type ProposalView } from './proposal-message.js';

export interface ThreadDeps {
  store: Store;
  chat: ChatChannel;
  clock: Clock;
  /** Where proposals without an incident thread go. */
  defaultChannel: string;
}

export interface ProposalPost {
  channel: string;
  /** ts of the proposal message itself. */
  ts: string;
  /** Thread where answers are read. */
  threadTs: string;
}

const postKey = (id: string) => `proposal:${id}`;

/**
 * Where and when the proposal message was posted (from the publications table), if it was. The row
 * is `channel:ts`, as the Slack adapter writes it under the same key; `channel/ts` is an older row.
 */
export async function findProposalPost(store: Store, p: ProposalRow): Promise<ProposalPost | undefined> {
  const pub = await store.publications.get(postKey(p.id));
  if (!pub) return undefined;
  const at = Math.max(pub.externalId.lastIndexOf(':'), pub.externalId.lastIndexOf('/'));
  const channel = pub.externalId.slice(0, at);
  const ts = pub.externalId.slice(at + 1);
  return { channel, ts, threadTs: p.threadTs ?? ts };
}

/**
 * Posts the proposal message, or edits it in place (same idempotency key) to show the new state.
 * Records the post and, for a top-level post, the thread on the proposal row.
 */
export async function upsertProposalMessage(deps: ThreadDeps, view: ProposalView): Promise<ProposalPost> {
  const p = view.proposal;
  const { text, blocks } = renderProposalMessage(view);
  const channel = p.channel ?? deps.defaultChannel;
  // a top-level post is its own thread (threadTs is its ts): it is edited at top level, not searched
  // for among its replies (Slack then posted a copy into the thread, and approvals before it were refused)
  const earlier = p.threadTs ? await findProposalPost(deps.store, p) : undefined;
  const threadTs = earlier?.ts === p.threadTs ? undefined : p.threadTs;
  const posted = await deps.chat.upsertMessage({ channel, threadTs, text, blocks, idempotencyKey: postKey(p.id) });
  const nowMs = deps.clock.nowMs();
  await deps.store.publications.put({ key: postKey(p.id), sink: 'chat', externalId: `${posted.channel}:${posted.ts}`, url: posted.permalink, contentHash: p.state, updatedAtMs: nowMs });
  if (!p.threadTs) await deps.store.proposals.transition(p.id, [p.state], p.state, { channel: posted.channel, threadTs: posted.ts }, nowMs);
  return { channel: posted.channel, ts: posted.ts, threadTs: p.threadTs ?? posted.ts };
}

/**
 * Posts the proposal message anew at top level after its thread was found gone (the message deleted
 * with no reply under it): the new message is its thread from now on (the row's threadTs moves to it),
 * and a note there says so. Audited once per deleted message. Rerun after a crash, it edits the new
 * message (the publication row names it). Undefined when another process moved the proposal first.
 */
export async function repostProposalMessage(deps: ThreadDeps, view: ProposalView, gone: ProposalPost): Promise<{ proposal: ProposalRow; post: ProposalPost } | undefined> {
  const p = view.proposal;
  const { text, blocks } = renderProposalMessage(view);
  const posted = await deps.chat.upsertMessage({ channel: p.channel ?? deps.defaultChannel, text, blocks, idempotencyKey: postKey(p.id) });
  const nowMs = deps.clock.nowMs();
  await deps.store.publications.put({ key: postKey(p.id), sink: 'chat', externalId: `${posted.channel}:${posted.ts}`, url: posted.permalink, contentHash: p.state, updatedAtMs: nowMs });
  const moved = await deps.store.proposals.transition(p.id, [p.state], p.state, { channel: posted.channel, threadTs: posted.ts }, nowMs);
  if (!moved) return undefined;
  const post = { channel: posted.channel, ts: posted.ts, threadTs: posted.ts };
  await auditOnce(deps.store, `proposal-reposted:${p.id}:${gone.ts}`, {
    atMs: nowMs, actor: 'fleetops', action: 'proposal.reposted', subject: p.id,
    details: { reason: 'proposal message deleted', deleted: { channel: gone.channel, ts: gone.ts, threadTs: gone.threadTs }, posted: { channel: post.channel, ts: post.ts } },
  });
  await postThreadNote(deps, post, p.id, `reposted:${gone.ts}`, `The earlier message of proposal \`${shortId(p.id)}\` (ts ${gone.ts}) was deleted, so it is posted anew here. Only replies in this thread count: \`approve ${shortId(p.id)}\` or \`reject ${shortId(p.id)} <reason>\`.`);
  return { proposal: moved, post };
}

/**
 * The recorded decisions given after the proposal's current message, so in its current thread: a
 * proposal posted anew never counts a decision from its earlier thread (as a read of the thread
 * refuses a reply sent before the message).
 */
export function decisionsSincePost(approvals: readonly ApprovalRow[], post: Pick<ProposalPost, 'ts'> | undefined): ApprovalRow[] {
  return post ? approvals.filter((a) => compareTs(a.messageTs, post.ts) > 0) : [...approvals];
}

/** A thread reply about one event of the proposal; posted once per event key (reruns edit it). */
export async function postThreadNote(deps: ThreadDeps, post: ProposalPost, proposalId: string, event: string, mrkdwn: string): Promise<void> {
  await deps.chat.upsertMessage({
    channel: post.channel, threadTs: post.threadTs, text: mrkdwn, blocks: [section(mrkdwn)], idempotencyKey: `proposal:${proposalId}:${event}`,
  });
}

/**
 * An approved proposal held by guardrails that may pass by themselves (a canary not yet verified):
 * it stays approved and is checked again on the next runs, until it starts or expires at `untilMs`
 * (its start deadline: see startDeadlineMs). Audited and said in its thread once per deadline, not
 * on every run; a deadline that moves (the canary started) is audited again and the note edited.
 */
export async function noteWaiting(deps: ThreadDeps, p: ProposalRow, failures: readonly { guardrail: string; reason: string }[], untilMs: number): Promise<undefined> {
  const reasons = failures.map((f) => `${f.guardrail}: ${f.reason}`).join('; ');
  const fresh = await auditOnce(deps.store, `execution-waiting:${p.id}:${untilMs}`, {
    atMs: deps.clock.nowMs(), actor: 'fleetops', action: 'execution.waiting', subject: p.id, details: { failures: [...failures], untilMs },
  });
  const post = fresh ? await findProposalPost(deps.store, p) : undefined;
  const until = `${new Date(untilMs).toISOString().slice(0, 16).replace('T', ' ')} UTC`;
  if (post) await postThreadNote(deps, post, p.id, 'waiting', `\`${shortId(p.id)}\` is approved and waits (${reasons}). fleetops checks again on its next runs and starts it once that has passed; if not by ${until}, it expires.`);
  return undefined;
}
