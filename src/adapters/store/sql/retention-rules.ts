import type { RetentionKind, RetentionPolicy } from '../types.js';
import type { SqlDb, SqlParam } from './sql-db.js';

/** Collects a statement's parameters and hands out their `$n` placeholders. */
export interface SqlArgs {
  readonly values: SqlParam[];
  add(value: SqlParam): string;
  list(values: readonly SqlParam[]): string;
}

export function sqlArgs(): SqlArgs {
  const values: SqlParam[] = [];
  const add = (value: SqlParam) => `$${values.push(value)}`;
  return { values, add, list: (vs) => vs.map(add).join(', ') };
}

/** Keys with this prefix, as a range on the key's index (byte order: SQLite's BINARY, PostgreSQL's "C" from migration 4). */
export function prefixRange(column: string, prefix: string, a: SqlArgs): string {
  const upper = prefix.slice(0, -1) + String.fromCharCode(prefix.charCodeAt(prefix.length - 1) + 1);
  return `(${column} >= ${a.add(prefix)} AND ${column} < ${a.add(upper)})`;
}

const openStates = (a: SqlArgs, p: RetentionPolicy) => `(${a.list(p.openProposalStates)})`;

/** Groups with an open proposal: they and everything that hangs on them stay. */
export const protectedGroups = (a: SqlArgs, p: RetentionPolicy) => `(SELECT group_id FROM proposals WHERE state IN ${openStates(a, p)})`;

/**
 * Groups whose proposals all stay: one is open or changed since the cutoff. A group's rounds go together:
 * they count from round 0, and a deleted round 0 beside a later round would be proposed again as new.
 */
const keptProposalGroups = (a: SqlArgs, p: RetentionPolicy) => `(SELECT group_id FROM proposals WHERE state IN ${openStates(a, p)} OR updated_at_ms >= ${a.add(p.beforeMs.proposals)})`;

/** A proposal row (alias `p`) that stays: open, changed since the cutoff, or in a group with a proposal that stays. */
export function keptProposal(a: SqlArgs, p: RetentionPolicy): string {
  return `(p.state IN ${openStates(a, p)} OR p.updated_at_ms >= ${a.add(p.beforeMs.proposals)} OR p.group_id IN ${keptProposalGroups(a, p)})`;
}

/** An incident group row (alias `g`) that stays. */
export function keptGroup(a: SqlArgs, p: RetentionPolicy): string {
  const cut = a.add(p.beforeMs.incidents);
  return `(g.start_ms >= ${cut} OR g.end_ms >= ${cut} OR g.id IN ${protectedGroups(a, p)})`;
}

/** The text of `expr` up to its first ':' (all of it without one). */
function firstSegment(expr: string, dialect: SqlDb['dialect']): string {
  return dialect === 'postgres' ? `split_part(${expr}, ':', 1)` : `CASE WHEN instr(${expr}, ':') > 0 THEN substr(${expr}, 1, instr(${expr}, ':') - 1) ELSE ${expr} END`;
}

/**
 * The proposal the key names after `prefix` is kept. Its id is the rest of the key, or (`segment`) the
 * rest's first segment: `proposal:<id>:<event>` is the Slack adapter's record of a thread note.
 */
function proposalOfKeyKept(table: string, prefix: string, a: SqlArgs, p: RetentionPolicy, segment?: SqlDb['dialect']): string {
  const rest = `substr(${table}.key, ${prefix.length + 1})`;
  return `EXISTS (SELECT 1 FROM proposals p WHERE p.id = ${segment ? firstSegment(rest, segment) : rest} AND ${keptProposal(a, p)})`;
}

function protectedAnomalies(a: SqlArgs, p: RetentionPolicy, dialect: SqlDb['dialect']): string {
  return dialect === 'sqlite'
    ? `(SELECT j.value FROM incident_groups g, json_each(g.anomaly_ids) j WHERE g.id IN ${protectedGroups(a, p)})`
    : `(SELECT jsonb_array_elements_text(g.anomaly_ids) FROM incident_groups g WHERE g.id IN ${protectedGroups(a, p)})`;
}

/** One kind deleted by a WHERE clause; `key`: the primary key's columns. */
export interface SqlRule {
  table: string;
  key: string;
  where(a: SqlArgs, p: RetentionPolicy, dialect: SqlDb['dialect']): string;
}

/**
 * Publication records that only a rerun of their day or week reads, and fleet-wide alerts (an episode's
 * alert is updated every hour while it lasts).
 */
const DATED_PUBLICATIONS = ['digest:', 'oncall-report:', 'audit-head:', 'scan-alert:'];

export const SQL_RULES: Record<Exclude<RetentionKind, 'auditKeys' | 'detectorStates'>, SqlRule> = {
  runs: { table: 'runs', key: 'id', where: (a, p) => `status <> 'running' AND started_at_ms < ${a.add(p.beforeMs.runs)}` },
  approvals: {
    table: 'approvals', key: 'proposal_id, message_ts',
    where: (a, p) => `recorded_at_ms < ${a.add(p.beforeMs.proposals)} AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.id = approvals.proposal_id AND ${keptProposal(a, p)})`,
  },
  proposalContexts: {
    table: 'baselines', key: 'key',
    where: (a, p) => `${prefixRange('key', 'proposal-context:', a)} AND updated_at_ms < ${a.add(p.beforeMs.proposals)} AND NOT ${proposalOfKeyKept('baselines', 'proposal-context:', a, p)}`,
  },
  proposalReads: {
    table: 'baselines', key: 'key',
    where: (a, p) => `${prefixRange('key', 'proposal-reads:', a)} AND updated_at_ms < ${a.add(p.beforeMs.proposalReads)}
      AND NOT EXISTS (SELECT 1 FROM proposals p WHERE p.id = substr(baselines.key, ${'proposal-reads:'.length + 1}) AND p.state IN ${openStates(a, p)})`,
  },
  feedbackReads: { table: 'baselines', key: 'key', where: (a, p) => `${prefixRange('key', 'feedback-read:', a)} AND updated_at_ms < ${a.add(p.beforeMs.feedbackReads)}` },
  proposalPosts: {
    table: 'publications', key: 'key',
    where: (a, p, dialect) => `${prefixRange('key', 'proposal:', a)} AND updated_at_ms < ${a.add(p.beforeMs.proposals)} AND NOT ${proposalOfKeyKept('publications', 'proposal:', a, p, dialect)}`,
  },
  publications: {
    table: 'publications', key: 'key',
    // an open proposal's group reads its digest reply and parent (feedback, thread links)
    where: (a, p) => `(${DATED_PUBLICATIONS.map((prefix) => prefixRange('key', prefix, a)).join(' OR ')}) AND updated_at_ms < ${a.add(p.beforeMs.publications)}
      AND NOT EXISTS (SELECT 1 FROM incident_groups g WHERE g.id IN ${protectedGroups(a, p)} AND substr(publications.key, 1, 7 + length(g.day)) = 'digest:' || g.day)`,
  },
  proposals: {
    table: 'proposals', key: 'id',
    where: (a, p) => `state NOT IN ${openStates(a, p)} AND updated_at_ms < ${a.add(p.beforeMs.proposals)} AND group_id NOT IN ${keptProposalGroups(a, p)}`,
  },
  evidence: { table: 'evidence', key: 'id', where: (a, p) => `created_at_ms < ${a.add(p.beforeMs.evidence)} AND group_id NOT IN ${protectedGroups(a, p)}` },
  rcas: { table: 'rcas', key: 'group_id', where: (a, p) => `created_at_ms < ${a.add(p.beforeMs.rcas)} AND group_id NOT IN ${protectedGroups(a, p)}` },
  incidents: {
    table: 'incident_groups', key: 'id',
    where: (a, p) => `start_ms < ${a.add(p.beforeMs.incidents)} AND end_ms < ${a.add(p.beforeMs.incidents)} AND id NOT IN ${protectedGroups(a, p)}`,
  },
  anomalies: {
    table: 'anomalies', key: 'id',
    where: (a, p, dialect) => `start_ms < ${a.add(p.beforeMs.anomalies)} AND end_ms < ${a.add(p.beforeMs.anomalies)} AND id NOT IN ${protectedAnomalies(a, p, dialect)}`,
  },
};
