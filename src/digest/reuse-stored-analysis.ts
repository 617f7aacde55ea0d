import { z } from 'zod';
import type { ProposalRow, Store } from '../adapters/store/types.js';
import { describeIssues } from '../core/config/format-issues.js';
import { SafetyViolationError } from '../core/errors.js';
import type { Narrative } from '../rca/narrative/llm-narrative.js';
import type { SafeOperationCatalog } from '../remediation/catalog/index.js';
import { runbookUrl, type AnalysedGroup, type ProposalStep } from './analyse-digest-group.js';
import { buildGroupView, type DigestGroupBrief } from './digest-model.js';
import type { DigestRcaResult, DigestIncidentGroup } from './rca-contract.js';
import { latestProposalRound, proposalView } from './record-proposal.js';
import { storedModelNarrative } from './stored-narrative.js';
import { templateNextSteps } from './template-narrative.js';
import { isSuperseded } from './supersede-groups.js';

const Cited = z.object({ text: z.string(), evidenceIds: z.array(z.string()) });

/** The parts of an RCA row's body (as analyseDigestGroup writes it) that a group's section is built from. */
const StoredAnalysisBody = z.object({
  rca: z.looseObject({
    verdict: z.enum(['root-cause', 'inconclusive']),
    missing: z.array(z.string()),
    top: z.looseObject({ failureMode: z.string(), entity: z.record(z.string(), z.unknown()), score: z.number() }).optional(),
    runbook: z.object({ id: z.string(), title: z.string(), section: z.string(), line: z.number() }).optional(),
  }),
  narrative: z.object({
    summary: z.string(), rootCause: z.object({ statement: z.string(), evidenceIds: z.array(z.string()) }),
    claims: z.array(Cited), rejectedHypotheses: z.array(Cited), nextSteps: z.array(z.string()),
  }),
  evidenceIds: z.array(z.string()),
  symptom: z.object({ present: z.boolean(), detail: z.string() }).optional(),
  proposalId: z.string().optional(),
  llm: z.looseObject({ rejection: z.object({ reasons: z.array(z.string()) }).optional() }).optional(),
});

export type StoredAnalysisReuse = { ok: true; analysed: AnalysedGroup; fromRunId: string } | { ok: false; reason: string };

/**
 * Ids of the incident rows of `day` that an earlier run analysed: neither listed past
 * `digest.maxAnalysedGroups` nor superseded. One read, so only these groups' RCA rows are read.
 */
export async function analysedEarlier(store: Store, day: string): Promise<Set<string>> {
  const rows = await store.incidents.list({ day });
  return new Set(rows.filter((r) => !('notAnalysed' in r.attributes) && !isSuperseded(r)).map((r) => r.id));
}

export interface ReuseDeps {
  store: Store;
  /** The clock's now: a proposal past its expiry shows as expired (proposalView). */
  nowMs: number;
  runbooksUrl?: string;
  /** The group's brief (inDigestOrder measured it); else measured here. */
  brief?: DigestGroupBrief;
  /** The safe-operation catalog: a later round of an expired proposal is found as recordProposal finds it. */
  catalog?: SafeOperationCatalog;
  /** The proposal step of an analysed group (proposeWhileSymptomPresent), for an RCA whose proposal expired or was never recorded. */
  propose?(rca: DigestRcaResult): Promise<ProposalStep>;
}

/**
 * The group's section as an earlier run of the day analysed it: its RCA row (same group id), the
 * evidence rows it cites and its proposal in its state now. No evidence query or model call, and the
 * RCA row is not rewritten. When the RCA has an operation whose proposal expired (or was withdrawn),
 * or none was recorded (the symptom had gone, its check failed), `propose` decides as for an analysed
 * group: a symptom check, then a new round while the symptom is present, else no proposal and why; an
 * open, rejected or executed proposal is shown as it stands, with no check. The narrative's next steps
 * are the template's for that proposal (only a proposed one is to approve). `ok: false` (with why) when
 * no RCA row is stored, its body is not of the digest's shape, its model narrative asked for a refused
 * tool, or some of its evidence rows are gone; nothing is proposed then. A failing read throws.
 */
export async function reuseStoredAnalysis(group: DigestIncidentGroup, deps: ReuseDeps): Promise<StoredAnalysisReuse> {
  const row = await deps.store.rcas.get(group.id);
  if (!row) return { ok: false, reason: 'no RCA row is stored for the group' };
  const parsed = StoredAnalysisBody.safeParse(row.body);
  if (!parsed.success) {
    const problems = describeIssues(parsed.error.issues, StoredAnalysisBody, row.body).slice(0, 3).map((p) => `${['body', ...p.path].join('.')}: ${p.message}`);
    return { ok: false, reason: `the RCA body of run ${row.runId} is not a digest analysis: ${problems.join('; ')}` };
  }
  // the same rule as a reused narrative (stored-narrative.ts)
  if (row.engine !== 'template' && !storedModelNarrative(row)) return { ok: false, reason: `the model narrative of run ${row.runId} asked for a tool outside the read-only list` };
  const body = parsed.data;
  const ids = new Set(body.evidenceIds);
  const ledger = await deps.store.evidence.get([...ids]);
  if (ledger.length < ids.size) return { ok: false, reason: `${ids.size - ledger.length} of the ${ids.size} evidence rows of run ${row.runId} are gone` };
  const rca = body.rca as unknown as DigestRcaResult;
  const stored = await currentProposal(rca, body.proposalId, deps);
  const { proposal, symptom } = deps.propose && mayProposeAgain(rca, stored) ? await deps.propose(rca) : { proposal: stored && proposalView(stored, deps.nowMs), symptom: body.symptom };
  // next steps are the template's for the proposal as it stands now, as for an analysed group (narrateGroup)
  const nextSteps = templateNextSteps({ group, rca, ledger, proposal });
  const view = buildGroupView({
    group, brief: deps.brief, rca, ledger, engine: row.engine, narrative: { ...(body.narrative as Narrative), nextSteps },
    llmRejection: body.llm?.rejection?.reasons, proposal, symptom,
  });
  if (view.runbook && deps.runbooksUrl) view.runbook = { ...view.runbook, url: runbookUrl(deps.runbooksUrl, view.runbook) };
  return { ok: true, analysed: { view, narration: row.engine === 'template' ? 'template' : 'reused' }, fromRunId: row.runId };
}

/**
 * The RCA row's proposal, or the round after it when that expired and a later run of the day proposed
 * again (the RCA row is not rewritten, so it still names the expired one). Without this, each rerun
 * repeated the symptom check, and once the symptom had gone showed no proposal while the new round
 * was still open in the thread. With no catalog, or one that refuses the operation now, the row's own.
 */
async function currentProposal(rca: DigestRcaResult, id: string | undefined, deps: ReuseDeps): Promise<ProposalRow | undefined> {
  const stored = id ? await deps.store.proposals.get(id) : undefined;
  if (stored?.state !== 'expired' || !deps.catalog) return stored;
  let latest: ProposalRow | undefined;
  try {
    latest = await latestProposalRound(rca, { store: deps.store, catalog: deps.catalog });
  } catch (err) {
    if (!(err instanceof SafetyViolationError)) throw err;
  }
  return latest ?? stored;
}

/**
 * Whether an analysed group would get a new proposal now: its RCA has an operation and the stored
 * proposal expired (or was withdrawn) or none was recorded. Open, rejected, recovered and executed
 * proposals stand (recordProposal returns them as they are).
 */
function mayProposeAgain(rca: DigestRcaResult, stored: ProposalRow | undefined): boolean {
  return rca.operation !== undefined && (stored === undefined || stored.state === 'expired');
}
