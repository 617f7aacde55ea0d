import type { Clock } from '../../../core/clock.js';
import type { ProposalRepo, ProposalRow, ProposalState } from '../types.js';
import { checkFields } from './field-checks.js';
import { toProposal, type Raw } from './rows.js';
import { json, placeholders, type SqlDb, type SqlParam } from './sql-db.js';
import { storableJson } from './storable-text.js';

type TransitionPatch = Partial<Pick<ProposalRow, 'checkpoint' | 'channel' | 'threadTs'>>;

/**
 * What a proposal acts on (target, parameters) and its ids and Slack references are checked, never
 * changed; the checkpoint is the executor's notes (error texts): data, stored as storable-text.ts says.
 */
async function insert(db: SqlDb, p: ProposalRow): Promise<boolean> {
  checkFields(`Proposal ${p.id}`, {
    keys: {
      id: p.id, groupId: p.groupId, operation: p.operation, cluster: p.cluster, channel: p.channel, threadTs: p.threadTs,
      leaseOwner: p.leaseOwner,
    },
    exactJson: { target: p.target, params: p.params },
    times: { createdAtMs: p.createdAtMs, expiresAtMs: p.expiresAtMs, leaseUntilMs: p.leaseUntilMs, updatedAtMs: p.updatedAtMs },
  });
  const rows = await db.query(
    `INSERT INTO proposals (id, group_id, operation, cluster, target, params, risk, state, created_at_ms, expires_at_ms,
       channel, thread_ts, checkpoint, lease_owner, lease_until_ms, updated_at_ms)
     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16)
     ON CONFLICT (id) DO NOTHING RETURNING id`,
    [p.id, p.groupId, p.operation, p.cluster, json(p.target), json(p.params), p.risk, p.state, p.createdAtMs,
      p.expiresAtMs, p.channel ?? null, p.threadTs ?? null, storableJson(p.checkpoint, `Proposal ${p.id}`, 'checkpoint'),
      p.leaseOwner ?? null, p.leaseUntilMs ?? null, p.updatedAtMs],
  );
  return rows.length > 0;
}

async function list(db: SqlDb, { states, groupId }: { states?: ProposalState[]; groupId?: string }): Promise<ProposalRow[]> {
  checkFields('Proposal list', { keys: { groupId } });
  const where = ['1 = 1'];
  const args: SqlParam[] = [];
  if (groupId !== undefined) where.push(`group_id = $${args.push(groupId)}`);
  if (states && states.length > 0) {
    where.push(`state IN (${placeholders(states, args.length)})`);
    args.push(...states);
  }
  const rows = await db.query<Raw>(`SELECT * FROM proposals WHERE ${where.join(' AND ')} ORDER BY created_at_ms, id`, args);
  return rows.map(toProposal);
}

async function transition(
  db: SqlDb, id: string, from: ProposalState[], to: ProposalState, patch: TransitionPatch, nowMs: number,
): Promise<ProposalRow | undefined> {
  checkFields(`Proposal ${id}`, { keys: { id, channel: patch.channel, threadTs: patch.threadTs }, times: { nowMs } });
  if (from.length === 0) return undefined;
  const sets = ['state = $2', 'updated_at_ms = $3'];
  const args: SqlParam[] = [id, to, nowMs];
  if (patch.checkpoint !== undefined) sets.push(`checkpoint = $${args.push(storableJson(patch.checkpoint, `Proposal ${id}`, 'checkpoint'))}`);
  if (patch.channel !== undefined) sets.push(`channel = $${args.push(patch.channel)}`);
  if (patch.threadTs !== undefined) sets.push(`thread_ts = $${args.push(patch.threadTs)}`);
  const rows = await db.query<Raw>(
    `UPDATE proposals SET ${sets.join(', ')} WHERE id = $1 AND state IN (${placeholders(from, args.length)}) RETURNING *`,
    [...args, ...from],
  );
  return rows[0] && toProposal(rows[0]);
}

function checkLease(id: string, owner: string, nowMs: number, ttlMs?: number): void {
  checkFields(`Proposal ${id}`, { keys: { id, owner }, times: { nowMs }, durations: { ttlMs } });
}

async function acquireLease(db: SqlDb, id: string, owner: string, nowMs: number, ttlMs: number): Promise<boolean> {
  checkLease(id, owner, nowMs, ttlMs);
  const rows = await db.query(
    `UPDATE proposals SET lease_owner = $2, lease_until_ms = $4, updated_at_ms = $3
     WHERE id = $1 AND (lease_owner IS NULL OR lease_until_ms < $3 OR lease_owner = $2) RETURNING id`,
    [id, owner, nowMs, nowMs + ttlMs],
  );
  return rows.length > 0;
}

/** Only while the lease is ours and unexpired: an expired one may have been taken over already. */
async function renewLease(db: SqlDb, id: string, owner: string, nowMs: number, ttlMs: number): Promise<boolean> {
  checkLease(id, owner, nowMs, ttlMs);
  const rows = await db.query(
    `UPDATE proposals SET lease_until_ms = $4 WHERE id = $1 AND lease_owner = $2 AND lease_until_ms >= $3 RETURNING id`,
    [id, owner, nowMs, nowMs + ttlMs],
  );
  return rows.length > 0;
}

async function releaseLease(db: SqlDb, id: string, owner: string, nowMs: number): Promise<void> {
  checkLease(id, owner, nowMs);
  await db.query('UPDATE proposals SET lease_until_ms = $3 WHERE id = $1 AND lease_owner = $2 AND lease_until_ms >= $3', [id, owner, nowMs - 1]);
}

/** Only while the lease is ours and unexpired, as saveCheckpoint: no other process can be running it. */
async function releaseClaim(db: SqlDb, id: string, owner: string, nowMs: number): Promise<ProposalRow | undefined> {
  checkLease(id, owner, nowMs);
  const rows = await db.query<Raw>(
    `UPDATE proposals SET state = 'approved', checkpoint = $4, lease_until_ms = $5, updated_at_ms = $3
     WHERE id = $1 AND lease_owner = $2 AND lease_until_ms >= $3 AND state = 'executing' RETURNING *`,
    [id, owner, nowMs, storableJson({}, `Proposal ${id}`, 'checkpoint'), nowMs - 1],
  );
  return rows[0] && toProposal(rows[0]);
}

/** Only while the lease is ours and unexpired (an expired lease may be taken over at any moment), and the proposal still executing. */
async function saveCheckpoint(db: SqlDb, id: string, owner: string, checkpoint: Record<string, unknown>, nowMs: number): Promise<boolean> {
  checkLease(id, owner, nowMs);
  const rows = await db.query(
    `UPDATE proposals SET checkpoint = $3, updated_at_ms = $4
     WHERE id = $1 AND lease_owner = $2 AND lease_until_ms >= $4 AND state = 'executing' RETURNING id`,
    [id, owner, storableJson(checkpoint, `Proposal ${id}`, 'checkpoint'), nowMs],
  );
  return rows.length > 0;
}

export function createProposalRepo(db: SqlDb, clock: Clock): ProposalRepo {
  return {
    insert: (p) => insert(db, p),
    async get(id) {
      checkFields('Proposal lookup', { keys: { id } });
      const rows = await db.query<Raw>('SELECT * FROM proposals WHERE id = $1', [id]);
      return rows[0] && toProposal(rows[0]);
    },
    list: (filter) => list(db, filter),
    transition: (id, from, to, patch = {}, nowMs = clock.nowMs()) => transition(db, id, from, to, patch, nowMs),
    releaseClaim: (id, owner, nowMs) => releaseClaim(db, id, owner, nowMs),
    acquireLease: (id, owner, nowMs, ttlMs) => acquireLease(db, id, owner, nowMs, ttlMs),
    renewLease: (id, owner, nowMs, ttlMs) => renewLease(db, id, owner, nowMs, ttlMs),
    releaseLease: (id, owner, nowMs) => releaseLease(db, id, owner, nowMs),
    saveCheckpoint: (id, owner, checkpoint, nowMs) => saveCheckpoint(db, id, owner, checkpoint, nowMs),
  };
}
