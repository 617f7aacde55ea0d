import type { Inventory } from '../adapters/inventory/types.js';
import type { MetricsSource } from '../adapters/metrics/types.js';
import type { IncidentGroupRow, Store } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import type { Cluster, Topology } from '../fleet/types.js';
import { leastCriticalCluster } from '../rca/hypotheses/remediation.js';
import type { LlmCallCap } from '../rca/narrative/llm-call-cap.js';
import type { SignalCatalog } from '../signals/catalog.js';
import type { DigestKnowledge } from './digest-knowledge.js';
import { buildGroupView, type DigestGroupBrief, type DigestGroupView, type DigestProposalView } from './digest-model.js';
import { groupFacts } from './group-facts.js';
import { narrateGroup, narrationOutcome, type DigestLlm, type NarrationOutcome } from './narrate-group.js';
import type { DigestEngine, DigestIncidentGroup, DigestRcaResult, RcaPorts } from './rca-contract.js';
import { recordProposal } from './record-proposal.js';
import { auditRefusedToolCalls } from './refused-tool-audit.js';
import { storedModelNarrative } from './stored-narrative.js';
import { checkSymptomPresent } from './symptom-check.js';
import { templateNarrative } from './template-narrative.js';
import type { GuardrailGate } from '../remediation/proposals/guardrail-gate.js';

export interface GroupRunDeps {
  engine: DigestEngine;
  ports: RcaPorts & { inventory: Inventory; metrics: MetricsSource };
  store: Store;
  knowledge: DigestKnowledge;
  signals: SignalCatalog;
  /** Component → pod matchers (built-in and the config's `components`): whose namespaces a component's log lines come from. */
  componentMatchers?: Readonly<Record<string, string>>;
  sloOverrides: Record<string, number>;
  clusters: Cluster[];
  feedbackPriors: Map<string, number>;
  topology(clusterIds: readonly string[]): Promise<Map<string, Topology>>;
  llm?: DigestLlm;
  cap?: LlmCallCap;
  day: string;
  /** The data's "now" (end of the window; symptom check). */
  dataNowMs: number;
  stepSeconds: number;
  symptomWindowMs: number;
  channel: string;
  /** `runbooksUrl`: the link template of a cited runbook. */
  runbooksUrl?: string;
  /** The guardrails at proposal time (recordProposal); absent: checked at execution only. */
  guardrails?: GuardrailGate;
}

export interface AnalysedGroup {
  view: DigestGroupView;
  /** A reused narrative is counted apart from an accepted call: it cost no call and no tokens this run. */
  narration: NarrationOutcome;
}

/**
 * One group, end to end: evidence (stored, immutable) → RCA → proposal when the symptom is still
 * present → narrative (template, or the model's when it passes the checks; a rerun on the same evidence
 * keeps the stored one) → incident and RCA rows.
 */
export async function analyseDigestGroup(group: DigestIncidentGroup, deps: GroupRunDeps, ctx: JobContext, brief?: DigestGroupBrief): Promise<AnalysedGroup> {
  const evidence = await deps.engine.collectEvidence(group, deps.ports, {
    signal: ctx.signal, nowMs: deps.dataNowMs, fleetSize: deps.clusters.length, feedbackPriors: deps.feedbackPriors, componentMatchers: deps.componentMatchers, fail: (part, err) => ctx.fail(`group:${group.id}:${part}`, err),
  });
  await deps.store.evidence.insertMany(evidence);
  const analyse = async (clusters: readonly string[]) => deps.engine.analyseGroup(group, evidence, {
    failureModel: deps.knowledge.failureModel, runbookIndex: deps.knowledge.runbookIndex, catalog: deps.knowledge.safeOperations,
    topology: await deps.topology(clusters), clusters: deps.clusters, feedbackPriors: deps.feedbackPriors,
  });
  // The analysis reads the topology of the group's first cluster (candidates beyond the specific checks)
  // and of the top cause's target cluster (its entity's, else the least critical): those are fetched, not
  // every cluster of the group (one inventory call each: 901 for a regional group at 7,000 clusters).
  // Nothing else reads it, so adding the target's on a second pass gives the result of the whole map.
  const first = [...new Set([group.clusters[0], leastCriticalCluster(group.clusters, deps.clusters)].filter((c): c is string => c !== undefined))];
  let rca = await analyse(first);
  const target = rca.top?.entity.cluster;
  if (target !== undefined && !first.includes(target) && group.clusters.includes(target)) rca = await analyse([...first, target]);
  const { symptom, proposal: p } = await proposeWhileSymptomPresent(group, rca, deps, ctx);
  const template = templateNarrative({ group, rca, ledger: evidence, proposal: p && { id8: p.id8, operation: p.operation, target: p.target, state: p.state } });
  const facts = groupFacts(group);
  // a rerun keeps the model narrative it published when the evidence is the same (read before the upsert below)
  const stored = deps.llm ? storedModelNarrative(await deps.store.rcas.get(group.id)) : undefined;
  const told = await narrateGroup({ group: { id: group.id, title: group.title, facts }, ledger: evidence, template, llm: deps.llm, cap: deps.cap, runbookIndex: deps.knowledge.runbookIndex, logger: ctx.logger, signal: ctx.signal, stored });
  await auditRefusedToolCalls(deps.store, { groupId: group.id, runId: ctx.runId, nowMs: ctx.clock.nowMs() }, told.toolCalls);
  await deps.store.incidents.upsert(incidentRow(group, ctx.runId, deps.day));
  await deps.store.rcas.upsert({
    groupId: group.id, runId: ctx.runId, engine: told.engine, verdict: rca.verdict, createdAtMs: ctx.clock.nowMs(),
    body: {
      rca, narrative: told.narrative, evidenceIds: evidence.map((e) => e.id), symptom, proposalId: p?.id,
      llm: { used: told.engine !== 'template', reusedFrom: told.reusedFrom, rejection: told.rejection, toolCalls: told.toolCalls, usage: told.usage },
    } as unknown as Record<string, unknown>,
  });
  const view = buildGroupView({ group, brief, rca, ledger: evidence, engine: told.engine, narrative: told.narrative, llmRejection: told.rejection?.reasons, proposal: p, symptom });
  if (view.runbook && deps.runbooksUrl) view.runbook = { ...view.runbook, url: runbookUrl(deps.runbooksUrl, view.runbook) };
  return { view, narration: narrationOutcome(told) };
}

/** What the proposal step decided: the symptom check's answer (when it ran) and the proposal to show. */
export interface ProposalStep {
  symptom?: { present: boolean; detail: string };
  proposal?: DigestProposalView;
}

/**
 * The RCA's operation recorded as a proposal while the group's symptom is present (recordProposal:
 * the stored row in its state now, or a new round of an expired one); no operation, no check. A failing
 * symptom query or a proposal the catalog refuses is recorded and no proposal is shown: the analysis stands.
 */
export async function proposeWhileSymptomPresent(group: DigestIncidentGroup, rca: DigestRcaResult, deps: GroupRunDeps, ctx: JobContext): Promise<ProposalStep> {
  if (!rca.operation) return {};
  let symptom: { present: boolean; detail: string };
  try {
    symptom = await checkSymptomPresent(group.findings, {
      metrics: deps.ports.metrics, catalog: deps.signals, sloOverrides: deps.sloOverrides, nowMs: deps.dataNowMs,
      windowMs: deps.symptomWindowMs, stepSeconds: deps.stepSeconds, signal: ctx.signal,
    });
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.fail(`group:${group.id}:symptom`, err);
    return { symptom: { present: false, detail: `symptom check failed: ${(err as Error).message}; no proposal this run` } };
  }
  if (!symptom.present) return { symptom };
  const cluster = deps.clusters.find((c) => c.id === rca.operation?.target.cluster);
  const first = group.findings[0];
  const context = {
    environment: cluster?.environment ?? 'prod', tier: cluster?.tier ?? 'tier-1', signature: rca.signature, runbookId: rca.runbook?.id,
    symptom: { component: first?.component ?? '*', signal: first?.signal ?? '*' },
  };
  try {
    const recorded = await recordProposal(rca, { store: deps.store, catalog: deps.knowledge.safeOperations, nowMs: ctx.clock.nowMs(), channel: deps.channel, context, guardrails: deps.guardrails });
    if (recorded && 'refused' in recorded) {
      const why = recorded.refused.map((f) => `${f.guardrail}: ${f.reason}`).join('; ');
      return { symptom: { present: true, detail: `${rca.operation.id} was refused at proposal time by its guardrails (${why}); act by hand or wait for them to pass` } };
    }
    return { symptom, proposal: recorded?.view };
  } catch (err) {
    if (ctx.signal.aborted) throw err;
    ctx.fail(`group:${group.id}:proposal`, err);
    return { symptom };
  }
}

/** The stored incident row of a group (the weekly report, supersede and feedback read it); `extra` attributes on top. */
export function incidentRow(group: DigestIncidentGroup, runId: string, day: string, extra: Record<string, unknown> = {}): IncidentGroupRow {
  return {
    id: group.id, runId, day, title: group.title, startMs: group.startMs, endMs: group.endMs, clusters: group.clusters,
    anomalyIds: group.findings.map((f) => f.id),
    attributes: { severity: group.severity, components: group.components, signals: group.signals, sharedAttributes: group.sharedAttributes, ...extra },
  };
}

/** `runbooksUrl` filled in: `{id}` and `{line}` URL-encoded. */
export function runbookUrl(template: string, rb: { id: string; line: number }): string {
  return template.replaceAll('{id}', encodeURIComponent(rb.id)).replaceAll('{line}', String(rb.line));
}
