import { createHash } from 'node:crypto';
import type { EvidenceRow } from '../../adapters/store/types.js';
import type { IncidentGroup } from '../../correlate/incident-group.js';
import { DEFAULT_DEPENDENCIES } from '../../fleet/dependencies.js';
import type { Cluster, Topology } from '../../fleet/types.js';
import type { SafeOperationCatalog } from '../../remediation/catalog/index.js';
import type { RunbookIndex } from '../../runbooks/runbook-index.js';
import type { FailureModel } from '../failure-model/failure-model-schema.js';
import { checkBadRollout, checkRegional, checkStoppedReporting } from './checks-fleet.js';
import { checkDiskPressure, checkNicSaturation } from './checks-node.js';
import { checkCertExpired, checkOomAfterConfig } from './checks-workload.js';
import { ids, readFacts, type Facts } from './evidence-facts.js';
import { genericCandidates } from './generic-candidates.js';
import type { Claim, Hypothesis } from './hypothesis.js';
import { createMetricRanker, type MetricRanker } from './metric-ranker.js';
import { rejectedChanges, rejectedHypotheses } from './red-herrings.js';
import { matchRunbook, proposeOperation, type ProposedOperation, type RunbookRef } from './remediation.js';
import { compareText } from '../../core/compare-text.js';

export interface AnalyseContext {
  failureModel: FailureModel;
  runbookIndex: RunbookIndex;
  catalog: SafeOperationCatalog;
  topology: Map<string, Topology>;
  clusters: Cluster[];
  /** Score adjustments from past feedback, keyed `<signature>::<failureMode>` (+ confirmed, − rejected). */
  feedbackPriors?: Map<string, number>;
  /** The metric part of scoring; default: src/rca/ranking with a largest-rise fallback. */
  metricRanker?: MetricRanker;
}

export interface RcaResult {
  groupId: string;
  verdict: 'root-cause' | 'inconclusive';
  top?: Hypothesis;
  hypotheses: Hypothesis[];
  rejected: Claim[];
  missing: string[];
  runbook?: RunbookRef;
  operation?: ProposedOperation;
  signature: string;
}

/** Score a root cause only when it clears this bar and leads the runner-up by the margin. */
const MIN_SCORE = 4;
const MIN_MARGIN = 1;

/** Pure: ranks hypotheses for one group from its evidence ledger. Same input → same result. */
export function analyseGroup(group: IncidentGroup, evidence: EvidenceRow[], ctx: AnalyseContext): RcaResult {
  const f = readFacts(evidence);
  const signature = incidentSignature(group);
  const rank = ctx.metricRanker ?? createMetricRanker();
  const specific = [...checkBadRollout(f, group.clusters.length), ...checkRegional(f), ...checkStoppedReporting(f), ...checkNicSaturation(f, rank), ...checkDiskPressure(f, rank), ...checkCertExpired(f), ...checkOomAfterConfig(f)];
  const covered = new Set(['fleet.bad-rollout', 'cloud.regional-degradation', 'cluster.stopped-reporting', 'node.nic-saturation', 'node.disk-pressure', 'cert-manager.certificate-expired', 'workload.oom-after-config', 'coredns.nic-saturation']);
  const all = [...specific, ...genericCandidates(f, covered, ctx, group.clusters)].map((h) => withPrior(h, signature, f, ctx.feedbackPriors));
  const hypotheses = all.sort((a, b) => b.score - a.score || compareText(a.failureMode, b.failureMode) || compareText(JSON.stringify(a.entity), JSON.stringify(b.entity)));
  const [first, second] = hypotheses;
  const decided = first !== undefined && first.score >= MIN_SCORE && first.score - (second?.score ?? 0) >= MIN_MARGIN;
  const top = decided ? first : undefined;
  const involved = involvedComponents(group);
  const rejected = [...rejectedChanges(f, top, involved), ...rejectedHypotheses(hypotheses)];
  const runbook = top ? matchRunbook(ctx.runbookIndex, top.failureMode) : undefined;
  const operation = top ? proposeOperation(top, runbook, ctx.runbookIndex, ctx.catalog, group.clusters, ctx.topology, ctx.clusters) : undefined;
  return {
    groupId: group.id, verdict: decided ? 'root-cause' : 'inconclusive', top, hypotheses: hypotheses.slice(0, 8), rejected,
    missing: decided ? [] : missingEvidence(group, f, first, second), runbook, operation, signature,
  };
}

/** A feedback prior moves a score only with its `history` row in the ledger (collectEvidence writes it), which the claim cites. */
function withPrior(h: Hypothesis, signature: string, f: Facts, priors?: Map<string, number>): Hypothesis {
  const p = priors?.get(`${signature}::${h.failureMode}`);
  const row = f.feedback.find((x) => x.signature === signature && x.failureMode === h.failureMode);
  if (!p || !row) return h;
  const w = Math.max(-2, Math.min(2, p));
  const claim = { text: `past feedback on incidents with this signature ${w > 0 ? 'confirmed' : 'rejected'} ${h.failureMode} (${w > 0 ? '+' : ''}${w})`, evidenceIds: ids(row) };
  return w > 0 ? { ...h, score: h.score + w, supporting: [...h.supporting, claim] } : { ...h, score: h.score + w, contradicting: [...h.contradicting, claim] };
}

/** Components of the group and what they depend on: a change elsewhere cannot explain it. */
function involvedComponents(group: IncidentGroup): Set<string> {
  const out = new Set(group.components);
  for (const c of group.components) for (const d of DEFAULT_DEPENDENCIES) if (d.from === c) out.add(d.to);
  return out;
}

/** Stable across days for the same kind of incident: components, signals, explaining attribute names, scale. */
export function incidentSignature(group: IncidentGroup): string {
  const attrs = [...new Set(group.sharedAttributes.map((a) => a.name.replace(/:.*/, '')))].sort();
  const key = `${group.components.join(',')}|${group.signals.join(',')}|${attrs.join(',')}|${group.clusters.length > 1 ? 'multi' : 'single'}`;
  return 'sig-' + createHash('sha256').update(key).digest('hex').slice(0, 12);
}

/** The failure mode, and where when the other candidate has the same mode (two clusters, two nodes). */
function candidate(h: Hypothesis, other: Hypothesis): string {
  if (h.failureMode !== other.failureMode) return h.failureMode;
  const e = h.entity;
  const where = [e.component && (e.version ? `${e.component} ${e.version}` : e.component), e.node && `node ${e.node}`, e.cluster && `in ${e.cluster}`, e.region && `in ${e.region}`].filter(Boolean).join(' ');
  return where ? `${h.failureMode} (${where})` : h.failureMode;
}

function missingEvidence(group: IncidentGroup, f: Facts, first?: Hypothesis, second?: Hypothesis): string[] {
  const out: string[] = [];
  const where = group.clusters.slice(0, 3).join(', ');
  if (!f.shifts.some((s) => s.component === 'node')) out.push(`node drill-down metrics (network, disk, memory, readiness) of ${where}`);
  const unread = (source: 'logs' | 'events' | 'changes') => (f.unread.has(source) ? ` (not configured: ${source}.kind is none)` : '');
  if (f.changes.length === 0) out.push(`deploy and config history of ${where} around ${new Date(group.startMs).toISOString()}${unread('changes')}`);
  if (f.logs.length === 0) out.push(`error logs of the affected components (${group.components.join(', ')}) on ${where}${unread('logs')}`);
  if (f.events.length === 0) out.push(`Kubernetes events of ${where}${unread('events')}`);
  if (!first) out.push(`no failure mode explains ${group.components.join(', ')} ${group.signals.join('/')}: look at ${where} directly`);
  else if (first.score < MIN_SCORE) out.push(`evidence for the leading candidate ${first.failureMode} is weak (score ${first.score}); confirm or rule it out on ${where}`);
  else if (second) out.push(`evidence that separates ${candidate(first, second)} from ${candidate(second, first)} (scores ${first.score} vs ${second.score})`);
  return out;
}
