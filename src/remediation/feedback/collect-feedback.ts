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

/**
 * Reads 👍/👎 reactions on the subjects and records one feedback row per (subject, person, value);
 * reactions of bots, guests and other organisations are ignored. Idempotent. Returns rows new this time.
 */
export async function collectReactionFeedback(deps: { chat: ChatChannel; store: Store; clock: Clock }, subjects: readonly FeedbackSubject[]): Promise<number> {
  let added = 0;
  const members = new Map<string, boolean>();
  const isMember = async (id: string) => {
    if (!members.has(id)) {
      const u = await deps.chat.getUser(id);
      members.set(id, u.isFullMember && !u.isBot && !u.deleted);
    }
    return members.get(id) as boolean;
  };
  for (const s of subjects) {
    const message = await findMessage(deps.chat, s);
    for (const r of message?.reactions ?? []) {
      const value = reactionValue(r.name);
      if (value === undefined) continue;
      for (const userId of r.users) {
        if (!(await isMember(userId))) continue;
        const row: FeedbackRow = { id: feedbackId(s, userId, value), signature: s.signature, subjectKind: s.kind, subjectId: s.id, userId, value, atMs: deps.clock.nowMs() };
        if (await deps.store.feedback.record(row)) added += 1;
      }
    }
  }
  return added;
}
