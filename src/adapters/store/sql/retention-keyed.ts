import type { PurgeOptions, PurgeResult, RetentionPolicy } from '../types.js';
import { num, type Raw } from './rows.js';
import { keptGroup, keptProposal, prefixRange, sqlArgs, type SqlArgs } from './retention-rules.js';
import type { SqlDb, SqlQuery } from './sql-db.js';

/** Keys per IN list: under every driver's parameter limit whatever the batch size. */
const IN_CHUNK = 1000;

type Subject = 'proposal' | 'group';

const firstSegment = (rest: string) => rest.split(':')[0];
const allButLastSegment = (rest: string) => rest.slice(0, Math.max(0, rest.lastIndexOf(':')));

/**
 * The subjects of the `audit:<kind>:…` keys auditOnce writes (proposal ids are hex, so the first
 * segment; a group id is followed by one hex digest). Keys of other kinds are kept.
 */
const AUDIT_KEY_SUBJECTS: Record<string, { of: Subject; id: (rest: string) => string }> = {
  refusal: { of: 'proposal', id: firstSegment },
  reaction: { of: 'proposal', id: firstSegment },
  'execution-waiting': { of: 'proposal', id: firstSegment },
  'llm-tool-refused': { of: 'group', id: allButLastSegment },
};

function chunks<T>(items: readonly T[]): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += IN_CHUNK) out.push(items.slice(i, i + IN_CHUNK));
  return out;
}

/** The next `limit` keys under `prefix` after `after`, in key order. */
async function keyPage(db: SqlQuery, table: string, columns: string, prefix: string, after: string, limit: number): Promise<Raw[]> {
  const a = sqlArgs();
  const sql = `SELECT ${columns} FROM ${table} WHERE ${prefixRange('key', prefix, a)} AND key > ${a.add(after)} ORDER BY key LIMIT ${a.add(limit)}`;
  return db.query<Raw>(sql, a.values);
}

/** Deletes (or, dry, counts) these keys of `table` that still meet `extra` (a condition on the row). */
async function dropKeys(q: SqlQuery, table: string, keys: readonly string[], dryRun: boolean, extra = (_a: SqlArgs) => '1 = 1'): Promise<number> {
  let rows = 0;
  for (const chunk of chunks(keys)) {
    const a = sqlArgs();
    const where = `key IN (${a.list(chunk)}) AND ${extra(a)}`;
    rows += dryRun
      ? num((await q.query<Raw>(`SELECT COUNT(*) AS n FROM ${table} WHERE ${where}`, a.values))[0].n)
      : (await q.query(`DELETE FROM ${table} WHERE ${where} RETURNING 1 AS gone`, a.values)).length;
  }
  return rows;
}

/** Of these subject ids, the ones the policy keeps. */
async function keptSubjects(q: SqlQuery, of: Subject, ids: readonly string[], p: RetentionPolicy): Promise<Set<string>> {
  const kept = new Set<string>();
  for (const chunk of chunks([...new Set(ids)])) {
    const a = sqlArgs();
    const sql = of === 'proposal'
      ? `SELECT p.id AS id FROM proposals p WHERE p.id IN (${a.list(chunk)}) AND ${keptProposal(a, p)}`
      : `SELECT g.id AS id FROM incident_groups g WHERE g.id IN (${a.list(chunk)}) AND ${keptGroup(a, p)}`;
    for (const r of await q.query<Raw>(sql, a.values)) kept.add(String(r.id));
  }
  return kept;
}

/** Pages through the keys under `prefix`; `page` deletes (or counts) what goes of one page and returns how many. */
async function pageThrough(db: SqlDb, o: PurgeOptions, read: (after: string) => Promise<Raw[]>, page: (q: SqlQuery, rows: Raw[]) => Promise<number>): Promise<PurgeResult> {
  const result: PurgeResult = { rows: 0, batches: 0, complete: true };
  let after = '';
  for (;;) {
    if (o.signal?.aborted) return { ...result, complete: false };
    const rows = await read(after);
    if (rows.length === 0) return result;
    after = String(rows[rows.length - 1].key);
    // dry: nothing to lock; else the page's check and delete see one state
    const gone = o.dryRun ? await page(db, rows) : await db.transaction((tx) => page(tx, rows));
    if (gone > 0) {
      result.rows += gone;
      result.batches += 1;
      o.onBatch?.(gone);
    }
    if (rows.length < o.batchSize) return result;
  }
}

/** `audit:*` publication keys whose subject this policy deletes (or that is gone), once as old as its subject's cutoff. */
export function purgeAuditKeys(db: SqlDb, p: RetentionPolicy, o: PurgeOptions): Promise<PurgeResult> {
  const cutOf: Record<Subject, number> = { proposal: p.beforeMs.proposals, group: p.beforeMs.incidents };
  return pageThrough(db, o, (after) => keyPage(db, 'publications', 'key, updated_at_ms', 'audit:', after, o.batchSize), async (q, rows) => {
    const parsed = rows.flatMap((r) => {
      const key = String(r.key);
      const [kind, ...rest] = key.slice('audit:'.length).split(':');
      const rule = AUDIT_KEY_SUBJECTS[kind];
      return rule ? [{ key, of: rule.of, subject: rule.id(rest.join(':')), updatedAtMs: num(r.updated_at_ms) }] : [];
    });
    const kept = {
      proposal: await keptSubjects(q, 'proposal', parsed.filter((k) => k.of === 'proposal').map((k) => k.subject), p),
      group: await keptSubjects(q, 'group', parsed.filter((k) => k.of === 'group').map((k) => k.subject), p),
    };
    const doomed = parsed.filter((k) => !kept[k.of].has(k.subject) && k.updatedAtMs < cutOf[k.of]).map((k) => k.key);
    return dropKeys(q, 'publications', doomed, Boolean(o.dryRun));
  });
}

/** Detector states (`scan:<cluster>`) of clusters not in the inventory, not updated since the cutoff. */
export function purgeDetectorStates(db: SqlDb, p: RetentionPolicy, o: PurgeOptions): Promise<PurgeResult> {
  const inventory = p.inventoryClusters;
  if (!inventory) return Promise.resolve({ rows: 0, batches: 0, complete: true });
  // the key only: a state blob (~200 KB) is stored before the other columns
  return pageThrough(db, o, (after) => keyPage(db, 'baselines', 'key', 'scan:', after, o.batchSize), (q, rows) => {
    const gone = rows.map((r) => String(r.key)).filter((key) => !inventory.has(key.slice('scan:'.length)));
    return dropKeys(q, 'baselines', gone, Boolean(o.dryRun), (a) => `updated_at_ms < ${a.add(p.beforeMs.detectorStates)}`);
  });
}
