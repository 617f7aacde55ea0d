import type { ChatChannel } from '../../adapters/chat/types.js';
import { verifyAuditChain } from '../../adapters/store/audit-chain.js';
import type { AuditEntry, Store } from '../../adapters/store/types.js';
import type { Clock } from '../../core/clock.js';

export interface AuditVerification {
  ok: boolean;
  entries: number;
  head?: { seq: number; hash: string };
  brokenAtSeq?: number;
}

/** Recomputes the whole chain from seq 1 (genesis) to the head. */
export async function verifyAuditLog(store: Store): Promise<AuditVerification> {
  const entries = await store.audit.list({});
  const verdict = verifyAuditChain(entries);
  const last = entries.at(-1);
  const startsAtGenesis = entries.length === 0 || entries[0].seq === 1;
  const ok = verdict.ok && startsAtGenesis;
  return {
    ok, entries: entries.length, head: last && { seq: last.seq, hash: last.hash },
    ...(ok ? {} : { brokenAtSeq: verdict.brokenAtSeq ?? 1 }),
  };
}

/** Entries at or after `sinceMs`, one JSON object per line, in chain order (the segment verifies on its own). */
export async function exportAuditLines(store: Store, sinceMs: number): Promise<string[]> {
  const entries: AuditEntry[] = await store.audit.list({ sinceMs });
  return entries.map((e) => JSON.stringify(e));
}

export interface AuditHeadDeps {
  store: Store;
  chat: ChatChannel;
  channel: string;
  clock: Clock;
}

/**
 * Posts the chain head to the audit channel once per UTC day (idempotency key `audit-head:<day>`),
 * so a rewritten history no longer matches what people saw. Returns whether it posted now.
 */
export async function postDailyAuditHead(deps: AuditHeadDeps): Promise<boolean> {
  const day = new Date(deps.clock.nowMs()).toISOString().slice(0, 10);
  const key = `audit-head:${day}`;
  if (await deps.store.publications.get(key)) return false;
  const head = await deps.store.audit.head();
  const line = head ? `Audit chain head on ${day}: seq ${head.seq}, sha256 \`${head.hash}\`` : `Audit chain on ${day}: empty`;
  const posted = await deps.chat.upsertMessage({
    channel: deps.channel, text: line, idempotencyKey: key,
    blocks: [{ type: 'section', text: { type: 'mrkdwn', text: `${line}\nCheck with \`fleetops audit verify\`.` } }],
  });
  await deps.store.publications.put({ key, sink: 'chat', externalId: `${posted.channel}/${posted.ts}`, url: posted.permalink, contentHash: head?.hash ?? '', updatedAtMs: deps.clock.nowMs() });
  return true;
}
