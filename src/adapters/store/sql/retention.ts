import { FleetopsError } from '../../../core/errors.js';
import type { PurgeOptions, PurgeResult, RetentionPolicy, RetentionRepo } from '../types.js';
import { checkFields } from './field-checks.js';
import { purgeAuditKeys, purgeDetectorStates } from './retention-keyed.js';
import { SQL_RULES, sqlArgs, type SqlRule } from './retention-rules.js';
import { num, type Raw } from './rows.js';
import type { SqlDb } from './sql-db.js';

function checkPolicy(p: RetentionPolicy, o: PurgeOptions): void {
  // `state IN ()` is not SQL, and no open state would let open proposals' data go
  if (p.openProposalStates.length === 0) throw new FleetopsError('Retention policy has no openProposalStates: open proposals and what they reference would not be kept');
  checkFields('Retention policy', { times: { ...p.beforeMs }, limits: { batchSize: o.batchSize } });
  if (o.batchSize < 1) throw new FleetopsError(`Retention batchSize ${o.batchSize}: it must be at least 1`);
}

async function count(db: SqlDb, rule: SqlRule, p: RetentionPolicy): Promise<number> {
  const a = sqlArgs();
  const [row] = await db.query<Raw>(`SELECT COUNT(*) AS n FROM ${rule.table} WHERE ${rule.where(a, p, db.dialect)}`, a.values);
  return num(row.n);
}

/**
 * One DELETE of at most batchSize rows per round, each its own transaction, until a round deletes
 * fewer: a first run over years of rows never holds one long transaction or lock. Dry: one count,
 * and the rounds it would take.
 */
async function purgeRule(db: SqlDb, rule: SqlRule, p: RetentionPolicy, o: PurgeOptions): Promise<PurgeResult> {
  if (o.dryRun) {
    const rows = o.signal?.aborted ? 0 : await count(db, rule, p);
    if (rows > 0) o.onBatch?.(rows);
    return { rows, batches: Math.ceil(rows / o.batchSize), complete: !o.signal?.aborted };
  }
  const result: PurgeResult = { rows: 0, batches: 0, complete: true };
  for (;;) {
    if (o.signal?.aborted) return { ...result, complete: false };
    const a = sqlArgs();
    const where = rule.where(a, p, db.dialect);
    const sql = `DELETE FROM ${rule.table} WHERE (${rule.key}) IN (SELECT ${rule.key} FROM ${rule.table} WHERE ${where} LIMIT ${a.add(o.batchSize)}) RETURNING 1 AS gone`;
    const gone = (await db.query(sql, a.values)).length;
    if (gone > 0) {
      result.rows += gone;
      result.batches += 1;
      o.onBatch?.(gone);
    }
    if (gone < o.batchSize) return result;
  }
}

/** The retention deletes both dialects share; the audit table is never named. */
export function createRetentionRepo(db: SqlDb): RetentionRepo {
  return {
    async purge(kind, policy, options) {
      checkPolicy(policy, options);
      if (kind === 'auditKeys') return purgeAuditKeys(db, policy, options);
      if (kind === 'detectorStates') return purgeDetectorStates(db, policy, options);
      const rule = SQL_RULES[kind] as SqlRule | undefined;
      if (!rule) throw new FleetopsError(`Retention kind ${String(kind)} is not known`);
      return purgeRule(db, rule, policy, options);
    },
    async held(policy) {
      checkPolicy(policy, { batchSize: 1 });
      const a = sqlArgs();
      const [row] = await db.query<Raw>(
        `SELECT (SELECT COUNT(*) FROM proposals WHERE state IN (${a.list(policy.openProposalStates)})) AS open_proposals,
           (SELECT COUNT(*) FROM runs WHERE status = 'running' AND started_at_ms < ${a.add(policy.beforeMs.runs)}) AS runs_left_running`,
        a.values,
      );
      return { openProposals: num(row.open_proposals), runsLeftRunning: num(row.runs_left_running) };
    },
  };
}
