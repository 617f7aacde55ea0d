import type { ChatMessage, ChatUser } from '../../adapters/chat/types.js';

export type RefusalReason =
  | 'replayed' | 'has-subtype' | 'bot-or-app' | 'edited' | 'unknown-user' | 'deleted-user' | 'not-a-full-member'
  | 'older-proposal' | 'unknown-proposal' | 'before-posting' | 'after-expiry' | 'approval-with-text'
  | 'self-approval' | 'not-an-approver' | 'out-of-order' | 'same-approver' | 'suggest-only' | 'reaction'
  | 'addressed-to-someone-else';

/** A reply that counts as a decision on the current proposal (who it is from is judged by the policy). */
export interface ThreadDecision {
  userId: string;
  decision: 'approve' | 'reject';
  messageTs: string;
  reason?: string;
}

/** A reply (or reaction) that tried to decide and does not count, with why. */
export interface RefusedReply {
  messageTs: string;
  userId?: string;
  decision?: 'approve' | 'reject';
  reason: RefusalReason;
  detail: string;
}

export interface ApprovalThreadContext {
  proposalId: string;
  /** ts of the proposal message; replies at or before it never count. */
  postedTs: string;
  /** Expiry as a Slack ts; replies after it never count. */
  expiresTs: string;
  /** Other proposals: naming an open one is that proposal's business (skipped), naming a closed one is refused. */
  otherProposals: readonly { id: string; open: boolean }[];
  /** Users who wrote decision replies, resolved beforehand (this function does no I/O). */
  users: ReadonlyMap<string, ChatUser>;
  /** Message ts already counted for another proposal: seeing one again is a replay. */
  consumedTs: ReadonlySet<string>;
  /**
   * fleetops' own user ids: an approval may start with a mention of one of these. `<@UALICE> approve
   * <id>` asks Alice to approve; it is not its author's approval.
   */
  selfUserIds: ReadonlySet<string>;
}

export interface ParsedThread {
  decisions: ThreadDecision[];
  refused: RefusedReply[];
}

/**
 * `approve <id8>` or `reject <id8> <reason>`, optionally after a mention (`<@U…>`, or `<@U…|name>` as some
 * clients send it); the whole message, nothing before (an approval with text after the id is refused).
 */
const COMMAND = /^\s*(?:<@([A-Z0-9]+)(?:\|[^>]*)?>\s*)?(approve|reject)\s+([0-9a-f]{8,64})\b\s*([\s\S]*)$/i;
/**
 * A rejection anywhere in a reply ("No, reject abcd1234: the node is draining"): read in the safe
 * direction, where an approval must be the whole message. Not after a backtick, so fleetops' own
 * instructions ("reply `reject abcd1234 <reason>`"), and a person quoting them, are no rejection.
 */
const REJECTION = /(?:^|[^\w`])reject\s+([0-9a-f]{8,64})\b/i;

interface Command { decision: 'approve' | 'reject'; idPrefix: string; rest: string; mention?: string }

/** The reply's command (see COMMAND), or a rejection within it (see REJECTION; its reason is the whole reply). */
export function parseCommand(text: string): Command | undefined {
  const m = COMMAND.exec(text);
  if (m) return { decision: m[2].toLowerCase() as Command['decision'], idPrefix: m[3].toLowerCase(), rest: m[4].trim(), ...(m[1] ? { mention: m[1].toUpperCase() } : {}) };
  const r = REJECTION.exec(text);
  return r ? { decision: 'reject', idPrefix: r[1].toLowerCase(), rest: text.trim() } : undefined;
}

/** Subtypes a person's own reply can carry ("also send to channel"); only a rejection is read from one. */
const HUMAN_REPLY_SUBTYPES: ReadonlySet<string> = new Set(['thread_broadcast']);

/**
 * Rejections are judged in the safe direction: an edited reply (only its author can edit it) or one
 * also sent to the channel still stops the proposal; an approval must be neither.
 */
function messageProblem(m: ChatMessage, decision: 'approve' | 'reject', ctx: Pick<ApprovalThreadContext, 'users' | 'selfUserIds'>): [RefusalReason, string] | undefined {
  const reject = decision === 'reject';
  if (m.subtype && !(reject && HUMAN_REPLY_SUBTYPES.has(m.subtype))) return ['has-subtype', `message subtype ${m.subtype}`];
  if (m.botId || m.appId) return ['bot-or-app', 'posted by a bot or app'];
  // with a user token fleetops' own posts carry no bot id; whatever they quote is never a decision
  if (m.user !== undefined && ctx.selfUserIds.has(m.user.toUpperCase())) return ['bot-or-app', 'posted by fleetops itself'];
  if (m.edited && !reject) return ['edited', 'the message was edited'];
  const user = m.user === undefined ? undefined : ctx.users.get(m.user);
  if (!user) return ['unknown-user', 'the author could not be identified'];
  if (user.isBot) return ['bot-or-app', 'the author is a bot user'];
  if (user.deleted) return ['deleted-user', 'the author is deactivated'];
  if (!user.isFullMember) return ['not-a-full-member', 'the author is a guest or from another organisation'];
  return undefined;
}

function idProblem(prefix: string, ctx: ApprovalThreadContext): 'skip' | [RefusalReason, string] | undefined {
  if (ctx.proposalId.startsWith(prefix)) return undefined;
  const other = ctx.otherProposals.find((p) => p.id.startsWith(prefix));
  if (other?.open) return 'skip';
  return other ? ['older-proposal', `names an earlier proposal ${prefix}`] : ['unknown-proposal', `names no known proposal (${prefix})`];
}

/**
 * Reads decisions on one proposal from its thread. Pure: users are resolved by the caller. Only
 * replies that are commands are considered; of those, a reply counts only if it has no subtype, bot
 * or app id, is not fleetops' own (`selfUserIds`), was never edited, comes from a full member, names
 * this proposal and its ts (compared as a string) lies after posting and not after expiry, and, if it starts with a mention, mentions
 * fleetops (`<@UALICE> approve <id>` asks Alice; it is no approval). A rejection may also be edited, sent to the
 * channel too, or come after expiry (it stops an approved proposal until it starts). Each ts counts once.
 */
export function parseApprovalThread(messages: readonly ChatMessage[], ctx: ApprovalThreadContext): ParsedThread {
  const decisions: ThreadDecision[] = [];
  const refused: RefusedReply[] = [];
  const seen = new Set<string>();
  for (const m of messages) {
    const cmd = parseCommand(m.text);
    if (!cmd) continue;
    const idCheck = idProblem(cmd.idPrefix, ctx);
    if (idCheck === 'skip') continue;
    const base = { messageTs: m.ts, userId: m.user, decision: cmd.decision };
    const replay = seen.has(m.ts) || ctx.consumedTs.has(m.ts);
    seen.add(m.ts);
    const problem: [RefusalReason, string] | undefined = replay ? ['replayed', 'this message was already counted']
      : messageProblem(m, cmd.decision, ctx) ?? idCheck
        ?? (m.ts <= ctx.postedTs ? ['before-posting', 'sent before the proposal was posted'] : undefined)
        // a rejection after expiry still stops an approved proposal that has not started (execution grace)
        ?? (cmd.decision === 'approve' && m.ts > ctx.expiresTs ? ['after-expiry', 'sent after the proposal expired'] : undefined)
        // a rejection addressed to someone still stops the proposal (the safe direction)
        ?? (cmd.decision === 'approve' && cmd.mention !== undefined && !ctx.selfUserIds.has(cmd.mention) ? ['addressed-to-someone-else', `the reply is addressed to <@${cmd.mention}>: asking someone to approve is not an approval; approvers reply \`approve ${cmd.idPrefix}\` themselves`] : undefined)
        // "approve abcd1234 after the freeze, not now" is a condition fleetops cannot check: refused, not counted
        ?? (cmd.decision === 'approve' && cmd.rest ? ['approval-with-text', `an approval is \`approve ${cmd.idPrefix}\` and nothing after it (a condition such as "${cmd.rest.slice(0, 60)}" cannot be checked); reply again without it`] : undefined);
    if (problem) {
      refused.push({ ...base, reason: problem[0], detail: problem[1] });
      continue;
    }
    decisions.push({ userId: m.user as string, decision: cmd.decision, messageTs: m.ts, ...(cmd.decision === 'reject' && cmd.rest ? { reason: cmd.rest.slice(0, 500) } : {}) });
  }
  return { decisions, refused };
}
