import type { ApprovalRepo, BaselineEntry, BaselineRepo, FeedbackRepo, PublicationRepo, RcaRepo } from '../types.js';
import { checkFields } from './field-checks.js';
import { num, toApproval, toFeedback, toPublication, toRca, type Raw } from './rows.js';
import { inKeyOrder, placeholders, type SqlDb } from './sql-db.js';
import { storableJson, storableText } from './storable-text.js';

const PUT_BASELINE = `INSERT INTO baselines (key, state, through_ms, updated_at_ms) VALUES ($1, $2, $3, $4)
  ON CONFLICT (key) DO UPDATE SET state = excluded.state, through_ms = excluded.through_ms, updated_at_ms = excluded.updated_at_ms`;

export function createRcaRepo(db: SqlDb): RcaRepo {
  return {
    async upsert(r) {
      checkFields(`RCA of group ${r.groupId}`, { keys: { groupId: r.groupId, runId: r.runId }, times: { createdAtMs: r.createdAtMs } });
      await db.query(
        `INSERT INTO rcas (group_id, run_id, engine, verdict, body, created_at_ms) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (group_id) DO UPDATE SET run_id = excluded.run_id, engine = excluded.engine,
           verdict = excluded.verdict, body = excluded.body, created_at_ms = excluded.created_at_ms`,
        [r.groupId, r.runId, r.engine, r.verdict, storableJson(r.body, `RCA of group ${r.groupId}`, 'body'), r.createdAtMs],
      );
    },
    async get(groupId) {
      checkFields('RCA lookup', { keys: { groupId } });
      const rows = await db.query<Raw>('SELECT * FROM rcas WHERE group_id = $1', [groupId]);
      return rows[0] && toRca(rows[0]);
    },
  };
}

export function createApprovalRepo(db: SqlDb): ApprovalRepo {
  return {
    /** The reason is data (storable-text.ts); ids and the message ts are checked. */
    async record(a) {
      checkFields(`Approval of proposal ${a.proposalId} (message ${a.messageTs})`, {
        keys: { proposalId: a.proposalId, userId: a.userId, messageTs: a.messageTs }, times: { recordedAtMs: a.recordedAtMs },
      });
      const rows = await db.query(
        `INSERT INTO approvals (proposal_id, user_id, decision, message_ts, reason, recorded_at_ms)
         VALUES ($1, $2, $3, $4, $5, $6) ON CONFLICT (proposal_id, message_ts) DO NOTHING RETURNING proposal_id`,
        [a.proposalId, a.userId, a.decision, a.messageTs, a.reason === undefined ? null : storableText(a.reason), a.recordedAtMs],
      );
      return rows.length > 0;
    },
    async list(proposalId) {
      checkFields('Approval list', { keys: { proposalId } });
      const rows = await db.query<Raw>('SELECT * FROM approvals WHERE proposal_id = $1 ORDER BY message_ts', [proposalId]);
      return rows.map(toApproval);
    },
  };
}

export function createFeedbackRepo(db: SqlDb): FeedbackRepo {
  return {
    async record(f) {
      checkFields(`Feedback ${f.id}`, {
        keys: { id: f.id, signature: f.signature, subjectId: f.subjectId, userId: f.userId }, integers: { value: f.value }, times: { atMs: f.atMs },
      });
      const rows = await db.query(
        `INSERT INTO feedback (id, signature, subject_kind, subject_id, user_id, value, at_ms)
         VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (id) DO NOTHING RETURNING id`,
        [f.id, f.signature, f.subjectKind, f.subjectId, f.userId, f.value, f.atMs],
      );
      return rows.length > 0;
    },
    async listBySignature(signature) {
      checkFields('Feedback list', { keys: { signature } });
      const rows = await db.query<Raw>('SELECT * FROM feedback WHERE signature = $1 ORDER BY at_ms, id', [signature]);
      return rows.map(toFeedback);
    },
    async list({ sinceMs }) {
      checkFields('Feedback list', { times: { sinceMs } });
      const rows = await db.query<Raw>('SELECT * FROM feedback WHERE at_ms >= $1 ORDER BY at_ms, id', [sinceMs]);
      return rows.map(toFeedback);
    },
  };
}

export function createPublicationRepo(db: SqlDb): PublicationRepo {
  return {
    async get(key) {
      checkFields('Publication lookup', { keys: { key } });
      const rows = await db.query<Raw>('SELECT * FROM publications WHERE key = $1', [key]);
      return rows[0] && toPublication(rows[0]);
    },
    async put(p) {
      checkFields(`Publication ${p.key}`, {
        keys: { key: p.key, sink: p.sink, externalId: p.externalId, url: p.url, contentHash: p.contentHash }, times: { updatedAtMs: p.updatedAtMs },
      });
      await db.query(
        `INSERT INTO publications (key, sink, external_id, url, content_hash, updated_at_ms) VALUES ($1, $2, $3, $4, $5, $6)
         ON CONFLICT (key) DO UPDATE SET sink = excluded.sink, external_id = excluded.external_id, url = excluded.url,
           content_hash = excluded.content_hash, updated_at_ms = excluded.updated_at_ms`,
        [p.key, p.sink, p.externalId, p.url ?? null, p.contentHash, p.updatedAtMs],
      );
    },
  };
}

/**
 * Both drivers return a fresh Buffer per blob: a view of it is enough. (Uint8Array.from walked it
 * byte by byte through the iterator: 1.3 s of an hourly 1,400-cluster run.) Writes pass the
 * Uint8Array as it is: the SQLite adapter and pg wrap it in a Buffer without copying.
 */
function bytesOf(blob: unknown): Uint8Array {
  const b = blob as Uint8Array;
  return new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}

function checkBaseline(e: BaselineEntry): void {
  checkFields(`Baseline ${e.key}`, { keys: { key: e.key }, times: { throughMs: e.throughMs, updatedAtMs: e.updatedAtMs } });
}

export function createBaselineRepo(db: SqlDb): BaselineRepo {
  return {
    async get(key) {
      checkFields('Baseline lookup', { keys: { key } });
      const rows = await db.query<Raw>('SELECT * FROM baselines WHERE key = $1', [key]);
      const r = rows[0];
      return r && { state: bytesOf(r.state), updatedAtMs: num(r.updated_at_ms), throughMs: num(r.through_ms) };
    },
    async put(key, state, throughMs, updatedAtMs) {
      checkBaseline({ key, state, throughMs, updatedAtMs });
      await db.query(PUT_BASELINE, [key, state, throughMs, updatedAtMs]);
    },
    async getMany(keys) {
      checkFields('Baseline lookup', { keys: { keys } });
      const out = new Map<string, BaselineEntry>();
      // one statement per 500 keys keeps every driver under its parameter limit
      for (let i = 0; i < keys.length; i += 500) {
        const chunk = keys.slice(i, i + 500);
        const rows = await db.query<Raw>(`SELECT * FROM baselines WHERE key IN (${placeholders(chunk, 0)})`, [...chunk]);
        for (const r of rows) {
          const key = String(r.key);
          out.set(key, { key, state: bytesOf(r.state), updatedAtMs: num(r.updated_at_ms), throughMs: num(r.through_ms) });
        }
      }
      return out;
    },
    async putMany(entries) {
      if (entries.length === 0) return;
      entries.forEach(checkBaseline);
      await db.transaction(async (tx) => {
        for (const e of inKeyOrder(entries, (x) => x.key)) await tx.query(PUT_BASELINE, [e.key, e.state, e.throughMs, e.updatedAtMs]);
      });
    },
  };
}
