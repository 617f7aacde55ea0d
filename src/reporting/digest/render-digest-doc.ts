import type { DigestModel } from '../../digest/digest-model.js';
import type { DocBlock, DocModel, Inline } from '../doc-model.js';
import { oneLine, pct, utcTime, verdictLabel } from './digest-format.js';
import { renderGroupSection } from './render-group-doc.js';

/**
 * The daily document: summary, SLO and error-budget table, an index of the groups, then the full
 * RCA of every group. Pure; data stays data (the Markdown/HTML/Docs renderers escape it).
 */
export function renderDigestDocument(model: DigestModel): DocModel {
  const blocks: DocBlock[] = [
    { kind: 'paragraph', spans: [`Window ${utcTime(model.window.startMs)} → ${utcTime(model.window.endMs)}; generated ${utcTime(model.generatedAtMs)} by run `, { text: model.runId, code: true }, '.'] },
    { kind: 'heading', level: 2, text: 'Summary', anchor: 'summary' },
    { kind: 'bullets', items: summaryItems(model) },
    { kind: 'heading', level: 2, text: 'SLO and error budget', anchor: 'slo' },
    ...sloBlocks(model),
    { kind: 'heading', level: 2, text: 'Incident groups', anchor: 'groups' },
    ...indexBlocks(model),
    ...model.groups.flatMap((g, i) => renderGroupSection(g, i + 1)),
    ...failedBlocks(model),
  ];
  return { title: `Availability digest — ${model.day}`, blocks };
}

function summaryItems(m: DigestModel): Inline[][] {
  const t = m.totals;
  return [
    [`${t.findings} findings in the window: ${t.dips} SLO dips, ${t.missingData} cluster(s) that stopped reporting, the rest warning or critical anomalies.`],
    [`${t.groups} incident groups over ${t.clustersAffected} clusters: ${t.rootCauses} with a first-level root cause, ${t.inconclusive} inconclusive (need a human).`],
    [`${t.proposals} remediation proposals recorded (symptom still present; approval happens in the Slack thread).`],
    ...(m.failedGroups.length ? [[`${m.failedGroups.length} groups could not be analysed (see the end of this document).`]] : []),
  ];
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

function indexBlocks(m: DigestModel): DocBlock[] {
  if (m.groups.length === 0) return [{ kind: 'paragraph', spans: ['No incident groups: nothing dipped below its SLO.'] }];
  return [{
    kind: 'table',
    header: ['#', 'Group', 'Severity', 'Clusters', 'Verdict', 'Top cause', 'Proposal'],
    rows: m.groups.map((g, i) => [
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
    { kind: 'bullets', items: m.failedGroups.map((f) => [{ text: f.part, code: true }, `: ${oneLine(f.message)}`]) },
  ];
}
