import PQueue from 'p-queue';
import type { Adapters } from '../adapters/index.js';
import type { Inventory } from '../adapters/inventory/types.js';
import type { IncidentGroupRow, Store } from '../adapters/store/types.js';
import type { JobContext, PartFailure } from '../core/run-job.js';
import type { Topology } from '../fleet/types.js';
import { createLlmCallCap } from '../rca/narrative/llm-call-cap.js';
import { refuseRerunPastRetention, type RetainedDaysField } from '../retention/retention-cutoffs.js';
import type { RetentionConfig } from '../retention/retention-config.js';
import { configCatalog } from '../signals/catalog.js';
import { componentMatchersOf } from '../signals/component-matchers.js';
import { analyseDigestGroup, incidentRow, proposeWhileSymptomPresent, type AnalysedGroup, type GroupRunDeps } from './analyse-digest-group.js';
import { loadDigestKnowledge, loadFeedbackPriors, type DigestKnowledge } from './digest-knowledge.js';
import { buildDigestModel, inDigestOrder, type BriefedGroup, type DigestModel } from './digest-model.js';
import { isDigestFinding, resolveDigestWindow } from './digest-window.js';
import { withoutMaintenance } from './maintenance-filter.js';
import type { DigestLlm } from './narrate-group.js';
import { publishDigest, type PublishResult } from './publish-digest.js';
import type { DigestEngine, DigestIncidentGroup, DigestRcaResult } from './rca-contract.js';
import { analysedEarlier, reuseStoredAnalysis } from './reuse-stored-analysis.js';
import { summariseSlo } from './slo-summary.js';
import { supersedeEarlierGroups } from './supersede-groups.js';
import type { GuardrailGate } from '../remediation/proposals/guardrail-gate.js';

export type DigestDeps = Pick<Adapters, 'config' | 'inventory' | 'metrics' | 'logs' | 'events' | 'changes' | 'chat' | 'docs' | 'store'>;

export interface DigestJobOptions {
  /** `YYYY-MM-DD` (a UTC day); default: the last whole UTC day ending at or before `endMs`. */
  day?: string;
  /** The data's "now": the clock, or the simulated fleet's end. */
  endMs: number;
  engine: DigestEngine;
  /** Default: loaded from the shipped failure model, catalog and `runbooks/`. */
  knowledge?: DigestKnowledge;
  /** Absent or kind `none`: template narratives only. */
  llm?: DigestLlm;
  /** How recent the symptom must be for a proposal (default 15 minutes). */
  symptomWindowMs?: number;
  /** Groups analysed at once (default 4). */
  concurrency?: number;
  /** The guardrails a proposal is checked against before it is offered for approval (the CLI wires the proposals job's). */
  guardrails?: GuardrailGate;
}

export interface DigestSummary extends Record<string, unknown> {
  day: string;
  window: { startMs: number; endMs: number };
  findings: number;
  /** Groups found but those that failed: analysed and not analysed. */
  groups: number;
  failedGroups: number;
  /** Groups past `digest.maxAnalysedGroups` (`maxAnalysedGroups`): listed, never analysed. */
  notAnalysed: number;
  maxAnalysedGroups: number;
  /** Groups past the budget that an earlier run of the day analysed: shown from its stored RCA, narrative and proposal, with no evidence query or model call (a symptom check only when its proposal expired or none was recorded). */
  reusedAnalyses: number;
  rootCauses: number;
  inconclusive: number;
  proposals: number;
  llmCalls: number;
  /** Model answers accepted this run (each one call). */
  llmAccepted: number;
  /** Stored model narratives a rerun used again (on unchanged evidence, or with a reused analysis): no call, no tokens. */
  llmReused: number;
  topCauses: { groupId: string; title: string; cause: string; clusters: number }[];
  publication: PublishResult;
  /** Groups an earlier run of the same day stored that this run's grouping replaced. */
  superseded: number;
  /** Findings of the day that declared maintenance windows explain: left out of everything above. */
  maintenanceSuppressed: number;
}

/** What a rerun of a day reads and edits: its findings, groups, evidence, RCAs, proposal rounds and publication records. */
const DIGEST_RETAINED: readonly RetainedDaysField[] = ['anomaliesDays', 'incidentsDays', 'evidenceDays', 'rcasDays', 'proposalsDays', 'publicationsDays'];

/**
 * The day's window; a malformed day, or one older than the shortest retention of what the digest reads,
 * throws ConfigError (also called by the CLI before the run starts).
 */
export function checkDigestDay(day: string | undefined, endMs: number, retention: RetentionConfig): ReturnType<typeof resolveDigestWindow> {
  const window = resolveDigestWindow(day, endMs);
  refuseRerunPastRetention(`digest day ${window.day}`, window.startMs, retention, DIGEST_RETAINED, endMs);
  return window;
}

/**
 * The availability-digest job body. Read (findings of the day but those declared maintenance
 * explains, inventory) → compute (groups; for the first `digest.maxAnalysedGroups` in the digest's
 * order evidence, RCA, narratives, and incident, evidence, RCA and proposal rows stored; for the rest
 * the analysis an earlier run of the day stored, read back, else an incident row only) → publish
 * (document, Slack parent and one reply per group). A rerun with a smaller budget, or after the order
 * changed, so keeps what the thread already shows. One failing group or sink is recorded; the rest goes on.
 */
export async function availabilityDigestJob(deps: DigestDeps, ctx: JobContext, opts: DigestJobOptions): Promise<DigestSummary> {
  const window = checkDigestDay(opts.day, opts.endMs, deps.config.retention);
  const store = await deps.store();
  const listed = (await store.anomalies.list({ startMs: window.startMs, endMs: window.endMs })).filter(isDigestFinding);
  const { kept: findings, suppressed } = await withoutMaintenance(listed, deps.changes(), { endMs: window.endMs, signal: ctx.signal, fail: (part, err) => ctx.fail(part, err) });
  const clusters = await deps.inventory().listClusters(ctx.signal);
  const ordered = inDigestOrder(opts.engine.correlate(findings, clusters, { day: window.day }));
  const groups = ordered.map((o) => o.group);
  const maxAnalysed = deps.config.digest.maxAnalysedGroups;
  const toAnalyse = ordered.slice(0, maxAnalysed);
  const past = ordered.slice(toAnalyse.length);
  ctx.logger.info({ day: window.day, findings: findings.length, maintenanceSuppressed: suppressed, groups: groups.length }, 'digest groups found');
  const groupDeps = await buildGroupDeps(deps, store, ctx, opts, { day: window.day, clusters, groups: toAnalyse.length });
  const { done, reused, failedGroups, notAnalysed } = await analyseGroups(store, ctx, { toAnalyse, past, groupDeps, concurrency: opts.concurrency ?? 4 });
  if (notAnalysed.length > 0) {
    ctx.logger.warn({ day: window.day, groups: groups.length, analysed: toAnalyse.length, reused, notAnalysed: notAnalysed.length, maxAnalysedGroups: maxAnalysed }, 'digest groups past digest.maxAnalysedGroups not analysed');
  } else if (reused > 0) {
    ctx.logger.info({ day: window.day, groups: groups.length, analysed: toAnalyse.length, reused, maxAnalysedGroups: maxAnalysed }, 'digest groups past digest.maxAnalysedGroups shown as an earlier run analysed them');
  }
  await upsertIncidentRows(store, ctx, 'not-analysed', notAnalysed.map(({ group }) => incidentRow(group, ctx.runId, window.day, { notAnalysed: { maxAnalysedGroups: maxAnalysed } })));
  const model = buildDigestModel({
    day: window.day, window, generatedAtMs: ctx.clock.nowMs(), runId: ctx.runId, findings,
    slo: summariseSlo(findings, window), groups: done.map((a) => a.view), failedGroups,
    notAnalysed: notAnalysed.map((o) => o.brief), maxAnalysedGroups: maxAnalysed,
  });
  const channel = deps.config.chat.slack.digestChannel;
  const publication = await publishDigest(model, { chat: deps.chat, docs: deps.docs, store, channel, maxThreadReplies: deps.config.digest.maxThreadReplies, docMaxChars: deps.config.docs.maxChars }, ctx);
  // a group that failed may be the one that replaces an earlier group: supersede only after a clean run
  const superseded = failedGroups.length > 0 ? [] : await supersedeEarlierGroups({ store, chat: deps.chat, channel }, ctx, {
    day: window.day, currentIds: new Set(groups.map((g) => g.id)), parentTs: publication.parentTs, docUrl: publication.docUrl,
  });
  const llmCounts = { llmAccepted: done.filter((a) => a.narration === 'accepted').length, llmReused: done.filter((a) => a.narration === 'reused').length };
  return summarise(model, publication, groupDeps, { superseded: superseded.length, maintenanceSuppressed: suppressed, maxAnalysedGroups: maxAnalysed, reusedAnalyses: reused, ...llmCounts });
}

interface GroupsDone {
  /** Analysed this run, then reused, each in its input order. */
  done: AnalysedGroup[];
  reused: number;
  failedGroups: PartFailure[];
  /** Groups of `past` neither reused nor failed, in their order. */
  notAnalysed: BriefedGroup[];
}

/**
 * Analyses `toAnalyse` (the budget); of `past`, a group an earlier run of the day analysed is shown
 * as that run left it (reuseStoredAnalysis: no evidence query or model call, no budget used; a symptom
 * check only for an operation whose proposal expired or was never recorded) and the incident rows of
 * those groups rewritten unmarked, together; the rest are not analysed. A group that fails either way is recorded.
 */
async function analyseGroups(store: Store, ctx: JobContext, run: { toAnalyse: BriefedGroup[]; past: BriefedGroup[]; groupDeps: GroupRunDeps; concurrency: number }): Promise<GroupsDone> {
  const { toAnalyse, past, groupDeps } = run;
  const earlier = past.length > 0 ? await analysedEarlier(store, groupDeps.day) : new Set<string>();
  const analysed: (AnalysedGroup | undefined)[] = new Array(toAnalyse.length);
  const reused = new Map<string, AnalysedGroup>();
  const failedGroups: PartFailure[] = [];
  const failed = new Set<string>();
  const attempt = (group: DigestIncidentGroup, body: () => Promise<void>) => async () => {
    try {
      await body();
    } catch (err) {
      ctx.fail(`group:${group.id}`, err);
      failed.add(group.id);
      failedGroups.push({ part: `group:${group.id}`, message: err instanceof Error ? err.message : String(err) });
    }
  };
  const queue = new PQueue({ concurrency: run.concurrency });
  await queue.addAll([
    ...toAnalyse.map(({ group, brief }, i) => attempt(group, async () => {
      analysed[i] = await analyseDigestGroup(group, groupDeps, ctx, brief);
    })),
    ...past.filter(({ group }) => earlier.has(group.id)).map(({ group, brief }) => attempt(group, async () => {
      const propose = (rca: DigestRcaResult) => proposeWhileSymptomPresent(group, rca, groupDeps, ctx);
      const stored = await reuseStoredAnalysis(group, { store, nowMs: ctx.clock.nowMs(), runbooksUrl: groupDeps.runbooksUrl, brief, catalog: groupDeps.knowledge.safeOperations, propose });
      if (!stored.ok) return void ctx.logger.warn({ day: groupDeps.day, groupId: group.id, reason: stored.reason }, 'digest stored analysis not reused');
      reused.set(group.id, stored.analysed);
    })),
  ]);
  const reusedGroups = past.filter(({ group }) => reused.has(group.id));
  await upsertIncidentRows(store, ctx, 'reused', reusedGroups.map(({ group }) => incidentRow(group, ctx.runId, groupDeps.day)));
  const done = [...analysed.filter((a): a is AnalysedGroup => a !== undefined), ...reusedGroups.map(({ group }) => reused.get(group.id)!)];
  return { done, reused: reused.size, failedGroups, notAnalysed: past.filter(({ group }) => !reused.has(group.id) && !failed.has(group.id)) };
}

/** Incident rows written per transaction: a noisy day at 7,000 clusters has ~14,000 groups past the budget. */
const INCIDENT_BATCH = 500;

/**
 * Incident rows of groups not analysed this run, in batches, each one transaction (one per row took
 * a commit each); a failing batch is recorded, the rest go on. `not-analysed`: a row (no evidence, no
 * RCA row) for each group past `digest.maxAnalysedGroups`, which the weekly report counts and lists
 * without an RCA, and a rerun with a larger budget overwrites. `reused`: the rows of groups shown from
 * an earlier run's analysis, rewritten unmarked; if their batch fails, the earlier run's rows stand.
 */
async function upsertIncidentRows(store: Store, ctx: JobContext, kind: 'not-analysed' | 'reused', rows: readonly IncidentGroupRow[]): Promise<void> {
  for (let i = 0; i < rows.length; i += INCIDENT_BATCH) {
    const batch = rows.slice(i, i + INCIDENT_BATCH);
    try {
      await store.incidents.upsertMany(batch);
    } catch (err) {
      if (ctx.signal.aborted) throw err;
      ctx.fail(`incidents:${kind}:${batch[0].id}..${batch[batch.length - 1].id}`, err);
    }
  }
}

async function buildGroupDeps(deps: DigestDeps, store: Store, ctx: JobContext, opts: DigestJobOptions, run: { day: string; clusters: GroupRunDeps['clusters']; groups: number }): Promise<GroupRunDeps> {
  const inventory = sharedTopologies(deps.inventory(), ctx.signal);
  // the analysis goes on without a topology it could not read (recorded once per cluster)
  const forAnalysis = new Map<string, Promise<Topology | undefined>>();
  const topologyOf = (id: string) => {
    if (!forAnalysis.has(id)) forAnalysis.set(id, inventory.getTopology(id).catch((err: unknown) => (ctx.fail(`topology:${id}`, err), undefined)));
    return forAnalysis.get(id)!;
  };
  const llm = opts.llm && opts.llm.client.kind !== 'none' ? opts.llm : undefined;
  return {
    engine: opts.engine, store, clusters: run.clusters, day: run.day, llm,
    ports: { inventory, metrics: deps.metrics(), logs: deps.logs(), events: deps.events(), changes: deps.changes() },
    knowledge: opts.knowledge ?? loadDigestKnowledge({ runbooksDir: deps.config.runbooksDir }),
    signals: configCatalog(deps.config), componentMatchers: componentMatchersOf(deps.config.components), sloOverrides: deps.config.scan.slo,
    feedbackPriors: await loadFeedbackPriors(store, ctx.clock.nowMs()),
    topology: async (ids) => new Map((await Promise.all(ids.map(async (id) => [id, await topologyOf(id)] as const))).filter((e): e is [string, Topology] => e[1] !== undefined)),
    cap: llm ? createLlmCallCap(Math.min(run.groups, llm.maxCalls)) : undefined,
    dataNowMs: opts.endMs, stepSeconds: deps.config.simulator.stepSeconds,
    symptomWindowMs: opts.symptomWindowMs ?? 15 * 60_000, channel: deps.config.chat.slack.digestChannel, runbooksUrl: deps.config.runbooksUrl,
    guardrails: opts.guardrails,
  };
}

/**
 * The inventory with one topology read per cluster for the run, shared by the evidence collector (pod
 * drill-down, topology part) and the analysis, which both read the group's first cluster, and by groups
 * that share clusters. A failed read is not retried this run. `signal`: the job's, for every read.
 */
function sharedTopologies(inventory: Inventory, signal: AbortSignal): Inventory {
  const topologies = new Map<string, Promise<Topology>>();
  return {
    listClusters: (s) => inventory.listClusters(s),
    getTopology: (id) => {
      let t = topologies.get(id);
      if (!t) topologies.set(id, t = inventory.getTopology(id, signal));
      return t;
    },
  };
}

function summarise(model: DigestModel, publication: PublishResult, deps: GroupRunDeps, counts: Pick<DigestSummary, 'superseded' | 'maintenanceSuppressed' | 'maxAnalysedGroups' | 'reusedAnalyses' | 'llmAccepted' | 'llmReused'>): DigestSummary {
  const t = model.totals;
  return {
    day: model.day, window: model.window, findings: t.findings, groups: t.groups, failedGroups: model.failedGroups.length, notAnalysed: t.notAnalysed,
    rootCauses: t.rootCauses, inconclusive: t.inconclusive, proposals: t.proposals,
    llmCalls: deps.cap?.taken() ?? 0,
    topCauses: model.groups.slice(0, 5).map((g) => ({ groupId: g.id, title: g.title, clusters: g.clusters.length, cause: g.top && g.verdict === 'root-cause' ? `${g.top.failureMode} (${g.top.entity})` : 'inconclusive' })),
    publication, ...counts,
  };
}
