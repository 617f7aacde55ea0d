import { createHash } from 'node:crypto';
import type { AuditEntry } from './types.js';

/** `prevHash` of the first entry (seq 1). */
export const GENESIS_HASH = '0'.repeat(64);

/** JSON with object keys sorted at every level, so the hash survives JSONB key reordering. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value)) ?? 'null';
}

function sortKeys(input: unknown): unknown {
  // as JSON.stringify (and so the stored column) sees it: a Date is its ISO string, not an empty object
  const value = hasToJson(input) ? input.toJSON() : input;
  if (Array.isArray(value)) return value.map((item) => sortKeys(item) ?? null);
  if (value === null || typeof value !== 'object') return value;
  const sorted: Record<string, unknown> = {};
  for (const key of Object.keys(value).sort()) {
    const item = (value as Record<string, unknown>)[key];
    if (item !== undefined) sorted[key] = sortKeys(item);
  }
  return sorted;
}

function hasToJson(value: unknown): value is { toJSON(): unknown } {
  return typeof value === 'object' && value !== null && typeof (value as { toJSON?: unknown }).toJSON === 'function';
}

type HashedFields = Pick<AuditEntry, 'seq' | 'atMs' | 'actor' | 'action' | 'subject' | 'details' | 'prevHash'>;

/** sha256(prevHash + canonical JSON of the entry fields + seq), hex. */
export function computeAuditHash(e: HashedFields): string {
  const fields = canonicalJson({ atMs: e.atMs, actor: e.actor, action: e.action, subject: e.subject, details: e.details });
  return createHash('sha256').update(e.prevHash + fields + String(e.seq)).digest('hex');
}

export interface AuditChainVerdict {
  ok: boolean;
  /** First seq whose hash, link or position is wrong. */
  brokenAtSeq?: number;
}

/**
 * Checks hashes, links and contiguous seqs of entries in chain order. A segment that does not start
 * at seq 1 is trusted for its first `prevHash`; a chain starting at seq 1 must link to GENESIS_HASH.
 */
export function verifyAuditChain(entries: readonly AuditEntry[]): AuditChainVerdict {
  let prev: AuditEntry | undefined;
  for (const entry of entries) {
    const expectedPrev = prev ? prev.hash : entry.seq === 1 ? GENESIS_HASH : entry.prevHash;
    const expectedSeq = prev ? prev.seq + 1 : entry.seq;
    const intact = entry.seq === expectedSeq && entry.prevHash === expectedPrev && entry.hash === computeAuditHash(entry);
    if (!intact) return { ok: false, brokenAtSeq: expectedSeq };
    prev = entry;
  }
  return { ok: true };
}
