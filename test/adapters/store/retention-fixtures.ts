import type { ProposalState, PurgeResult, RetentionKind, RetentionPolicy, Store } from '../../../src/adapters/store/types.js';
import { RETENTION_KINDS } from '../../../src/adapters/store/types.js';
import { OPEN_STATES } from '../../../src/remediation/proposals/proposal-state.js';
import { anomaly, evidence, proposal, T0 } from './fixtures.js';

export const DAY = 86_400_000;
export const NOW = T0;
/** Past every cutoff of `policy()`. */
export const OLD = NOW - 500 * DAY;
export const RECENT = NOW - 2 * DAY;

/** The defaults: runs 30 days, data 400, read records 7 (feedback 14 + 7), detector states 7 (168 h). */
export function policy(over: Partial<RetentionPolicy> = {}): RetentionPolicy {
  const d400 = NOW - 400 * DAY;
  return {
    beforeMs: {
      runs: NOW - 30 * DAY, anomalies: d400, incidents: d400, evidence: d400, rcas: d400, proposals: d400, publications: d400,
      proposalReads: NOW - 7 * DAY, feedbackReads: NOW - 21 * DAY, detectorStates: NOW - 7 * DAY,
    },
    openProposalStates: OPEN_STATES,
    ...over,
  };
}

/** Every kind in the job's order; rows per kind. */
export async function purgeAll(store: Store, p: RetentionPolicy = policy(), dryRun = false): Promise<Record<RetentionKind, number>> {
  const out = {} as Record<RetentionKind, number>;
  for (const kind of RETENTION_KINDS) {
    const r: PurgeResult = await store.retention.purge(kind, p, { batchSize: 5000, dryRun });
    out[kind] = r.rows;
  }
  return out;
}

const bytes = new TextEncoder().encode('{}');

/** One incident group with a proposal and everything either refers to, all written at `atMs`. */
export interface Incident {
  group: string;
  proposal: string;
  day: string;
}

export async function seedIncident(store: Store, name: string, day: string, state: ProposalState, atMs: number): Promise<Incident> {
  const group = `ig-${name}`;
  const p = `p${name}`;
  await store.anomalies.upsertMany([anomaly(`a-${name}`, { startMs: atMs, endMs: atMs + 60_000 })]);
  await store.incidents.upsert({ id: group, runId: 'r1', day, title: name, startMs: atMs, endMs: atMs + 60_000, clusters: ['eu-1'], anomalyIds: [`a-${name}`], attributes: {} });
  await store.evidence.insertMany([evidence(`e-${name}`, { groupId: group, createdAtMs: atMs })]);
  await store.rcas.upsert({ groupId: group, runId: 'r1', engine: 'template', verdict: 'root-cause', body: { rca: {} }, createdAtMs: atMs });
  await store.proposals.insert(proposal(p, { groupId: group, state, createdAtMs: atMs, expiresAtMs: atMs + 1_800_000, updatedAtMs: atMs }));
  await store.approvals.record({ proposalId: p, userId: 'U1', decision: 'approve', messageTs: '1.000100', recordedAtMs: atMs });
  await store.baselines.put(`proposal-context:${p}`, bytes, atMs, atMs);
  await store.baselines.put(`proposal-reads:${p}`, bytes, atMs, atMs);
  for (const key of [`proposal:${p}`, `proposal:${p}:approved`, `audit:refusal:${p}:1.000200:not an approver: U9`, `audit:reaction:${p}:+1:U2`, `audit:llm-tool-refused:${group}:0123456789abcdef`,
    `digest:${day}`, `digest:${day}:parent`, `digest:${day}:group:${group}`]) {
    await store.publications.put({ key, sink: 'chat', externalId: 'C1:1.000100', contentHash: 'h', updatedAtMs: atMs });
  }
  return { group, proposal: p, day };
}

/** Which of the incident's rows are still there, by name. */
export async function present(store: Store, i: Incident): Promise<Record<string, boolean>> {
  const name = i.group.slice('ig-'.length);
  const pub = async (key: string) => Boolean(await store.publications.get(key));
  const anomalies = await store.anomalies.list({ startMs: 0, endMs: NOW + DAY });
  return {
    anomaly: anomalies.some((a) => a.id === `a-${name}`),
    group: Boolean(await store.incidents.get(i.group)),
    evidence: (await store.evidence.get([`e-${name}`])).length === 1,
    rca: Boolean(await store.rcas.get(i.group)),
    proposal: Boolean(await store.proposals.get(i.proposal)),
    approvals: (await store.approvals.list(i.proposal)).length === 1,
    context: Boolean(await store.baselines.get(`proposal-context:${i.proposal}`)),
    reads: Boolean(await store.baselines.get(`proposal-reads:${i.proposal}`)),
    post: (await Promise.all([`proposal:${i.proposal}`, `proposal:${i.proposal}:approved`].map(pub))).every(Boolean),
    auditKeys: (await Promise.all([`audit:refusal:${i.proposal}:1.000200:not an approver: U9`, `audit:reaction:${i.proposal}:+1:U2`].map(pub))).every(Boolean),
    groupAuditKey: await pub(`audit:llm-tool-refused:${i.group}:0123456789abcdef`),
    digest: (await Promise.all([`digest:${i.day}`, `digest:${i.day}:parent`, `digest:${i.day}:group:${i.group}`].map(pub))).every(Boolean),
  };
}

export const everything = (value: boolean) => ({
  anomaly: value, group: value, evidence: value, rca: value, proposal: value, approvals: value, context: value, reads: value,
  post: value, auditKeys: value, groupAuditKey: value, digest: value,
});
