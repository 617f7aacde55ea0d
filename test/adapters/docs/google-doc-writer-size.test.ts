import { describe, expect, it } from 'vitest';
import { buildDocRequests } from '../../../src/adapters/docs/google/build-doc-requests.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { renderDigestDocument } from '../../../src/reporting/digest/render-digest-doc.js';
import type { DocModel } from '../../../src/reporting/doc-model.js';
import { docChars, GOOGLE_DOCS_MAX_CHARS } from '../../../src/reporting/doc-size.js';
import type { ReadBlock } from '../../fakes/google-docs-fake.js';
import { largeDigest } from '../../reporting/digest/large-digest.js';
import { googleDocsWriterHarness } from './google-writer-harness.js';

const FOLDER = 'folder-1';
/** Small enough for the fake's index arithmetic to stay quick; the layout is the one the default budget gets. */
const BUDGET = 40_000;

const textOf = (blocks: ReadBlock[]) => blocks.map((b) => (b.type === 'paragraph' ? b.text : b.rows.flat().join('\n'))).join('\n');

describe('Google Docs writer and document size', () => {
  const docs = googleDocsWriterHarness(FOLDER);
  const writer = () => docs.writer();
  const batchUpdates = () => docs.fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(':batchUpdate'));

  it('writes the digest of a day with many groups, shortened to its budget, listing every group', async () => {
    const m = largeDigest({ groups: 60 });
    const doc = renderDigestDocument(m, { maxChars: BUDGET });

    const { id } = await writer().upsertDocument('digest:2026-11-29', doc);

    // before: all 60 groups in full, ten times the budget
    const text = textOf(docs.fake.read(id));
    expect(text.length).toBeLessThanOrEqual(BUDGET);
    expect(text).toContain('Shortened to fit Google Docs');
    for (const g of m.groups) expect(text).toContain(g.id);
    expect(batchUpdates().map((r) => r.status)).toEqual(Array(Math.ceil(buildDocRequests(doc).length / 500)).fill(200));
  });

  it('refuses a document over Google\'s limit before any call, so the earlier content stays whole', async () => {
    const w = writer();
    const earlier: DocModel = { title: 'Availability digest — 2026-11-29', blocks: [{ kind: 'paragraph', spans: ['3 incident groups'] }] };
    const huge: DocModel = { title: earlier.title, blocks: [{ kind: 'code', text: 'x'.repeat(GOOGLE_DOCS_MAX_CHARS) }] };
    const { id } = await w.upsertDocument('digest:2026-11-29', earlier);
    const before = docs.fake.requests.length;

    const err = await w.upsertDocument('digest:2026-11-29', huge).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toBe(`Google Docs document digest:2026-11-29 was not written: it is ${docChars(huge)} characters, over Google Docs' limit of about 1020000 per document; `
      + 'the earlier content is kept. Shorten what the renderer puts in it (the digest and report renderers take a maxChars budget)');
    expect(docs.fake.requests.length).toBe(before);
    expect(textOf(docs.fake.read(id))).toContain('3 incident groups');
  });
});
