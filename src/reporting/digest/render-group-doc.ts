import type { DigestEvidenceView, DigestGroupView } from '../../digest/digest-model.js';
import type { DocBlock, Inline } from '../doc-model.js';
import { clip, groupAnchor, notCheckedText, oneLine, pct, utcTime, verdictLabel } from './digest-format.js';

/** Characters of an evidence excerpt in the document (the stored row keeps all of it). */
const DOC_EXCERPT_CHARS = 1_500;

/** The full RCA of one group: facts, attributes, root cause, claims, red herrings, evidence, runbook, proposal. */
export function renderGroupSection(g: DigestGroupView, n: number): DocBlock[] {
  const n8 = g.narrative;
  return [
    { kind: 'heading', level: 2, text: `${n}. ${oneLine(g.title)}`, anchor: groupAnchor(g.id) },
    { kind: 'paragraph', spans: [{ text: `${g.severity} · ${verdictLabel(g.verdict)} · narrative: ${g.engine}`, bold: true }, ' — ', n8.summary] },
    { kind: 'heading', level: 3, text: 'Facts' },
    { kind: 'bullets', items: [...g.facts.map((f) => [f]), [`group id `, { text: g.id, code: true }]] },
    ...attributeBlocks(g),
    { kind: 'heading', level: 3, text: 'Root cause' },
    { kind: 'paragraph', spans: [n8.rootCause.statement, ' ', ...cites(n8.rootCause.evidenceIds)] },
    ...(g.top ? [{ kind: 'paragraph' as const, spans: [`Top hypothesis: `, { text: g.top.failureMode, code: true }, ` — ${g.top.entity} (score ${g.top.score.toFixed(2)}).`] }] : []),
    ...(g.verdict === 'inconclusive' && g.missing.length ? [{ kind: 'paragraph' as const, spans: [{ text: 'Needs a human: ', bold: true }, g.missing.join('; ')] }] : []),
    { kind: 'heading', level: 3, text: 'Claims' },
    { kind: 'bullets', items: n8.claims.map((c) => [c.text, ' ', ...cites(c.evidenceIds)]) },
    ...(n8.rejectedHypotheses.length ? [
      { kind: 'heading' as const, level: 3 as const, text: 'Checked and rejected (red herrings)' },
      { kind: 'bullets' as const, items: n8.rejectedHypotheses.map((c) => [c.text, ' ', ...cites(c.evidenceIds)]) },
    ] : []),
    { kind: 'heading', level: 3, text: `Evidence (${g.evidence.length} cited of ${g.ledgerSize} collected)` },
    ...evidenceBlocks(g.evidence),
    ...notCheckedBlocks(g),
    { kind: 'heading', level: 3, text: 'Runbook, proposal and next steps' },
    { kind: 'bullets', items: actionItems(g) },
    ...(g.llmRejection?.length ? [{ kind: 'paragraph' as const, spans: [{ text: 'Model narrative rejected, template used: ', bold: true }, g.llmRejection.map(oneLine).join('; ')] }] : []),
  ];
}

function cites(ids: readonly string[]): Inline[] {
  if (ids.length === 0) return ['[no evidence]'];
  return ['[', ...ids.flatMap((id, i): Inline[] => [...(i ? [', '] : []), { text: id, code: true }]), ']'];
}

function attributeBlocks(g: DigestGroupView): DocBlock[] {
  if (g.sharedAttributes.length === 0) return [];
  return [
    { kind: 'heading', level: 3, text: 'Shared attributes (over-represented against the fleet)' },
    {
      kind: 'table', header: ['Attribute', 'Value', 'In the group', 'In the fleet', 'Lift'],
      rows: g.sharedAttributes.map((a) => [[a.name], [oneLine(String(a.value))], [pct(a.coverage, 0)], [pct(a.baseRate, 0)], [`${a.lift.toFixed(1)}×`]]),
    },
  ];
}

function evidenceBlocks(rows: readonly DigestEvidenceView[]): DocBlock[] {
  if (rows.length === 0) return [{ kind: 'paragraph', spans: ['No evidence is cited.'] }];
  return [{
    kind: 'table', header: ['Id', 'Source', 'Time', 'Query', 'Excerpt', 'Link'],
    rows: rows.map((r) => [
      [{ text: r.id, code: true }], [r.source], [`${utcTime(r.startMs)} → ${utcTime(r.endMs)}`],
      [{ text: clip(oneLine(r.query), 300), code: true }], [clip(oneLine(r.excerpt), DOC_EXCERPT_CHARS)],
      [r.link ? { text: 'open', href: r.link } : '—'],
    ]),
  }];
}

/** Beside the evidence, and whatever the verdict: a root cause does not rule out what was never read. */
function notCheckedBlocks(g: DigestGroupView): DocBlock[] {
  const text = notCheckedText(g.notConfigured);
  return text ? [{ kind: 'paragraph', spans: [{ text: `${text}.`, bold: true }] }] : [];
}

function actionItems(g: DigestGroupView): Inline[][] {
  const items: Inline[][] = [];
  const rb = g.runbook;
  items.push(rb ? ['Runbook: ', { text: `runbooks/${rb.id}.md`, code: true, ...(rb.url ? { href: rb.url } : {}) }, ` — “${rb.title}”, section ${rb.section} (line ${rb.line})`] : ['Runbook: none matched.']);
  const p = g.proposal;
  if (p) {
    // only a proposed one waits for approval; a decided, running or finished one is shown as it stands
    const wait = p.state === 'proposed' ? `, expires ${utcTime(p.expiresAtMs)}; approval happens in the Slack thread.` : '; nothing to approve.';
    items.push(['Proposal ', { text: p.id8, code: true }, `: ${p.operation} on ${p.target}, risk ${p.risk}, state ${p.state}${wait}`]);
  } else if (g.symptom) {
    items.push([`No proposal: ${g.symptom.detail}`]);
  }
  items.push(...g.narrative.nextSteps.map((s): Inline[] => [`Next: ${s}`]));
  return items;
}
