import { computeAuditHash, GENESIS_HASH } from '../audit-chain.js';
import type { AuditEntry, AuditRepo } from '../types.js';
import { checkFields } from './field-checks.js';
import { toAudit, type Raw } from './rows.js';
import { json, type SqlDb, type SqlParam, type SqlQuery } from './sql-db.js';
import { storableValue } from './storable-text.js';

/** Advisory-lock key serialising appends across processes (PostgreSQL). */
export const AUDIT_LOCK_KEY = 'fleetops.audit';

async function head(q: SqlQuery): Promise<AuditEntry | undefined> {
  const rows = await q.query<Raw>('SELECT * FROM audit ORDER BY seq DESC LIMIT 1');
  return rows[0] && toAudit(rows[0]);
}

export function createAuditRepo(db: SqlDb): AuditRepo {
  return {
    /** Hashes the details as stored (storable-text.ts), so the chain verifies on what reads back. */
    async append(e) {
      const record = `Audit entry (${e.actor} ${e.action} ${e.subject})`;
      checkFields(record, { keys: { actor: e.actor, action: e.action, subject: e.subject }, times: { atMs: e.atMs } });
      const details = storableValue(e.details, record, 'details');
      return db.transaction(async (tx) => {
        const last = await head(tx);
        const linked = { ...e, details, seq: (last?.seq ?? 0) + 1, prevHash: last?.hash ?? GENESIS_HASH };
        const entry: AuditEntry = { ...linked, hash: computeAuditHash(linked) };
        await tx.query(
          `INSERT INTO audit (seq, at_ms, actor, action, subject, details, prev_hash, hash)
           VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
          [entry.seq, entry.atMs, entry.actor, entry.action, entry.subject, json(entry.details), entry.prevHash, entry.hash],
        );
        return entry;
      }, { lockKey: AUDIT_LOCK_KEY });
    },
    /**
     * In chain (seq) order, from the first entry at or after `sinceMs` on: a contiguous segment that
     * verifies on its own. (Writers take `atMs` before the lock, so a later seq can carry an earlier
     * time: filtering every row by time left holes that verified as a broken chain.)
     */
    async list({ sinceMs, limit }) {
      checkFields('Audit list', { times: { sinceMs }, limits: { limit } });
      const args: SqlParam[] = [];
      const sinceSql = sinceMs === undefined ? '' : ` WHERE seq >= (SELECT MIN(seq) FROM audit WHERE at_ms >= $${args.push(sinceMs)})`;
      const limitSql = limit === undefined ? '' : ` LIMIT $${args.push(limit)}`;
      const rows = await db.query<Raw>(`SELECT * FROM audit${sinceSql} ORDER BY seq${limitSql}`, args);
      return rows.map(toAudit);
    },
    head: () => head(db),
  };
}
