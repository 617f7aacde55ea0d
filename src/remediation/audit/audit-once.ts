import type { AuditEntry, Store } from '../../adapters/store/types.js';

type NewEntry = Pick<AuditEntry, 'atMs' | 'actor' | 'action' | 'subject' | 'details'>;

/**
 * Appends an audit entry the first time `key` is seen, so a refusal read back from the same thread
 * every two minutes is audited once. The key is kept in the publications table (sink `audit`).
 * Returns true when it appended.
 */
export async function auditOnce(store: Store, key: string, entry: NewEntry): Promise<boolean> {
  if (await store.publications.get(`audit:${key}`)) return false;
  const appended = await store.audit.append(entry);
  await store.publications.put({ key: `audit:${key}`, sink: 'audit', externalId: String(appended.seq), contentHash: appended.hash, updatedAtMs: entry.atMs });
  return true;
}
