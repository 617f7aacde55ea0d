import type { IncidentGroupRow, IncidentRepo } from '../types.js';
import { checkFields } from './field-checks.js';
import { toIncident, type Raw } from './rows.js';
import { inKeyOrder, json, type SqlDb, type SqlParam } from './sql-db.js';
import { storableJson, storableText } from './storable-text.js';

const UPSERT = `INSERT INTO incident_groups (id, run_id, day, title, start_ms, end_ms, clusters, anomaly_ids, attributes)
  VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
  ON CONFLICT (id) DO UPDATE SET run_id = excluded.run_id, day = excluded.day, title = excluded.title,
    start_ms = excluded.start_ms, end_ms = excluded.end_ms, clusters = excluded.clusters,
    anomaly_ids = excluded.anomaly_ids, attributes = excluded.attributes`;

/** The title and attributes are data (storable-text.ts); ids, day and clusters are checked. */
function upsertParams(g: IncidentGroupRow): SqlParam[] {
  const record = `Incident group ${g.id}`;
  checkFields(record, {
    keys: { id: g.id, runId: g.runId, day: g.day, clusters: g.clusters, anomalyIds: g.anomalyIds },
    times: { startMs: g.startMs, endMs: g.endMs },
  });
  return [g.id, g.runId, g.day, storableText(g.title), g.startMs, g.endMs, json(g.clusters), json(g.anomalyIds), storableJson(g.attributes, record, 'attributes')];
}

export function createIncidentRepo(db: SqlDb): IncidentRepo {
  return {
    async upsert(g) {
      await db.query(UPSERT, upsertParams(g));
    },
    /** Every row is checked before any is written; then one transaction, in id order (no deadlock between two writers). */
    async upsertMany(groups) {
      if (groups.length === 0) return;
      const args = new Map(groups.map((g) => [g, upsertParams(g)]));
      await db.transaction(async (tx) => {
        for (const g of inKeyOrder(groups, (r) => r.id)) await tx.query(UPSERT, args.get(g)!);
      });
    },
    /** Groups of `day` and/or overlapping [startMs, endMs), by start time. */
    async list({ day, startMs, endMs }) {
      checkFields('Incident group list', { keys: { day }, times: { startMs, endMs } });
      const where = ['1 = 1'];
      const args: SqlParam[] = [];
      if (day !== undefined) where.push(`day = $${args.push(day)}`);
      if (startMs !== undefined) where.push(`end_ms >= $${args.push(startMs)}`);
      if (endMs !== undefined) where.push(`start_ms < $${args.push(endMs)}`);
      const rows = await db.query<Raw>(`SELECT * FROM incident_groups WHERE ${where.join(' AND ')} ORDER BY start_ms, id`, args);
      return rows.map(toIncident);
    },
    async get(id) {
      checkFields('Incident group lookup', { keys: { id } });
      const rows = await db.query<Raw>('SELECT * FROM incident_groups WHERE id = $1', [id]);
      return rows[0] && toIncident(rows[0]);
    },
  };
}
