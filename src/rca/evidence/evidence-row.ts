import { createHash } from 'node:crypto';
import type { EvidenceRow } from '../../adapters/store/types.js';
import { wellFormedText } from '../../reporting/slack/escape-slack-text.js';

/** Sorted-key JSON so the same content always hashes the same. */
export function stableJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(stableJson).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().filter((k) => (value as Record<string, unknown>)[k] !== undefined)
      .map((k) => `${JSON.stringify(k)}:${stableJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return typeof value === 'number' && !Number.isFinite(value) ? 'null' : JSON.stringify(value) ?? 'null';
}

export type EvidenceDraft = Omit<EvidenceRow, 'id' | 'createdAtMs' | 'groupId'>;

/**
 * An immutable evidence row whose id is the hash of its content (group included: the same observation
 * in two groups is two rows, since a row belongs to one group). `createdAtMs` is not part of the id.
 */
/**
 * Every string well-formed: a lone surrogate (half an emoji left by a cut in a log line) becomes
 * U+FFFD, as the database stores it. The id must hash what is stored, or the rerun that finds the row
 * already there compares different text and refuses the whole group.
 */
function wellFormed<T>(value: T): T {
  if (typeof value === 'string') return wellFormedText(value) as T;
  if (Array.isArray(value)) return value.map(wellFormed) as T;
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [wellFormed(k), wellFormed(v)])) as T;
  return value;
}

export function evidenceRow(groupId: string, draft: EvidenceDraft, createdAtMs: number): EvidenceRow {
  const clean = wellFormed(draft);
  const row = { groupId, ...clean, data: JSON.parse(stableJson(clean.data)) as Record<string, unknown> };
  const id = 'ev-' + createHash('sha256').update(stableJson(row)).digest('hex').slice(0, 20);
  return Object.freeze({ id, ...row, createdAtMs });
}

export const fmt = (x: number, digits = 3): string => (Number.isFinite(x) ? String(Number(x.toPrecision(digits))) : 'n/a');
export const iso = (ms: number): string => new Date(ms).toISOString().slice(0, 16) + 'Z';
