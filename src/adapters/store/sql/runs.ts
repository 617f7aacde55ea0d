import { NotFoundError } from '../../../core/errors.js';
import type { RunRepo } from '../types.js';
import { toRun, type Raw } from './rows.js';
import { json, type SqlDb } from './sql-db.js';

export function createRunRepo(db: SqlDb): RunRepo {
  return {
    async start(run) {
      await db.query(
        `INSERT INTO runs (id, job, started_at_ms, finished_at_ms, status, exit_code, shard, summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [run.id, run.job, run.startedAtMs, run.finishedAtMs ?? null, run.status, run.exitCode ?? null,
          run.shard ?? null, json(run.summary)],
      );
    },
    async finish(id, patch) {
      const rows = await db.query(
        `UPDATE runs SET status = $2, exit_code = $3, finished_at_ms = $4, summary = COALESCE($5, summary)
         WHERE id = $1 RETURNING id`,
        [id, patch.status, patch.exitCode, patch.finishedAtMs, json(patch.summary)],
      );
      if (rows.length === 0) throw new NotFoundError(`Run ${id} not found: call runs.start before runs.finish`);
    },
    async get(id) {
      const rows = await db.query<Raw>('SELECT * FROM runs WHERE id = $1', [id]);
      return rows[0] && toRun(rows[0]);
    },
    async list({ job, limit }) {
      const rows = job === undefined
        ? await db.query<Raw>('SELECT * FROM runs ORDER BY started_at_ms DESC, id LIMIT $1', [limit])
        : await db.query<Raw>('SELECT * FROM runs WHERE job = $1 ORDER BY started_at_ms DESC, id LIMIT $2', [job, limit]);
      return rows.map(toRun);
    },
  };
}
