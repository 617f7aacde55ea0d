import type { AnomalyRow, EvidenceRow } from '../adapters/store/types.js';
import type { PartFailure } from '../core/run-job.js';
import type { Narrative } from '../rca/narrative/llm-narrative.js';
import { unreadSources, type UnreadSource } from '../rca/narrative/unread-sources.js';
import { describeEntity, groupFacts } from './group-facts.js';
import type { DigestIncidentGroup, DigestRcaResult, SharedAttribute } from './rca-contract.js';
import type { SloSummaryRow } from './slo-summary.js';
import { compareText } from '../core/compare-text.js';

/** The digest as renderers see it: data only, already decided; the renderers escape it. */
export interface DigestModel {
  /** `YYYY-MM-DD`, the key of every publication. */
  day: string;
  window: { startMs: number; endMs: number };
  generatedAtMs: number;
  runId: string;
  totals: DigestTotals;
  slo: SloSummaryRow[];
  groups: DigestGroupView[];
  /** Groups that failed (recorded with ctx.fail) and are therefore missing from `groups`. */
  failedGroups: PartFailure[];
  /** Groups past `digest.maxAnalysedGroups`, in the same order after `groups`: correlated, never analysed. */
  notAnalysed: DigestGroupBrief[];
  /** The `digest.maxAnalysedGroups` the run had; set when `notAnalysed` is not empty. */
  maxAnalysedGroups?: number;
}

export interface DigestTotals {
  findings: number;
  dips: number;
  missingData: number;
  /** Every group found but those that failed: analysed and not analysed. */
  groups: number;
  /** Groups past `digest.maxAnalysedGroups`: no evidence, RCA, proposal or narrative. */
  notAnalysed: number;
  clustersAffected: number;
  rootCauses: number;
  inconclusive: number;
  proposals: number;
  /** Of `proposals`, those still in state `proposed`: the ones to approve in the thread. */
  awaitingApproval: number;
}

export interface DigestEvidenceView {
  id: string;
  source: EvidenceRow['source'];
  query: string;
  startMs: number;
  endMs: number;
  excerpt: string;
  link?: string;
}

export interface DigestProposalView {
  id: string;
  id8: string;
  operation: string;
  /** `Deployment kube-system/coredns in c-eu-1`. */
  target: string;
  risk: 'low' | 'medium' | 'high';
  state: string;
  expiresAtMs: number;
}

/** What correlation found about a group: all that a group past `digest.maxAnalysedGroups` has. */
export interface DigestGroupBrief {
  id: string;
  title: string;
  severity: 'critical' | 'warning';
  startMs: number;
  endMs: number;
  clusters: string[];
  components: string[];
  signals: string[];
  findingCount: number;
  /** Error budget its SLO dips burned, summed over its dip findings (fractions of a budget): its impact. */
  budgetBurned: number;
}

export interface DigestGroupView extends DigestGroupBrief {
  facts: string[];
  sharedAttributes: SharedAttribute[];
  verdict: 'root-cause' | 'inconclusive';
  engine: 'template' | 'bedrock';
  narrative: Narrative;
  top?: { failureMode: string; entity: string; score: number };
  /** Evidence cited by the narrative, in order of first citation. */
  evidence: DigestEvidenceView[];
  ledgerSize: number;
  /** Evidence sources not configured (kind none): not read, so the RCA knows nothing from them. */
  notConfigured?: UnreadSource[];
  missing: string[];
  /** `url`: where to open it at the cited line (`runbooksUrl`), when configured. */
  runbook?: { id: string; title: string; section: string; line: number; url?: string };
  proposal?: DigestProposalView;
  /** Why a model's narrative was not used (the template was). */
  llmRejection?: string[];
  /** Whether the symptom was still present when a proposal was considered. */
  symptom?: { present: boolean; detail: string };
}

export interface GroupViewInput {
  group: DigestIncidentGroup;
  rca: DigestRcaResult;
  ledger: readonly EvidenceRow[];
  engine: 'template' | 'bedrock';
  narrative: Narrative;
  llmRejection?: string[];
  proposal?: DigestProposalView;
  symptom?: { present: boolean; detail: string };
  /** The group's brief when the caller has it (inDigestOrder measured it); else measured here. */
  brief?: DigestGroupBrief;
}

/** A group as correlation found it, for a group that is not analysed. Pure. */
export function buildGroupBrief(group: DigestIncidentGroup): DigestGroupBrief {
  return {
    id: group.id, title: group.title, severity: group.severity, startMs: group.startMs, endMs: group.endMs,
    clusters: group.clusters, components: group.components, signals: group.signals, findingCount: group.findings.length,
    budgetBurned: budgetBurnedBy(group.findings),
  };
}

/** Budget burned by the dips among `findings` (fractions of an SLO's budget, summed), to 4 decimals. */
export function budgetBurnedBy(findings: readonly AnomalyRow[]): number {
  let sum = 0;
  for (const f of findings) {
    const burned = f.kind === 'dip' ? f.details.budgetBurnedFraction : undefined;
    if (typeof burned === 'number' && Number.isFinite(burned) && burned > 0) sum += burned;
  }
  return Math.round(sum * 1e4) / 1e4;
}

/** A group with its brief, measured once: the order, the views and the not-analysed list all read it. */
export interface BriefedGroup<G extends DigestIncidentGroup = DigestIncidentGroup> {
  group: G;
  brief: DigestGroupBrief;
}

/** `groups` in the digest's order (compareDigestGroups), each with its brief (measured once). */
export function inDigestOrder<G extends DigestIncidentGroup>(groups: readonly G[]): BriefedGroup<G>[] {
  return groups.map((group) => ({ group, brief: buildGroupBrief(group) })).sort((a, b) => compareDigestGroups(a.brief, b.brief));
}

/** Whether `g` was analysed (has an RCA and narrative), not only correlated. */
export function isAnalysedView(g: DigestGroupBrief): g is DigestGroupView {
  return 'narrative' in g;
}

/** One group's section of the digest. Pure. */
export function buildGroupView(input: GroupViewInput): DigestGroupView {
  const { group, rca, narrative } = input;
  const byId = new Map(input.ledger.map((r) => [r.id, r]));
  const cited = [narrative.rootCause, ...narrative.claims, ...narrative.rejectedHypotheses].flatMap((c) => c.evidenceIds);
  const evidence = [...new Set(cited)].flatMap((id) => {
    const r = byId.get(id);
    return r ? [{ id: r.id, source: r.source, query: r.query, startMs: r.startMs, endMs: r.endMs, excerpt: r.excerpt, link: r.link }] : [];
  });
  return {
    ...(input.brief ?? buildGroupBrief(group)), facts: groupFacts(group), sharedAttributes: [...group.sharedAttributes].sort((a, b) => b.lift - a.lift),
    verdict: rca.verdict, engine: input.engine, narrative,
    top: rca.top ? { failureMode: rca.top.failureMode, entity: describeEntity(rca.top.entity), score: rca.top.score } : undefined,
    evidence, ledgerSize: input.ledger.length, notConfigured: notConfigured(input.ledger), missing: rca.missing, runbook: rca.runbook,
    proposal: input.proposal, llmRejection: input.llmRejection, symptom: input.symptom,
  };
}

function notConfigured(ledger: readonly EvidenceRow[]): UnreadSource[] | undefined {
  const unread = unreadSources(ledger);
  return unread.size ? (['logs', 'events', 'changes'] as const).filter((s) => unread.has(s)) : undefined;
}

export interface DigestModelInput {
  day: string;
  window: { startMs: number; endMs: number };
  generatedAtMs: number;
  runId: string;
  findings: readonly AnomalyRow[];
  slo: SloSummaryRow[];
  groups: DigestGroupView[];
  failedGroups: PartFailure[];
  /** Groups past `maxAnalysedGroups`, not analysed. */
  notAnalysed?: DigestGroupBrief[];
  maxAnalysedGroups?: number;
}

/** What the digest orders groups by: the incident group and its views alike. */
export interface DigestOrderKey {
  id: string;
  severity: 'critical' | 'warning';
  clusters: readonly string[];
  components: readonly string[];
  findingCount: number;
  budgetBurned: number;
  startMs: number;
}

/**
 * The digest's order: critical first, then most clusters, then a silent cluster (no data), then most
 * error budget burned, then most findings, then earliest start, then id. The job analyses the first
 * `digest.maxAnalysedGroups` in it, and every renderer lists groups in it. Without the impact keys a
 * noisy day's single-cluster groups were ordered by start alone, and a real outage came after
 * a thousand one-point blips.
 */
export function compareDigestGroups(a: DigestOrderKey, b: DigestOrderKey): number {
  return rank(a) - rank(b) || b.clusters.length - a.clusters.length || silent(b) - silent(a) || b.budgetBurned - a.budgetBurned
    || b.findingCount - a.findingCount || a.startMs - b.startMs || compareText(a.id, b.id);
}

const silent = (g: DigestOrderKey): number => (g.components.includes('*') ? 1 : 0);

/** The whole digest, groups ordered critical first, then by size and start (`compareDigestGroups`). Pure. */
export function buildDigestModel(input: DigestModelInput): DigestModel {
  const groups = [...input.groups].sort(compareDigestGroups);
  const notAnalysed = [...(input.notAnalysed ?? [])].sort(compareDigestGroups);
  const verdicts = (v: DigestGroupView['verdict']) => groups.filter((g) => g.verdict === v).length;
  return {
    day: input.day, window: input.window, generatedAtMs: input.generatedAtMs, runId: input.runId, slo: input.slo, groups, failedGroups: input.failedGroups,
    notAnalysed, maxAnalysedGroups: notAnalysed.length ? input.maxAnalysedGroups : undefined,
    totals: {
      findings: input.findings.length,
      dips: input.findings.filter((f) => f.kind === 'dip').length,
      missingData: input.findings.filter((f) => f.kind === 'missing-data').length,
      groups: groups.length + notAnalysed.length,
      notAnalysed: notAnalysed.length,
      clustersAffected: new Set([...groups, ...notAnalysed].flatMap((g) => g.clusters)).size,
      rootCauses: verdicts('root-cause'),
      inconclusive: verdicts('inconclusive'),
      proposals: groups.filter((g) => g.proposal).length,
      awaitingApproval: groups.filter((g) => g.proposal?.state === 'proposed').length,
    },
  };
}

const rank = (g: DigestOrderKey) => (g.severity === 'critical' ? 0 : 1);
