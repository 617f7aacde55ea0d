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
