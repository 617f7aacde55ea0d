/** Column types that differ between the dialects. */
export interface DialectTypes {
  json: string;
  blob: string;
  real: string;
}

/** Migration 1 for both dialects: every table, timestamps as BIGINT epoch ms. */
export function initialSchema(t: DialectTypes): string {
  return `
CREATE TABLE runs (id TEXT PRIMARY KEY, job TEXT NOT NULL, started_at_ms BIGINT NOT NULL, finished_at_ms BIGINT,
  status TEXT NOT NULL, exit_code INTEGER, shard TEXT, summary ${t.json});
CREATE INDEX runs_job_started ON runs (job, started_at_ms);
CREATE INDEX runs_started ON runs (started_at_ms);

CREATE TABLE anomalies (id TEXT PRIMARY KEY, run_id TEXT NOT NULL, cluster TEXT NOT NULL, component TEXT NOT NULL,
  signal TEXT NOT NULL, kind TEXT NOT NULL, severity TEXT NOT NULL, start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL,
  score ${t.real} NOT NULL, details ${t.json} NOT NULL);
CREATE INDEX anomalies_start ON anomalies (start_ms);
CREATE INDEX anomalies_cluster_start ON anomalies (cluster, start_ms);

CREATE TABLE incident_groups (id TEXT PRIMARY KEY, run_id TEXT NOT NULL, day TEXT NOT NULL, title TEXT NOT NULL,
  start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL, clusters ${t.json} NOT NULL, anomaly_ids ${t.json} NOT NULL,
  attributes ${t.json} NOT NULL);
CREATE INDEX incident_groups_day ON incident_groups (day);
CREATE INDEX incident_groups_start ON incident_groups (start_ms);

CREATE TABLE evidence (id TEXT PRIMARY KEY, group_id TEXT NOT NULL, source TEXT NOT NULL, query TEXT NOT NULL,
  start_ms BIGINT NOT NULL, end_ms BIGINT NOT NULL, excerpt TEXT NOT NULL, link TEXT, data ${t.json} NOT NULL,
  created_at_ms BIGINT NOT NULL);
CREATE INDEX evidence_group ON evidence (group_id, created_at_ms);

CREATE TABLE rcas (group_id TEXT PRIMARY KEY, run_id TEXT NOT NULL, engine TEXT NOT NULL, verdict TEXT NOT NULL,
  body ${t.json} NOT NULL, created_at_ms BIGINT NOT NULL);

CREATE TABLE proposals (id TEXT PRIMARY KEY, group_id TEXT NOT NULL, operation TEXT NOT NULL, cluster TEXT NOT NULL,
  target ${t.json} NOT NULL, params ${t.json} NOT NULL, risk TEXT NOT NULL, state TEXT NOT NULL,
  created_at_ms BIGINT NOT NULL, expires_at_ms BIGINT NOT NULL, channel TEXT, thread_ts TEXT, checkpoint ${t.json},
  lease_owner TEXT, lease_until_ms BIGINT, updated_at_ms BIGINT NOT NULL);
CREATE INDEX proposals_state ON proposals (state, created_at_ms);
CREATE INDEX proposals_group ON proposals (group_id);

CREATE TABLE approvals (proposal_id TEXT NOT NULL, user_id TEXT NOT NULL, decision TEXT NOT NULL,
  message_ts TEXT NOT NULL, reason TEXT, recorded_at_ms BIGINT NOT NULL, PRIMARY KEY (proposal_id, message_ts));

CREATE TABLE audit (seq BIGINT PRIMARY KEY, at_ms BIGINT NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL,
  subject TEXT NOT NULL, details ${t.json} NOT NULL, prev_hash TEXT NOT NULL, hash TEXT NOT NULL UNIQUE);
CREATE INDEX audit_at ON audit (at_ms);

CREATE TABLE feedback (id TEXT PRIMARY KEY, signature TEXT NOT NULL, subject_kind TEXT NOT NULL,
  subject_id TEXT NOT NULL, user_id TEXT NOT NULL, value INTEGER NOT NULL, at_ms BIGINT NOT NULL);
CREATE INDEX feedback_signature ON feedback (signature, at_ms);
CREATE INDEX feedback_at ON feedback (at_ms);

CREATE TABLE publications (key TEXT PRIMARY KEY, sink TEXT NOT NULL, external_id TEXT NOT NULL, url TEXT,
  content_hash TEXT NOT NULL, updated_at_ms BIGINT NOT NULL);

CREATE TABLE baselines (key TEXT PRIMARY KEY, state ${t.blob} NOT NULL, through_ms BIGINT NOT NULL,
  updated_at_ms BIGINT NOT NULL);
`;
}
