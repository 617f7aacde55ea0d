import type { AnomalyRepo, AnomalyRow } from '../types.js';
import { checkFields } from './field-checks.js';
import { toAnomaly, type Raw } from './rows.js';
import { inKeyOrder, placeholders, type SqlDb, type SqlParam } from './sql-db.js';
import { storableJson } from './storable-text.js';

const COLUMNS = 'id, run_id, cluster, component, signal, kind, severity, start_ms, end_ms, score, details';

/**
 * Insert-or-ignore, then update what was there: the RETURNING row tells which it was. (Counting ids
 * found by a SELECT first counted a row two PostgreSQL transactions inserted at once as new in both.)
 */
const INSERT = `INSERT INTO anomalies (${COLUMNS}) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)
  ON CONFLICT (id) DO NOTHING RETURNING id`;
const UPDATE = `UPDATE anomalies SET run_id = $2, cluster = $3, component = $4, signal = $5, kind = $6, severity = $7,
  start_ms = $8, end_ms = $9, score = $10, details = $11 WHERE id = $1`;

function describe(a: AnomalyRow): string {
  return `Anomaly ${a.id} (${a.cluster} ${a.signal} ${a.kind})`;
}

function params(a: AnomalyRow): SqlParam[] {
  return [a.id, a.runId, a.cluster, a.component, a.signal, a.kind, a.severity, a.startMs, a.endMs, a.score,
    storableJson(a.details, describe(a), 'details')];
}

/**
 * What one backend would refuse and the other store: SQLite turns a NaN score into NULL (refused by
 * NOT NULL) where PostgreSQL stores NaN, PostgreSQL refuses a fractional BIGINT that SQLite keeps, and
 * NUL in a name (field-checks.ts).
 */
function checkRow(a: AnomalyRow): void {
  checkFields(describe(a), {
    keys: { id: a.id, runId: a.runId, cluster: a.cluster, component: a.component, signal: a.signal },
    numbers: { score: a.score },
    times: { startMs: a.startMs, endMs: a.endMs },
  });
}

export function createAnomalyRepo(db: SqlDb): AnomalyRepo {
  return {
    async upsertMany(rows) {
      if (rows.length === 0) return { inserted: 0, updated: 0 };
      rows.forEach(checkRow);
      return db.transaction(async (tx) => {
        let inserted = 0;
        for (const row of inKeyOrder(rows, (r) => r.id)) {
          const args = params(row);
          if ((await tx.query(INSERT, args)).length > 0) inserted += 1;
          else await tx.query(UPDATE, args);
        }
        return { inserted, updated: rows.length - inserted };
      });
    },
    /** Anomalies overlapping [startMs, endMs), by start time. */
    async list({ startMs, endMs, cluster, kinds }) {
      checkFields('Anomaly list', { keys: { cluster }, times: { startMs, endMs } });
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
