import type { ChatChannel, ChatMessage, ChatUser } from '../../adapters/chat/types.js';
import type { RemediationConfig } from '../remediation-config.js';
import type { ApproverSets } from './approval-policy.js';
import { parseCommand } from './parse-approval-thread.js';

/**
 * Current approvers, read fresh from Slack (call again right before execution: someone removed
 * from the group since approving no longer counts).
 */
export async function loadApproverSets(chat: ChatChannel, approvers: RemediationConfig['approvers']): Promise<ApproverSets> {
  const [onCall, managers] = await Promise.all([
    chat.listGroupMembers(approvers.onCallGroup),
    chat.listGroupMembers(approvers.managerGroup),
  ]);
  return { onCall: new Set(onCall), managers: new Set(managers), allowlist: new Set(approvers.allowlist) };
}

/** Resolves the authors of command replies (only those: a busy thread costs few lookups). */
export async function resolveCommandAuthors(chat: ChatChannel, messages: readonly ChatMessage[]): Promise<Map<string, ChatUser>> {
  const ids = new Set(messages.filter((m) => m.user && parseCommand(m.text)).map((m) => m.user as string));
  const users = new Map<string, ChatUser>();
  for (const id of ids) users.set(id, await chat.getUser(id));
  return users;
}

/**
 * The chat with users and group members looked up once per instance: make one per run. Each
 * proposal's thread asks for the same two groups (usergroups.users.list is Tier 2, ~20 a minute)
 * and mostly the same authors. Membership is still read fresh by every run.
 */
export function withDirectoryCache(chat: ChatChannel): ChatChannel {
  const users = new Map<string, Promise<ChatUser>>();
  const groups = new Map<string, Promise<string[]>>();
  const once = <T>(cache: Map<string, Promise<T>>, id: string, load: () => Promise<T>): Promise<T> => {
    let found = cache.get(id);
    if (!found) cache.set(id, (found = load()));
    return found;
  };
  return { ...chat, getUser: (id) => once(users, id, () => chat.getUser(id)), listGroupMembers: (id) => once(groups, id, () => chat.listGroupMembers(id)) };
}
