import { describe, expect, it } from 'vitest';
import { buildDigestModel, type DigestGroupBrief, type DigestModel } from '../../../src/digest/digest-model.js';
import { digestDocLinks, documentHoldsText } from '../../../src/reporting/digest/digest-doc-links.js';
import { layoutDigestDocument } from '../../../src/reporting/digest/render-digest-doc.js';
import { renderDigestParent } from '../../../src/reporting/digest/render-digest-slack.js';
import { renderMoreGroupsReply } from '../../../src/reporting/slack/digest-thread-overflow.js';
import { spanText, type DocBlock, type DocModel } from '../../../src/reporting/doc-model.js';
import { docChars } from '../../../src/reporting/doc-size.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { largeDigest } from './large-digest.js';

type Table = Extract<DocBlock, { kind: 'table' }>;

const sectionIds = (doc: DocModel) => doc.blocks.flatMap((b) => (b.kind === 'heading' && b.anchor?.startsWith('group-') ? [b.anchor.slice('group-'.length)] : []));
function tableAfter(doc: DocModel, heading: string): Table | undefined {
  const at = doc.blocks.findIndex((b) => b.kind === 'heading' && b.text === heading);
  return at < 0 ? undefined : doc.blocks.slice(at).find((b): b is Table => b.kind === 'table');
}
const column = (t: Table | undefined, name: string) => (t ? t.rows.map((r) => r[t.header.indexOf(name)].map(spanText).join('')) : []);

/** Groups correlation found past the budget; `n` of them, warning and critical mixed, given out of order. */
function notAnalysed(n: number): DigestGroupBrief[] {
  return Array.from({ length: n }, (_, i) => ({
    id: `na-${String(i).padStart(5, '0')}`, title: `ingress noise on ${1 + (i % 3)} clusters`, severity: i % 2 ? 'warning' as const : 'critical' as const,
    startMs: i * 60_000, endMs: i * 60_000 + 600_000, clusters: Array.from({ length: 1 + (i % 3) }, (_, c) => `c-na-${i}-${c}`),
    components: ['ingress-gateway'], signals: ['availability'], findingCount: 1 + (i % 3), budgetBurned: 0,
  })).reverse();
}

/** `analysed` groups of the large digest, and `skipped` past `digest.maxAnalysedGroups` = `analysed`. */
function budgetedDigest(analysed: number, skipped: number): DigestModel {
  const m = largeDigest({ groups: analysed, evidence: 1, excerptChars: 200 });
  return buildDigestModel({ ...m, findings: [], groups: m.groups, notAnalysed: notAnalysed(skipped), maxAnalysedGroups: analysed });
}

describe('digest groups past digest.maxAnalysedGroups', () => {
  it('lists them last in the digest order, one line each marked "not analysed", never with a section, under the notice', () => {
    const m = budgetedDigest(5, 40);

    const { doc, layout } = layoutDigestDocument(m);

    // before: DigestModel had no notAnalysed, so these groups were nowhere in the document
    expect(m.totals).toMatchObject({ groups: 45, notAnalysed: 40 });
    expect(m.notAnalysed[0].severity).toBe('critical');
    expect(m.notAnalysed.at(-1)?.severity).toBe('warning');
    expect(sectionIds(doc)).toEqual(m.groups.map((g) => g.id));
    const brief = tableAfter(doc, 'Groups in brief');
    expect(column(brief, 'Group id')).toEqual(m.notAnalysed.map((g) => g.id));
    expect(new Set(column(brief, 'Verdict'))).toEqual(new Set(['not analysed']));
    expect(column(brief, '#')[0]).toBe('6');
    expect(layout).toMatchObject({ shortened: false, detailed: 5, brief: 40, counted: 0, notAnalysed: 40 });
    const md = renderMarkdown(doc);
    expect(md).toContain('**40 of 45 groups were not analysed.** `digest.maxAnalysedGroups` is 5,');
    expect(md).not.toContain('Shortened');
  });

  it('counts them by kind, still marked, when one line each would not fit the budget', () => {
    const m = budgetedDigest(20, 5_000);

    const { doc, layout } = layoutDigestDocument(m, { maxChars: 80_000 });

    expect(docChars(doc)).toBeLessThanOrEqual(80_000);
    expect(layout.shortened).toBe(true);
    expect(layout.detailed + layout.brief + layout.counted).toBe(5_020);
    expect(layout.counted).toBeGreaterThan(0);
    const counted = tableAfter(doc, 'Groups counted by kind');
    expect(new Set(column(counted, 'Verdict'))).toEqual(new Set(['not analysed']));
    expect(column(counted, 'Groups').map(Number).reduce((a, b) => a + b, 0)).toBe(layout.counted);
    const md = renderMarkdown(doc);
    expect(md).toContain('Every analysed group\'s full RCA and evidence are in the fleetops store under its group id.');
    expect(md).toContain('**5,000 of 5,020 groups were not analysed.**');
    const links = digestDocLinks('https://docs.example.com/d', layout);
    expect(documentHoldsText(links, 'The document')).toContain('of its 5,020 groups (5,000 not analysed),');
    expect(documentHoldsText(links, 'The document')).toContain('Every analysed group\'s full RCA is in the fleetops store');
  });

  it('says in the Slack parent how many were not analysed and which setting left them', () => {
    const m = budgetedDigest(5, 40);

    const text = JSON.stringify(renderDigestParent(m, 'https://docs.example.com/d', 5).blocks);

    expect(text).toContain('*45* incident groups');
    expect(text).toContain('*40* of them were not analysed (no evidence, RCA or proposal): `digest.maxAnalysedGroups` is 5; the document lists them.');
    expect(text).toContain('Thread replies for the first 5 of 45 groups below');
  });

  it('does not say every group has its reply when some were not analysed (a rerun with a raised digest.maxThreadReplies)', () => {
    const m = budgetedDigest(5, 40);

    const text = JSON.stringify(renderMoreGroupsReply({ maxThreadReplies: 25, replied: 5, more: [], notAnalysed: m.notAnalysed.length }, 'https://docs.example.com/d').blocks);

    // before: "Every incident group of this digest has its own reply in this thread (5)."
    expect(text).toContain('Every analysed incident group of this digest has its own reply in this thread (5); the 40 not analysed (past `digest.maxAnalysedGroups`) are listed in the document.');
  });
});
