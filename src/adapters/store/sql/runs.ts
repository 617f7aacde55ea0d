import { NotFoundError } from '../../../core/errors.js';
import type { RunRepo } from '../types.js';
import { checkFields } from './field-checks.js';
import { toRun, type Raw } from './rows.js';
import type { SqlDb } from './sql-db.js';
import { storableJson } from './storable-text.js';

export function createRunRepo(db: SqlDb): RunRepo {
  return {
    async start(run) {
      checkFields(`Run ${run.id}`, {
        keys: { id: run.id, job: run.job, shard: run.shard },
        times: { startedAtMs: run.startedAtMs, finishedAtMs: run.finishedAtMs },
        integers: { exitCode: run.exitCode },
      });
      await db.query(
        `INSERT INTO runs (id, job, started_at_ms, finished_at_ms, status, exit_code, shard, summary)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING`,
        [run.id, run.job, run.startedAtMs, run.finishedAtMs ?? null, run.status, run.exitCode ?? null,
          run.shard ?? null, storableJson(run.summary, `Run ${run.id}`, 'summary')],
      );
    },
    async finish(id, patch) {
      checkFields(`Run ${id}`, { keys: { id }, times: { finishedAtMs: patch.finishedAtMs }, integers: { exitCode: patch.exitCode } });
      const rows = await db.query(
        `UPDATE runs SET status = $2, exit_code = $3, finished_at_ms = $4, summary = COALESCE($5, summary)
         WHERE id = $1 RETURNING id`,
        [id, patch.status, patch.exitCode, patch.finishedAtMs, storableJson(patch.summary, `Run ${id}`, 'summary')],
      );
      if (rows.length === 0) throw new NotFoundError(`Run ${id} not found: call runs.start before runs.finish`);
    },
    async get(id) {
      checkFields('Run lookup', { keys: { id } });
      const rows = await db.query<Raw>('SELECT * FROM runs WHERE id = $1', [id]);
      return rows[0] && toRun(rows[0]);
    },
    async list({ job, limit }) {
      checkFields('Run list', { keys: { job }, limits: { limit } });
      const rows = job === undefined
        ? await db.query<Raw>('SELECT * FROM runs ORDER BY started_at_ms DESC, id LIMIT $1', [limit])
        : await db.query<Raw>('SELECT * FROM runs WHERE job = $1 ORDER BY started_at_ms DESC, id LIMIT $2', [job, limit]);
      return rows.map(toRun);
    },
  };
}
