import type { DigestGroupView, DigestModel } from '../../digest/digest-model.js';
import type { DocBlock, DocModel, Inline } from '../doc-model.js';
import { DEFAULT_DOC_MAX_CHARS } from '../doc-size.js';
import { clip, oneLine, pct, utcTime, verdictLabel } from './digest-format.js';
import { fitDigestDocument, type DigestDocParts, type FittedDigestDoc } from './fit-digest-doc.js';
import { NOT_ANALYSED } from './render-group-brief.js';
import { renderGroupSection } from './render-group-doc.js';

export interface DigestDocOptions {
  /**
   * Characters the document may take, as Google Docs counts them (doc-size.ts). Over it, the first
   * groups keep their full RCA and the rest are shortened (fit-digest-doc.ts). Default DEFAULT_DOC_MAX_CHARS.
   */
  maxChars?: number;
}

const FAILURE_CHARS = 500;
const FAILURES_LISTED = 100;

/**
 * The daily document: summary, SLO and error-budget table, an index of the groups, then the full
 * RCA of every group. Over `maxChars` it is shortened rather than refused by Google Docs: the first
 * groups in the model's order (critical first, then most clusters, then most budget burned) keep their full RCA, and the
 * summary says so. Pure; data stays data (the Markdown/HTML/Docs renderers escape it).
 */
export function renderDigestDocument(model: DigestModel, opts: DigestDocOptions = {}): DocModel {
  return layoutDigestDocument(model, opts).doc;
}

/** The document and where each group is in it (in full, in brief or counted), for the links Slack messages make. Pure. */
export function layoutDigestDocument(model: DigestModel, opts: DigestDocOptions = {}): FittedDigestDoc {
  const title = `Availability digest — ${model.day}`;
  const sections = model.groups.map((g, i) => renderGroupSection(g, i + 1));
  const parts: DigestDocParts = {
    title, groups: model.groups, notAnalysed: model.notAnalysed, runId: model.runId, sections, tail: failedBlocks(model),
    head: (notice) => headBlocks(model, notice), index: indexBlocks,
  };
  return fitDigestDocument(parts, opts.maxChars ?? DEFAULT_DOC_MAX_CHARS);
}

function headBlocks(model: DigestModel, notice?: string): DocBlock[] {
  return [
    { kind: 'paragraph', spans: [`Window ${utcTime(model.window.startMs)} → ${utcTime(model.window.endMs)}; generated ${utcTime(model.generatedAtMs)} by run `, { text: model.runId, code: true }, '.'] },
    { kind: 'heading', level: 2, text: 'Summary', anchor: 'summary' },
    { kind: 'bullets', items: summaryItems(model) },
    ...notAnalysedNotice(model),
    ...(notice ? [{ kind: 'paragraph' as const, spans: [{ text: notice, bold: true }] }] : []),
    { kind: 'heading', level: 2, text: 'SLO and error budget', anchor: 'slo' },
    ...sloBlocks(model),
    { kind: 'heading', level: 2, text: 'Incident groups', anchor: 'groups' },
  ];
}

function summaryItems(m: DigestModel): Inline[][] {
  const t = m.totals;
  return [
    [`${t.findings} findings in the window: ${t.dips} SLO dips, ${t.missingData} cluster(s) that stopped reporting, the rest warning or critical anomalies.`],
    [`${t.groups} incident groups over ${t.clustersAffected} clusters: ${t.rootCauses} with a first-level root cause, ${t.inconclusive} inconclusive (need a human)${t.notAnalysed ? `, ${t.notAnalysed} not analysed` : ''}.`],
    [proposalsSentence(t)],
    ...(m.failedGroups.length ? [[`${m.failedGroups.length} groups could not be analysed (see the end of this document).`]] : []),
  ];
}

/** The proposals shown, and how many of them still wait for a decision (a rerun shows some decided or run). */
function proposalsSentence(t: DigestModel['totals']): string {
  const rest = t.proposals - t.awaitingApproval;
  return `${t.proposals} remediation proposals, ${t.awaitingApproval} awaiting approval in the Slack thread${rest ? ` (${rest} already decided, run or expired)` : ''}.`;
}

/** Why some groups have no RCA: the run's budget, named with its value, and what to do for more. */
function notAnalysedNotice(m: DigestModel): DocBlock[] {
  const n = m.notAnalysed.length;
  if (n === 0) return [];
  const f = (x: number) => x.toLocaleString('en-US');
  return [{ kind: 'paragraph', spans: [
    { text: `${f(n)} of ${f(m.totals.groups)} groups were not analysed.`, bold: true }, ' ', { text: 'digest.maxAnalysedGroups', code: true },
    ` is ${f(m.maxAnalysedGroups ?? m.groups.length)}, so only the first groups in the digest's order (critical first, then most clusters, then most error budget burned) had evidence gathered, an RCA and a proposal considered (and any group an earlier run of the day analysed is shown as it left it). `
      + `The ${f(n)} others come last (one line each, or counted by kind), marked “${NOT_ANALYSED}”, with no evidence or RCA; raise the setting and rerun the day to analyse them.`,
  ] }];
}

function sloBlocks(m: DigestModel): DocBlock[] {
  if (m.slo.length === 0) return [{ kind: 'paragraph', spans: ['No SLO dips in the window.'] }];
  return [{
    kind: 'table',
    header: ['Component', 'Signal', 'SLO', 'Clusters dipped', 'Dips', 'Worst availability', 'Max error budget burned'],
    rows: m.slo.map((r) => [
      [r.component], [r.signal], [pct(r.slo)], [String(r.clustersDipped)], [String(r.dips)],
      [`${pct(r.worstAvailability)}${r.worstCluster ? ` (${r.worstCluster})` : ''}`],
      [`${pct(r.maxBudgetBurnedFraction, 1)} of 30 days${r.maxBudgetCluster ? ` (${r.maxBudgetCluster})` : ''}`],
    ]),
  }];
}

function indexBlocks(groups: readonly DigestGroupView[]): DocBlock[] {
  if (groups.length === 0) return [{ kind: 'paragraph', spans: ['No incident groups: nothing dipped below its SLO.'] }];
  return [{
    kind: 'table',
    header: ['#', 'Group', 'Severity', 'Clusters', 'Verdict', 'Top cause', 'Proposal'],
    rows: groups.map((g, i) => [
      [String(i + 1)], [oneLine(g.title)], [g.severity], [String(g.clusters.length)], [verdictLabel(g.verdict)],
      [g.top ? oneLine(`${g.top.failureMode} — ${g.top.entity}`) : '—'],
      [g.proposal ? { text: g.proposal.id8, code: true } : '—'],
    ]),
  }];
}

function failedBlocks(m: DigestModel): DocBlock[] {
  if (m.failedGroups.length === 0) return [];
  return [
    { kind: 'heading', level: 2, text: 'Groups that could not be analysed', anchor: 'failed' },
    { kind: 'bullets', items: m.failedGroups.slice(0, FAILURES_LISTED).map((f) => [{ text: f.part, code: true }, `: ${clip(oneLine(f.message), FAILURE_CHARS)}`]) },
    ...(m.failedGroups.length > FAILURES_LISTED ? [{ kind: 'paragraph' as const, spans: [`… and ${m.failedGroups.length - FAILURES_LISTED} more; the run's record in the fleetops store (run `, { text: m.runId, code: true }, ') and the job log have every one.'] }] : []),
  ];
}
