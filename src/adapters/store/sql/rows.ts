import type {
  AnomalyRow, ApprovalRow, AuditEntry, EvidenceRow, FeedbackRow, IncidentGroupRow, ProposalRow,
  PublicationRow, RcaRow, RunRecord,
} from '../types.js';

/** A raw row: pg returns BIGINT as string and JSONB parsed; SQLite returns numbers and TEXT. */
export type Raw = Record<string, unknown>;

export function num(v: unknown): number {
  return typeof v === 'number' ? v : Number(v);
}

function optNum(v: unknown): number | undefined {
  return v === null || v === undefined ? undefined : num(v);
}

function optStr(v: unknown): string | undefined {
  return v === null || v === undefined ? undefined : String(v);
}

export function parseJson<T>(v: unknown): T {
  return (typeof v === 'string' ? JSON.parse(v) : v) as T;
}

function optJson<T>(v: unknown): T | undefined {
  return v === null || v === undefined ? undefined : parseJson<T>(v);
}

/** Drops undefined fields so optional columns round-trip as absent, not as `undefined` keys. */
function compact<T extends object>(row: T): T {
  return Object.fromEntries(Object.entries(row).filter(([, v]) => v !== undefined)) as T;
}

export function toRun(r: Raw): RunRecord {
  return compact({
    id: String(r.id), job: String(r.job), startedAtMs: num(r.started_at_ms), finishedAtMs: optNum(r.finished_at_ms),
    status: r.status as RunRecord['status'], exitCode: optNum(r.exit_code), shard: optStr(r.shard),
    summary: optJson<Record<string, unknown>>(r.summary),
  });
}

export function toAnomaly(r: Raw): AnomalyRow {
  return {
    id: String(r.id), runId: String(r.run_id), cluster: String(r.cluster), component: String(r.component),
    signal: String(r.signal), kind: r.kind as AnomalyRow['kind'], severity: r.severity as AnomalyRow['severity'],
    startMs: num(r.start_ms), endMs: num(r.end_ms), score: num(r.score), details: parseJson(r.details),
  };
}

export function toIncident(r: Raw): IncidentGroupRow {
  return {
    id: String(r.id), runId: String(r.run_id), day: String(r.day), title: String(r.title),
    startMs: num(r.start_ms), endMs: num(r.end_ms), clusters: parseJson(r.clusters),
    anomalyIds: parseJson(r.anomaly_ids), attributes: parseJson(r.attributes),
  };
}

export function toEvidence(r: Raw): EvidenceRow {
  return compact({
    id: String(r.id), groupId: String(r.group_id), source: r.source as EvidenceRow['source'], query: String(r.query),
    startMs: num(r.start_ms), endMs: num(r.end_ms), excerpt: String(r.excerpt), link: optStr(r.link),
    data: parseJson<Record<string, unknown>>(r.data), createdAtMs: num(r.created_at_ms),
  });
}

export function toRca(r: Raw): RcaRow {
  return {
    groupId: String(r.group_id), runId: String(r.run_id), engine: r.engine as RcaRow['engine'],
    verdict: r.verdict as RcaRow['verdict'], body: parseJson(r.body), createdAtMs: num(r.created_at_ms),
  };
}

export function toProposal(r: Raw): ProposalRow {
  return compact({
    id: String(r.id), groupId: String(r.group_id), operation: String(r.operation), cluster: String(r.cluster),
    target: parseJson<Record<string, unknown>>(r.target), params: parseJson<Record<string, unknown>>(r.params),
    risk: r.risk as ProposalRow['risk'], state: r.state as ProposalRow['state'],
    createdAtMs: num(r.created_at_ms), expiresAtMs: num(r.expires_at_ms), channel: optStr(r.channel),
    threadTs: optStr(r.thread_ts), checkpoint: optJson<Record<string, unknown>>(r.checkpoint),
    leaseOwner: optStr(r.lease_owner), leaseUntilMs: optNum(r.lease_until_ms), updatedAtMs: num(r.updated_at_ms),
  });
}

export function toApproval(r: Raw): ApprovalRow {
  return compact({
    proposalId: String(r.proposal_id), userId: String(r.user_id), decision: r.decision as ApprovalRow['decision'],
    messageTs: String(r.message_ts), reason: optStr(r.reason), recordedAtMs: num(r.recorded_at_ms),
  });
}

export function toAudit(r: Raw): AuditEntry {
  return {
    seq: num(r.seq), atMs: num(r.at_ms), actor: String(r.actor), action: String(r.action), subject: String(r.subject),
    details: parseJson(r.details), prevHash: String(r.prev_hash), hash: String(r.hash),
  };
}

export function toFeedback(r: Raw): FeedbackRow {
  return {
    id: String(r.id), signature: String(r.signature), subjectKind: r.subject_kind as FeedbackRow['subjectKind'],
    subjectId: String(r.subject_id), userId: String(r.user_id), value: num(r.value) as FeedbackRow['value'],
    atMs: num(r.at_ms),
  };
}

export function toPublication(r: Raw): PublicationRow {
  return compact({
    key: String(r.key), sink: String(r.sink), externalId: String(r.external_id), url: optStr(r.url),
    contentHash: String(r.content_hash), updatedAtMs: num(r.updated_at_ms),
  });
}
