import { SafetyViolationError } from '../../../core/errors.js';
import { canonicalJson } from '../audit-chain.js';
import type { EvidenceRepo, EvidenceRow } from '../types.js';
import { checkFields } from './field-checks.js';
import { toEvidence, type Raw } from './rows.js';
import { inKeyOrder, json, placeholders, type SqlDb, type SqlQuery } from './sql-db.js';
import { storableText, storableValue } from './storable-text.js';

/** Everything but `createdAtMs`: re-observing the same content later is not a change. */
function content(e: EvidenceRow): string {
  const { createdAtMs: _createdAtMs, ...rest } = e;
  return canonicalJson(rest);
}

function checkRow(e: EvidenceRow): void {
  checkFields(`Evidence ${e.id}`, { keys: { id: e.id, groupId: e.groupId }, times: { startMs: e.startMs, endMs: e.endMs, createdAtMs: e.createdAtMs } });
}

/** The row as both backends store it and read it back: its text is data (storable-text.ts). */
function storable(e: EvidenceRow): EvidenceRow {
  const stored = { ...e, query: storableText(e.query), excerpt: storableText(e.excerpt), data: storableValue(e.data, `Evidence ${e.id}`, 'data') };
  return e.link === undefined ? stored : { ...stored, link: storableText(e.link) };
}

async function insertOne(tx: SqlQuery, e: EvidenceRow): Promise<boolean> {
  const rows = await tx.query(
    `INSERT INTO evidence (id, group_id, source, query, start_ms, end_ms, excerpt, link, data, created_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING RETURNING id`,
    [e.id, e.groupId, e.source, e.query, e.startMs, e.endMs, e.excerpt, e.link ?? null, json(e.data), e.createdAtMs],
  );
  if (rows.length > 0) return true;
  const [existing] = await tx.query<Raw>('SELECT * FROM evidence WHERE id = $1', [e.id]);
  // compared as it would be stored now: rows SQLite stored earlier keep NUL and unpaired surrogates as given
  if (content(storable(toEvidence(existing))) !== content(e)) {
    throw new SafetyViolationError(`Evidence ${e.id} already exists with different content: evidence is immutable, derive a new id from the new content`);
  }
  return false;
}

export function createEvidenceRepo(db: SqlDb): EvidenceRepo {
  return {
    /** Returns how many rows were new; throws SafetyViolationError (and writes nothing) on a changed row. */
    async insertMany(rows) {
      if (rows.length === 0) return 0;
      rows.forEach(checkRow);
      const stored = rows.map(storable);
      return db.transaction(async (tx) => {
        let inserted = 0;
        for (const row of inKeyOrder(stored, (r) => r.id)) if (await insertOne(tx, row)) inserted += 1;
        return inserted;
      });
    },
    async get(ids) {
      if (ids.length === 0) return [];
      checkFields('Evidence lookup', { keys: { ids } });
      const rows = await db.query<Raw>(`SELECT * FROM evidence WHERE id IN (${placeholders(ids, 0)}) ORDER BY id`, ids);
      return rows.map(toEvidence);
    },
    async listByGroup(groupId) {
      checkFields('Evidence lookup', { keys: { groupId } });
      const rows = await db.query<Raw>('SELECT * FROM evidence WHERE group_id = $1 ORDER BY created_at_ms, id', [groupId]);
      return rows.map(toEvidence);
    },
  };
}
