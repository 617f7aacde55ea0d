import { createHash } from 'node:crypto';
import type { LlmToolCall } from '../adapters/llm/types.js';
import type { Store } from '../adapters/store/types.js';
import { auditOnce } from '../remediation/audit/audit-once.js';

/** Names and inputs kept in the audit entry: enough to see what was asked, not a log line's worth of planted text. */
const MAX_NAME_CHARS = 100;
const MAX_INPUT_CHARS = 500;
const MAX_CALLS = 10;

/**
 * A tool the model asked for outside the read-only list is a security event (text in the evidence may
 * be steering it), so it goes to the append-only audit log as well as the RCA row: once per group and
 * set of refused calls, so a rerun of the digest on the same answer adds nothing.
 */
export async function auditRefusedToolCalls(store: Store, at: { groupId: string; runId: string; nowMs: number }, calls: readonly LlmToolCall[]): Promise<boolean> {
  const refused = calls.filter((c) => !c.allowed).slice(0, MAX_CALLS).map((c) => ({ name: c.name.slice(0, MAX_NAME_CHARS), input: clip(c.input) }));
  if (refused.length === 0) return false;
  const digest = createHash('sha256').update(JSON.stringify(refused)).digest('hex').slice(0, 16);
  return auditOnce(store, `llm-tool-refused:${at.groupId}:${digest}`, {
    atMs: at.nowMs, actor: 'fleetops:llm', action: 'llm.tool-refused', subject: at.groupId,
    details: { runId: at.runId, refused, total: calls.filter((c) => !c.allowed).length },
  });
}

function clip(input: unknown): string {
  let text: string;
  try {
    text = JSON.stringify(input) ?? String(input);
  } catch {
    text = String(input);
  }
  return text.length > MAX_INPUT_CHARS ? `${text.slice(0, MAX_INPUT_CHARS)}…[truncated]` : text;
}
