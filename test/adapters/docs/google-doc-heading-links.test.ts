import { describe, expect, it } from 'vitest';
import { headingIdsOf } from '../../../src/adapters/docs/google/heading-links.js';
import { digestDocLinks } from '../../../src/reporting/digest/digest-doc-links.js';
import { layoutDigestDocument } from '../../../src/reporting/digest/render-digest-doc.js';
import type { DocModel } from '../../../src/reporting/doc-model.js';
import { largeDigest } from '../../reporting/digest/large-digest.js';
import { googleDocsWriterHarness } from './google-writer-harness.js';

const FOLDER = 'folder-1';
const KEY = 'digest:2026-11-29';

const doc: DocModel = {
  title: 'Availability digest — 2026-11-29',
  blocks: [
    { kind: 'heading', level: 2, text: 'Summary', anchor: 'summary' },
    { kind: 'paragraph', spans: ['3 incident groups'] },
    { kind: 'heading', level: 3, text: 'Facts' },
    { kind: 'table', header: ['Group'], rows: [[['g-1']]] },
    { kind: 'heading', level: 2, text: '1. coredns down', anchor: 'group-g-1' },
  ],
};

describe('Google Docs writer: links to anchored headings', () => {
  const docs = googleDocsWriterHarness(FOLDER, { maxRetries: 1 });
  const writer = () => docs.writer();
  const gets = () => docs.fake.requests.filter((r) => r.method === 'GET' && r.path.startsWith('/v1/documents/'));
  /** The heading id Docs gave the heading paragraph with this text. */
  const headingId = (id: string, text: string) => docs.fake.documentJson(id).body.content.find((e) => e.paragraph?.elements.some((r) => (r as { textRun?: { content: string } }).textRun?.content === `${text}\n`))?.paragraph?.paragraphStyle.headingId;

  it('returns a #heading= link for each anchored heading, read back in one documents.get', async () => {
    const res = await writer().upsertDocument(KEY, doc);

    // before: no links; Slack linked `/edit#group-g-1`, which Docs ignores (the document opens at the top)
    const url = `https://docs.google.com/document/d/${res.id}/edit`;
    expect(res.anchors).toEqual({ 'summary': `${url}#heading=${headingId(res.id, 'Summary')}`, 'group-g-1': `${url}#heading=${headingId(res.id, '1. coredns down')}` });
    expect(headingId(res.id, 'Summary')).toMatch(/^h\./);
    expect(gets()).toHaveLength(2);
    expect(gets()[1].query.fields).toBe('body(content(paragraph(paragraphStyle(headingId))))');
  });

  it('reads nothing more for a document without anchors', async () => {
    const res = await writer().upsertDocument(KEY, { title: 'T', blocks: [{ kind: 'heading', level: 2, text: 'Alerts' }] });

    expect(res.anchors).toBeUndefined();
    expect(gets()).toHaveLength(1);
  });

  it('keeps the written document when its headings cannot be read: no links, so Slack links the document', async () => {
    docs.fake.failNext(2, { status: 500, match: (r) => r.method === 'GET' && r.path.startsWith('/v1/documents/') && gets().length > 1 });

    const res = await writer().upsertDocument(KEY, doc);

    expect(res).toEqual({ id: res.id, url: `https://docs.google.com/document/d/${res.id}/edit`, created: true });
    expect(docs.fake.read(res.id)[0]).toMatchObject({ text: doc.title });
  });

  it('links a group of a shortened digest to the heading it is under: its section, or "Groups in brief"', async () => {
    const m = largeDigest({ groups: 60 });
    const { doc: digest, layout } = layoutDigestDocument(m, { maxChars: 40_000 });

    const res = await writer().upsertDocument(KEY, digest);
    const links = digestDocLinks(res.url, layout, res.anchors);

    expect(layout.brief).toBeGreaterThan(0);
    expect(links.group(m.groups[0].id)).toBe(`${res.url}#heading=${headingId(res.id, `1. ${m.groups[0].title}`)}`);
    expect(links.group(m.groups[59].id)).toBe(`${res.url}#heading=${headingId(res.id, 'Groups in brief')}`);
    expect(headingId(res.id, 'Groups in brief')).toBeDefined();
  });
});

describe('heading ids in a documents.get answer', () => {
  it('counts only paragraphs with a non-empty headingId: absent, null (the API schema allows it) and "" are not headings', () => {
    const para = (paragraphStyle?: Record<string, unknown> | null) => ({ paragraph: { elements: [], ...(paragraphStyle === undefined ? {} : { paragraphStyle }) } });
    const data = { body: { content: [
      { sectionBreak: {} }, para({ namedStyleType: 'TITLE', headingId: 'h.t' }), para({ namedStyleType: 'NORMAL_TEXT', headingId: null }), para({ headingId: '' }),
      para(), para(null), { table: {} }, para({ namedStyleType: 'HEADING_2', headingId: 'h.2' }),
    ] } };

    expect(headingIdsOf(data)).toEqual(['h.t', 'h.2']);
  });
});
