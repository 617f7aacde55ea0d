import { createHash } from 'node:crypto';
import type { ChatChannel, ChatMessage } from '../../adapters/chat/types.js';
import type { FeedbackRow, Store } from '../../adapters/store/types.js';
import type { Clock } from '../../core/clock.js';

/** A published message people can react to: an RCA reply or a proposal. */
export interface FeedbackSubject {
  kind: FeedbackRow['subjectKind'];
  id: string;
  signature: string;
  channel: string;
  ts: string;
  /** Thread root when the message is a reply. */
  threadTs?: string;
  /** When it was posted (epoch ms): its reads are scheduled from then. Default: from `ts`. */
  postedAtMs?: number;
}

const VALUES: Record<string, 1 | -1> = { '+1': 1, thumbsup: 1, '-1': -1, thumbsdown: -1 };

function reactionValue(name: string): 1 | -1 | undefined {
  return VALUES[name.split('::')[0]];
}

async function findMessage(chat: ChatChannel, s: FeedbackSubject): Promise<ChatMessage | undefined> {
  const candidates = s.threadTs && s.threadTs !== s.ts
    ? await chat.listReplies(s.channel, s.threadTs)
    : await chat.history(s.channel, { oldestTs: s.ts, latestTs: s.ts });
  return candidates.find((m) => m.ts === s.ts);
}

export function feedbackId(s: Pick<FeedbackSubject, 'kind' | 'id'>, userId: string, value: 1 | -1): string {
  return createHash('sha256').update(`${s.kind}\n${s.id}\n${userId}\n${value}`).digest('hex').slice(0, 32);
}

/** Whether a user's reaction counts (full member, not a bot); undefined when it cannot be looked up now. */
export type MemberCheck = (userId: string) => Promise<boolean | undefined>;

/** Membership looked up once per user per call site (a run). */
export function memberCheck(chat: ChatChannel): MemberCheck {
  const members = new Map<string, boolean>();
  return async (id) => {
    if (!members.has(id)) {
      const u = await chat.getUser(id);
      members.set(id, u.isFullMember && !u.isBot && !u.deleted);
    }
    return members.get(id);
  };
}

/**
 * Records the 👍/👎 on one message of subject `s`, one row per (person, value); rows already stored
 * need no lookup of who reacted. `complete` is false when `isMember` could not answer (the rest is
 * left for a later read; what was recorded stays, as reading again does not count it twice).
 */
export async function recordReactions(deps: { store: Store; clock: Clock }, s: FeedbackSubject, message: ChatMessage | undefined, isMember: MemberCheck): Promise<{ added: number; complete: boolean }> {
  const votes = (message?.reactions ?? []).flatMap((r) => r.users.map((userId) => ({ userId, value: reactionValue(r.name) })));
  if (!votes.some((v) => v.value !== undefined)) return { added: 0, complete: true };
  const known = new Set((await deps.store.feedback.listBySignature(s.signature)).map((r) => r.id));
  let added = 0;
  for (const { userId, value } of votes) {
    if (value === undefined || known.has(feedbackId(s, userId, value))) continue;
    const member = await isMember(userId);
    if (member === undefined) return { added, complete: false };
    if (!member) continue;
    const row: FeedbackRow = { id: feedbackId(s, userId, value), signature: s.signature, subjectKind: s.kind, subjectId: s.id, userId, value, atMs: deps.clock.nowMs() };
    if (await deps.store.feedback.record(row)) added += 1;
    known.add(row.id);
  }
  return { added, complete: true };
}

/**
 * Reads 👍/👎 reactions on the subjects now, one read each, and records one feedback row per
 * (subject, person, value); reactions of bots, guests and other organisations are ignored.
 * Idempotent. Returns rows new this time. The proposals job reads on a schedule instead
 * (collectDueFeedback).
 */
export async function collectReactionFeedback(deps: { chat: ChatChannel; store: Store; clock: Clock }, subjects: readonly FeedbackSubject[]): Promise<number> {
  const isMember = memberCheck(deps.chat);
  let added = 0;
  for (const s of subjects) added += (await recordReactions(deps, s, await findMessage(deps.chat, s), isMember)).added;
  return added;
}
