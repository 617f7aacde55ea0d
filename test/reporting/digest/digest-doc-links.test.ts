import { describe, expect, it } from 'vitest';
import { digestDocLinks } from '../../../src/reporting/digest/digest-doc-links.js';
import { layoutDigestDocument } from '../../../src/reporting/digest/render-digest-doc.js';
import { renderDigestParent, renderGroupReply } from '../../../src/reporting/digest/render-digest-slack.js';
import { spanText, type DocBlock, type DocModel } from '../../../src/reporting/doc-model.js';
import { renderGroupInDocumentReply, renderMoreGroupsReply } from '../../../src/reporting/slack/digest-thread-overflow.js';
import { largeDigest } from './large-digest.js';

const DOC = 'https://docs.example/digest_2026-11-29.html';
type Table = Extract<DocBlock, { kind: 'table' }>;

/** What the files writer returns: `#anchor` for each anchored heading. */
const anchorsOf = (doc: DocModel) => Object.fromEntries(doc.blocks.flatMap((b) => (b.kind === 'heading' && b.anchor ? [[b.anchor, `${DOC}#${b.anchor}`]] : [])));
const idsIn = (doc: DocModel, heading: string) => {
  const at = doc.blocks.findIndex((b) => b.kind === 'heading' && b.text === heading);
  const t = doc.blocks.slice(at).find((b): b is Table => b.kind === 'table')!;
  return at < 0 ? [] : t.rows.map((r) => r[t.header.indexOf('Group id')].map(spanText).join(''));
};
const textOf = (blocks: unknown) => JSON.stringify(blocks);

describe('where each group is in the fitted digest document', () => {
  const m = largeDigest({ groups: 2_000, evidence: 1, excerptChars: 200 });
  const { doc, layout } = layoutDigestDocument(m, { maxChars: 60_000 });
  const links = digestDocLinks(DOC, layout, anchorsOf(doc));

  it('returns the layout it chose with the document: in full, in brief, counted, each under a heading the document has', () => {
    const sections = doc.blocks.filter((b) => b.kind === 'heading' && b.anchor?.startsWith('group-')).length;

    expect(layout).toMatchObject({ shortened: true, detailed: sections });
    expect(layout.detailed + layout.brief + layout.counted).toBe(2_000);
    expect(layout.brief).toBeGreaterThan(0);
    expect(layout.counted).toBeGreaterThan(0);
    expect(idsIn(doc, 'Groups in brief')).toEqual(m.groups.slice(layout.detailed, layout.detailed + layout.brief).map((g) => g.id));
    const anchors = new Set(Object.keys(anchorsOf(doc)));
    expect(m.groups.filter((g) => !anchors.has(layout.groups.get(g.id)?.anchor ?? ''))).toEqual([]);
    expect(m.groups.map((g) => layout.groups.get(g.id)?.place)).toEqual([
      ...Array(layout.detailed).fill('full'), ...Array(layout.brief).fill('brief'), ...Array(layout.counted).fill('counted'),
    ]);
  });

  it('says in the last reply how many groups are in full, in brief and counted, and links each to its place', () => {
    const more = m.groups.slice(25);

    const text = textOf(renderMoreGroupsReply({ maxThreadReplies: 25, replied: 25, more }, links).blocks);

    // before: "The document has every group's full RCA."
    expect(text).not.toContain('every group\'s full RCA.');
    const f = (x: number) => x.toLocaleString('en-US');
    expect(text).toContain(`was shortened to fit Google Docs: of its 2,000 groups, ${f(layout.detailed)} in full, ${f(layout.brief)} in brief (one line each) and ${f(layout.counted)} counted by kind. `
      + 'Every group\'s full RCA is in the fleetops store under its group id.');
    for (const g of more.slice(0, 10)) expect(text).toContain(`<${links.group(g.id)}|${g.title}>`);
    expect(links.group(m.groups[0].id)).toBe(`${DOC}#group-${m.groups[0].id}`);
    expect(links.group(m.groups[layout.detailed].id)).toBe(`${DOC}#groups-in-brief`);
    expect(links.group(m.groups[1_999].id)).toBe(`${DOC}#groups-counted`);
  });

  it.each([
    ['brief', (l: typeof layout) => l.detailed, 'has <DOC#groups-in-brief|one line for it>'],
    ['counted', () => 1_999, '<DOC#groups-counted|counts it by kind>'],
  ])('points a moved reply of a group %s to that place and its RCA to the store', (_place, index, where) => {
    const g = m.groups[index(layout)];

    const text = textOf(renderGroupInDocumentReply(g, links, 25).blocks);

    // before: "<DOC#group-<id>|its current RCA>", a section the document does not have
    expect(text).not.toContain('#group-');
    expect(text).toContain(where.replace('DOC', DOC));
    expect(text).toContain(`its full RCA is in the fleetops store under group \`${g.id}\``);
  });

  it('says a replied group in brief has one line in the document, not its full RCA', () => {
    const g = m.groups[layout.detailed];

    const text = textOf(renderGroupReply(g, links).blocks);

    expect(text).toContain(`<${DOC}#groups-in-brief|One line in the document>; full RCA in the fleetops store`);
    expect(text).not.toContain('Full RCA in the document');
  });

  it('cuts a long reply without claiming the document has its full text unless the group is there in full', () => {
    const long = (g: (typeof m.groups)[number]) => ({ ...g, narrative: { ...g.narrative, summary: 'x'.repeat(5_000) } });

    const brief = textOf(renderGroupReply(long(m.groups[layout.detailed]), links).blocks);
    const full = textOf(renderGroupReply(long(m.groups[0]), links).blocks);

    expect(brief).toContain('… (truncated)');
    expect(brief).not.toContain('full text in the document');
    expect(full).toContain(`(truncated — full text in the document: <${DOC}#group-${m.groups[0].id}|open the document>)`);
  });

  it('says in the parent message how many groups the document has in full', () => {
    const text = textOf(renderDigestParent(m, links, 25).blocks);

    expect(text).toContain(`<${DOC}|the document>: ${layout.detailed} of 2000 groups (shortened); all in the fleetops store by group id`);
    expect(text).toContain('every group is in the document, in full, in brief or counted');
    const anchors = [...text.matchAll(/digest_2026-11-29\.html#([\w-]+)/g)].map((x) => x[1]);
    expect(anchors.length).toBeGreaterThan(0);
    expect(anchors.filter((a) => !(a in anchorsOf(doc)))).toEqual([]);
  });
});

describe('links into a document under its budget, or of unknown layout', () => {
  it('links every group of a whole document to its section and says the document has every full RCA', () => {
    const m = largeDigest({ groups: 30, evidence: 1, excerptChars: 100 });
    const { doc, layout } = layoutDigestDocument(m);

    const text = textOf(renderMoreGroupsReply({ maxThreadReplies: 25, replied: 25, more: m.groups.slice(25) }, digestDocLinks(DOC, layout, anchorsOf(doc))).blocks);

    expect(layout).toMatchObject({ shortened: false, detailed: 30, brief: 0, counted: 0 });
    expect(text).toContain(`<${DOC}|The document> has every group's full RCA.`);
    expect(text).toContain(`<${DOC}#group-${m.groups[25].id}|`);
  });

  it('opens the document itself when the writer gave no heading links', () => {
    const m = largeDigest({ groups: 30, evidence: 1, excerptChars: 100 });
    const { layout } = layoutDigestDocument(m);

    const links = digestDocLinks(DOC, layout);

    expect(links.group(m.groups[0].id)).toBe(DOC);
  });

  it('says an earlier run\'s document may not have every group in full, and links the document itself', () => {
    const m = largeDigest({ groups: 30, evidence: 1, excerptChars: 100 });
    const links = digestDocLinks(DOC);

    const more = textOf(renderMoreGroupsReply({ maxThreadReplies: 25, replied: 25, more: m.groups.slice(25) }, links).blocks);
    const moved = textOf(renderGroupInDocumentReply(m.groups[26], links, 25).blocks);

    expect(more).toContain(`<${DOC}|The document> is the one an earlier run wrote (this run could not write it): it may not have every group in full.`);
    expect(more).not.toContain('#group-');
    expect(moved).toContain(`<${DOC}|the document> is the one an earlier run wrote; its full RCA is in the fleetops store under group \`${m.groups[26].id}\`.`);
  });
});
