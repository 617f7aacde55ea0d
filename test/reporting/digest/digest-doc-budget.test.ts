import { describe, expect, it } from 'vitest';
import { buildDocRequests } from '../../../src/adapters/docs/google/build-doc-requests.js';
import { renderDigestDocument } from '../../../src/reporting/digest/render-digest-doc.js';
import { spanText, type DocBlock, type DocModel } from '../../../src/reporting/doc-model.js';
import { DEFAULT_DOC_MAX_CHARS, docChars, GOOGLE_DOCS_MAX_CHARS } from '../../../src/reporting/doc-size.js';
import { renderMarkdown } from '../../../src/reporting/render-markdown.js';
import { largeDigest } from './large-digest.js';

type Table = Extract<DocBlock, { kind: 'table' }>;

const sectionHeadings = (doc: DocModel) => doc.blocks.filter((b) => b.kind === 'heading' && b.level === 2 && b.anchor?.startsWith('group-')).map((b) => (b.kind === 'heading' ? b.text : ''));
/** The first table after the heading with this text. */
function tableAfter(doc: DocModel, heading: string): Table | undefined {
  const at = doc.blocks.findIndex((b) => b.kind === 'heading' && b.text === heading);
  return at < 0 ? undefined : doc.blocks.slice(at).find((b): b is Table => b.kind === 'table');
}
const column = (t: Table | undefined, name: string) => (t ? t.rows.map((r) => r[t.header.indexOf(name)].map(spanText).join('')) : []);
/** Characters Docs receives: the text of every insertText request. */
const insertedChars = (doc: DocModel) => buildDocRequests(doc).reduce((n, r) => n + (r.insertText?.text?.length ?? 0), 0);

describe('digest document within a character budget', () => {
  it('keeps a normal day whole: every group in full, nothing said about shortening', () => {
    const m = largeDigest({ groups: 8 });

    const doc = renderDigestDocument(m);

    expect(sectionHeadings(doc)).toHaveLength(8);
    expect(renderMarkdown(doc)).not.toMatch(/Shortened|Groups in brief/);
  });

  it('keeps 300 groups with long evidence under the budget: the first groups in full, every other group one line with its root cause and id', () => {
    const m = largeDigest({ groups: 300 });

    const doc = renderDigestDocument(m);

    // before: every group in full, about 2 million characters (over Google's 1.02 million)
    expect(docChars(doc)).toBeLessThanOrEqual(DEFAULT_DOC_MAX_CHARS);
    expect(insertedChars(doc)).toBeLessThan(GOOGLE_DOCS_MAX_CHARS / 2);
    const detailed = sectionHeadings(doc);
    expect(detailed.length).toBeGreaterThanOrEqual(10);
    expect(detailed).toEqual(m.groups.slice(0, detailed.length).map((g, i) => `${i + 1}. ${g.title}`));
    const brief = tableAfter(doc, 'Groups in brief');
    expect(column(brief, 'Group id')).toEqual(m.groups.slice(detailed.length).map((g) => g.id));
    expect(column(brief, '#')[0]).toBe(String(detailed.length + 1));
    expect(column(brief, 'Root cause')[0]).toBe(m.groups[detailed.length].narrative.rootCause.statement);
    const md = renderMarkdown(doc);
    expect(md).toContain(`**Shortened to fit Google Docs: every group in full would take about ${docChars(renderDigestDocument(m, { maxChars: Infinity })).toLocaleString('en-US')} characters`);
    expect(md).toContain(`The first ${detailed.length} of 300 groups (critical first, then most clusters`);
    for (const g of m.groups) expect(md).toContain(`\`${g.id}\``);
  });

  it('counts by kind the groups that one line each would not fit, accounting for every group within the budget', () => {
    const m = largeDigest({ groups: 2_000, evidence: 1, excerptChars: 200 });

    const doc = renderDigestDocument(m, { maxChars: 60_000 });

    expect(docChars(doc)).toBeLessThanOrEqual(60_000);
    const detailed = sectionHeadings(doc).length;
    const brief = column(tableAfter(doc, 'Groups in brief'), 'Group id');
    const counted = column(tableAfter(doc, 'Groups counted by kind'), 'Groups').map(Number);
    expect(detailed).toBeGreaterThan(0);
    expect(brief.length).toBeGreaterThan(0);
    expect(brief).toEqual(m.groups.slice(detailed, detailed + brief.length).map((g) => g.id));
    expect(detailed + brief.length + counted.reduce((a, b) => a + b, 0)).toBe(2_000);
    expect(renderMarkdown(doc)).toContain('among the incident groups of run `run-big`');
  });

  it('lists at most 100 failed groups and says where the others are', () => {
    const m = largeDigest({ groups: 1, failed: 150 });

    const md = renderMarkdown(renderDigestDocument(m));

    expect(md.match(/^- `group:ig-failed-/gm)).toHaveLength(100);
    expect(md).toContain('… and 50 more; the run\'s record in the fleetops store (run `run-big`) and the job log have every one.');
  });

  it('counts characters as the Docs writer lays them out', () => {
    const doc = renderDigestDocument(largeDigest({ groups: 40 }), { maxChars: 50_000 });

    const requests = buildDocRequests(doc);

    // the body's reset ranges end past the last paragraph: 1 (start) + the content + its final newline
    expect(requests.find((r) => r.deleteParagraphBullets)?.deleteParagraphBullets?.range?.endIndex).toBe(docChars(doc) + 2);
  });
});
