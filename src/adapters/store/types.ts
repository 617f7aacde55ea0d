/**
 * The store port. Two implementations (SQLite embedded, PostgreSQL production) pass one test suite.
 * Timestamps are epoch milliseconds; JSON columns hold plain objects. Every write is idempotent
 * where the domain allows it (deterministic ids, insert-or-ignore, upserts keyed by id).
 *
 * Both backends store and read back the same values. NUL and unpaired UTF-16 surrogates (PostgreSQL
 * refuses them, SQLite keeps them) are stored as U+FFFD in data text: excerpts, queries, links, titles,
 * reasons and the JSON of details, data, attributes, bodies, summaries and checkpoints (audit hashes
 * cover the stored form). In ids, keys, names and a proposal's target and params they are refused, as
 * are times that are not whole epoch milliseconds, INTEGER values beyond 32 bits and NaN scores: a
 * FleetopsError names the record, the field and the position, before anything of the call is written.
 */

export type RunStatus = 'running' | 'ok' | 'partial' | 'failed' | 'bad-input';

export interface RunRecord {
  id: string;
  job: string;
  startedAtMs: number;
  finishedAtMs?: number;
  status: RunStatus;
  exitCode?: number;
  shard?: string;
  summary?: Record<string, unknown>;
}

export interface AnomalyRow {
  /** Deterministic: hash of cluster, component, signal, kind and start, so a rescan upserts. */
  id: string;
  runId: string;
  cluster: string;
  component: string;
  signal: string;
  kind: 'anomaly' | 'level-shift' | 'peer-outlier' | 'dip' | 'missing-data';
  severity: 'info' | 'warning' | 'critical';
  startMs: number;
  endMs: number;
  score: number;
  details: Record<string, unknown>;
}

export interface IncidentGroupRow {
  id: string;
  runId: string;
  day: string;
  title: string;
  startMs: number;
  endMs: number;
  clusters: string[];
  anomalyIds: string[];
  attributes: Record<string, unknown>;
}

export interface EvidenceRow {
  /** Content hash: the same observation always gets the same id. */
  id: string;
  groupId: string;
  source: 'metrics' | 'events' | 'logs' | 'changes' | 'topology' | 'runbooks' | 'history';
  query: string;
  startMs: number;
  endMs: number;
  excerpt: string;
  link?: string;
  data: Record<string, unknown>;
  createdAtMs: number;
}

export interface RcaRow {
  groupId: string;
  runId: string;
  engine: 'template' | 'bedrock';
  verdict: 'root-cause' | 'inconclusive';
  body: Record<string, unknown>;
  createdAtMs: number;
}

export type ProposalState =
  | 'proposed' | 'approved' | 'executing' | 'succeeded' | 'failed' | 'rolled-back'
  | 'rejected' | 'expired' | 'recovered';

export interface ProposalRow {
  /** Hash of the proposal's content (operation, target, parameters, group). */
  id: string;
  groupId: string;
  operation: string;
  cluster: string;
  target: Record<string, unknown>;
  params: Record<string, unknown>;
  risk: 'low' | 'medium' | 'high';
  state: ProposalState;
  createdAtMs: number;
  expiresAtMs: number;
  /** Slack channel and thread ts once posted. */
  channel?: string;
  threadTs?: string;
  /** Execution checkpoint (resumable state machine). */
  checkpoint?: Record<string, unknown>;
  leaseOwner?: string;
  leaseUntilMs?: number;
  updatedAtMs: number;
}

export interface ApprovalRow {
  proposalId: string;
  userId: string;
  decision: 'approve' | 'reject';
  messageTs: string;
  reason?: string;
  recordedAtMs: number;
}

export interface AuditEntry {
  seq: number;
  atMs: number;
  actor: string;
  action: string;
  subject: string;
  details: Record<string, unknown>;
  prevHash: string;
  hash: string;
}

export interface FeedbackRow {
  id: string;
  signature: string;
  subjectKind: 'rca' | 'proposal';
  subjectId: string;
  userId: string;
  value: 1 | -1;
  atMs: number;
}

export interface PublicationRow {
  /** Idempotency key, e.g. `digest:2026-11-29:parent`. */
  key: string;
  sink: string;
  externalId: string;
  url?: string;
  contentHash: string;
  updatedAtMs: number;
}

export interface RunRepo {
  start(run: RunRecord): Promise<void>;
  finish(id: string, patch: { status: RunStatus; exitCode: number; finishedAtMs: number; summary?: Record<string, unknown> }): Promise<void>;
  get(id: string): Promise<RunRecord | undefined>;
  list(filter: { job?: string; limit: number }): Promise<RunRecord[]>;
}

export interface AnomalyRepo {
  /** Upsert by id; returns how many ids were new. */
  upsertMany(rows: AnomalyRow[]): Promise<{ inserted: number; updated: number }>;
  list(filter: { startMs: number; endMs: number; cluster?: string; kinds?: AnomalyRow['kind'][] }): Promise<AnomalyRow[]>;
}

export interface IncidentRepo {
  upsert(group: IncidentGroupRow): Promise<void>;
  /** The same for many, in one transaction: all are written or none (a bad row is refused before any write). */
  upsertMany(groups: readonly IncidentGroupRow[]): Promise<void>;
  list(filter: { day?: string; startMs?: number; endMs?: number }): Promise<IncidentGroupRow[]>;
  get(id: string): Promise<IncidentGroupRow | undefined>;
}

export interface EvidenceRepo {
  /** Insert-or-ignore by id; evidence is immutable (same id, different content → error). */
  insertMany(rows: EvidenceRow[]): Promise<number>;
  get(ids: string[]): Promise<EvidenceRow[]>;
  listByGroup(groupId: string): Promise<EvidenceRow[]>;
}

export interface RcaRepo {
  upsert(rca: RcaRow): Promise<void>;
  get(groupId: string): Promise<RcaRow | undefined>;
}

export interface ProposalRepo {
  /** Insert-or-ignore by id; returns true when it was new. */
  insert(p: ProposalRow): Promise<boolean>;
  get(id: string): Promise<ProposalRow | undefined>;
  list(filter: { states?: ProposalState[]; groupId?: string }): Promise<ProposalRow[]>;
  /**
   * Atomic compare-and-set of the state (`UPDATE … WHERE state IN (from) RETURNING`).
   * Returns the updated row, or undefined when another process changed it first.
   */
  transition(id: string, from: ProposalState[], to: ProposalState, patch?: Partial<Pick<ProposalRow, 'checkpoint' | 'channel' | 'threadTs'>>, nowMs?: number): Promise<ProposalRow | undefined>;
  /** Take or renew the execution lease when free, expired or already ours; false when held by another. */
  acquireLease(id: string, owner: string, nowMs: number, ttlMs: number): Promise<boolean>;
  /**
   * Extend a lease this owner still holds, unexpired; false otherwise (it expired, or another process
   * took it over and maybe released it): the heartbeat must stop, never take it back.
   */
  renewLease(id: string, owner: string, nowMs: number, ttlMs: number): Promise<boolean>;
  /** Expire this owner's own lease at once (another owner's is left alone). */
  releaseLease(id: string, owner: string, nowMs: number): Promise<void>;
  /**
   * `executing → approved` with an empty checkpoint and the lease expired, only while `owner` holds the
   * lease unexpired (so no other process can have taken the execution over): a claim handed back before
   * its first attempt. Returns the updated row, or undefined when the lease or the state had moved.
   */
  releaseClaim(id: string, owner: string, nowMs: number): Promise<ProposalRow | undefined>;
  /** Save the execution checkpoint while holding the lease of an executing proposal; false when the lease was lost. */
  saveCheckpoint(id: string, owner: string, checkpoint: Record<string, unknown>, nowMs: number): Promise<boolean>;
}

export interface ApprovalRepo {
  /** Insert-or-ignore by (proposalId, messageTs). */
  record(a: ApprovalRow): Promise<boolean>;
  list(proposalId: string): Promise<ApprovalRow[]>;
}

export interface AuditRepo {
  /** Append under a lock so concurrent writers extend one hash chain. */
  append(e: Pick<AuditEntry, 'atMs' | 'actor' | 'action' | 'subject' | 'details'>): Promise<AuditEntry>;
  list(filter: { sinceMs?: number; limit?: number }): Promise<AuditEntry[]>;
  head(): Promise<AuditEntry | undefined>;
}

export interface FeedbackRepo {
  record(f: FeedbackRow): Promise<boolean>;
  listBySignature(signature: string): Promise<FeedbackRow[]>;
  list(filter: { sinceMs: number }): Promise<FeedbackRow[]>;
}

export interface PublicationRepo {
  get(key: string): Promise<PublicationRow | undefined>;
  put(p: PublicationRow): Promise<void>;
}

export interface BaselineEntry {
  key: string;
  state: Uint8Array;
  throughMs: number;
  updatedAtMs: number;
}

export interface BaselineRepo {
  get(key: string): Promise<{ state: Uint8Array; updatedAtMs: number; throughMs: number } | undefined>;
  put(key: string, state: Uint8Array, throughMs: number, updatedAtMs: number): Promise<void>;
  /** The stored entries among keys (one round trip; missing keys are absent from the map). */
  getMany(keys: readonly string[]): Promise<Map<string, BaselineEntry>>;
  /** Upserts all entries in one transaction: a scan batch's states are stored together or not at all. */
  putMany(entries: readonly BaselineEntry[]): Promise<void>;
}

/**
 * What the retention job deletes, in the order it deletes them (what refers to a row before the row).
 * `approvals`, `proposalContexts` (baselines `proposal-context:<id>`) and `proposalPosts` (publications
 * `proposal:<id>` and `proposal:<id>:<event>`) go with their proposal; `auditKeys` (publications
 * `audit:<kind>:<subject>:…`) with their subject; `proposalReads` and `feedbackReads` are read records
 * (baselines); `publications` are the day- and week-keyed records of the digest, the on-call report and
 * the audit head, and the fleet-wide alerts;
 * `detectorStates` are the scan's per-cluster states (baselines `scan:<cluster>`).
 */
export const RETENTION_KINDS = [
  'runs', 'approvals', 'proposalContexts', 'proposalReads', 'feedbackReads', 'auditKeys', 'proposalPosts',
  'publications', 'proposals', 'evidence', 'rcas', 'incidents', 'anomalies', 'detectorStates',
] as const;
export type RetentionKind = (typeof RETENTION_KINDS)[number];

/** Epoch milliseconds: rows older than these may go (each kind's age is described on RetentionRepo.purge). */
export interface RetentionCutoffs {
  runs: number;
  anomalies: number;
  incidents: number;
  evidence: number;
  rcas: number;
  /** Closed proposals by their last change, with their approvals, context and post record. */
  proposals: number;
  publications: number;
  proposalReads: number;
  feedbackReads: number;
  detectorStates: number;
}

export interface RetentionPolicy {
  beforeMs: RetentionCutoffs;
  /**
   * A proposal in one of these states keeps itself, its incident group (with the group's anomalies,
   * evidence, RCA, digest publications and audit keys), its context, read record, post record and
   * audit keys, and the other proposals of its group, whatever their age.
   */
  openProposalStates: readonly ProposalState[];
  /** Clusters in the inventory now; undefined: no detector state is deleted. */
  inventoryClusters?: ReadonlySet<string>;
}

export interface PurgeOptions {
  /** Rows per DELETE statement (each its own transaction). */
  batchSize: number;
  /** Count what would go; delete nothing. */
  dryRun?: boolean;
  /** Checked before each batch: once aborted, the purge stops and reports itself incomplete. */
  signal?: AbortSignal;
  /** Called after each batch with the rows it deleted (or, dry, counted). */
  onBatch?: (rows: number) => void;
}

export interface PurgeResult {
  /** Rows deleted (dry run: rows that would be). */
  rows: number;
  /** Statements that deleted (or, dry, counted) at least one row. */
  batches: number;
  /** False when the signal stopped it: a rerun finishes the work. */
  complete: boolean;
}

/** Rows the policy keeps although they are old, to say why in the job's report. */
export interface RetentionHeld {
  /** Open proposals: they and what they reference are kept. */
  openProposals: number;
  /** Runs still marked running that started before the runs cutoff (never deleted). */
  runsLeftRunning: number;
}

export interface RetentionRepo {
  /**
   * Deletes one kind's rows that the policy lets go, at most `batchSize` per statement, until none is
   * left or the signal aborts. Idempotent; an interrupted purge loses nothing a rerun would not delete.
   * Never touches the audit table. Ages: runs by start (finished runs only), anomalies and incidents by
   * end, evidence and RCAs by creation, proposals and what goes with them by their last change (closed
   * proposals only), read records and publications by their last update, detector states by their last
   * update (clusters not in `inventoryClusters` only), audit keys by their subject (a proposal or an
   * incident group that is deleted by this policy or gone) and their own update.
   */
  purge(kind: RetentionKind, policy: RetentionPolicy, options: PurgeOptions): Promise<PurgeResult>;
  /** What the policy holds back although old (see RetentionHeld). */
  held(policy: RetentionPolicy): Promise<RetentionHeld>;
}

export interface Store {
  readonly kind: 'sqlite' | 'postgres';
  /** Apply pending migrations; safe when several processes start at once. */
  migrate(): Promise<void>;
  close(): Promise<void>;
  runs: RunRepo;
  anomalies: AnomalyRepo;
  incidents: IncidentRepo;
  evidence: EvidenceRepo;
  rcas: RcaRepo;
  proposals: ProposalRepo;
  approvals: ApprovalRepo;
  audit: AuditRepo;
  feedback: FeedbackRepo;
  publications: PublicationRepo;
  baselines: BaselineRepo;
  retention: RetentionRepo;
}
