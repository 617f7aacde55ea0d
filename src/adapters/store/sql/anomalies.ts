import type { AnomalyRepo, AnomalyRow } from '../types.js';
import { toAnomaly, type Raw } from './rows.js';
import { json, placeholders, type SqlDb, type SqlParam, type SqlQuery } from './sql-db.js';

const UPSERT = `INSERT INTO anomalies (id, run_id, cluster, component, signal, kind, severity, start_ms, end_ms, score, details)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, cluster = excluded.cluster, component = excluded.component,
    signal = excluded.signal, kind = excluded.kind, severity = excluded.severity, start_ms = excluded.start_ms,
    end_ms = excluded.end_ms, score = excluded.score, details = excluded.details`;

function params(a: AnomalyRow): SqlParam[] {
  return [a.id, a.runId, a.cluster, a.component, a.signal, a.kind, a.severity, a.startMs, a.endMs, a.score, json(a.details)];
}

/** Chunked: SQLite allows 32,766 variables per statement and PostgreSQL 65,535 parameters. */
const ID_CHUNK = 5000;

async function existingIds(tx: SqlQuery, ids: string[]): Promise<Set<string>> {
  const found = new Set<string>();
  for (let i = 0; i < ids.length; i += ID_CHUNK) {
    const chunk = ids.slice(i, i + ID_CHUNK);
    const rows = await tx.query<{ id: string }>(`SELECT id FROM anomalies WHERE id IN (${placeholders(chunk, 0)})`, chunk);
    rows.forEach((r) => found.add(r.id));
  }
  return found;
}

export function createAnomalyRepo(db: SqlDb): AnomalyRepo {
  return {
    async upsertMany(rows) {
      if (rows.length === 0) return { inserted: 0, updated: 0 };
      return db.transaction(async (tx) => {
        const before = await existingIds(tx, [...new Set(rows.map((r) => r.id))]);
        for (const row of rows) await tx.query(UPSERT, params(row));
        const inserted = new Set(rows.map((r) => r.id).filter((id) => !before.has(id))).size;
        return { inserted, updated: rows.length - inserted };
      });
    },
    /** Anomalies overlapping [startMs, endMs), by start time. */
    async list({ startMs, endMs, cluster, kinds }) {
      const where = ['start_ms < $2', 'end_ms >= $1'];
      const args: SqlParam[] = [startMs, endMs];
      if (cluster !== undefined) where.push(`cluster = $${args.push(cluster)}`);
      if (kinds && kinds.length > 0) {
        where.push(`kind IN (${placeholders(kinds, args.length)})`);
        args.push(...kinds);
      }
      const rows = await db.query<Raw>(`SELECT * FROM anomalies WHERE ${where.join(' AND ')} ORDER BY start_ms, id`, args);
      return rows.map(toAnomaly);
    },
  };
}
