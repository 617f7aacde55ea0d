import { google } from 'googleapis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { buildDocRequests } from '../../../src/adapters/docs/google/build-doc-requests.js';
import { createGoogleDocWriter } from '../../../src/adapters/docs/google/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { renderDigestDocument } from '../../../src/reporting/digest/render-digest-doc.js';
import type { DocModel } from '../../../src/reporting/doc-model.js';
import { docChars, GOOGLE_DOCS_MAX_CHARS } from '../../../src/reporting/doc-size.js';
import { startGoogleDocsFake, type GoogleDocsFake, type ReadBlock } from '../../fakes/google-docs-fake.js';
import { largeDigest } from '../../reporting/digest/large-digest.js';

const FOLDER = 'folder-1';
/** Small enough for the fake's index arithmetic to stay quick; the layout is the one the default budget gets. */
const BUDGET = 40_000;

const textOf = (blocks: ReadBlock[]) => blocks.map((b) => (b.type === 'paragraph' ? b.text : b.rows.flat().join('\n'))).join('\n');

describe('Google Docs writer and document size', () => {
  let fake: GoogleDocsFake;

  beforeEach(async () => {
    fake = await startGoogleDocsFake();
    fake.addSharedDriveFolder(FOLDER, 'drive-1');
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  function writer() {
    const auth = new google.auth.OAuth2();
    auth.setCredentials({ access_token: 'test-token' });
    const clock = fixedClock(Date.UTC(2026, 10, 30));
    return createGoogleDocWriter({ auth, rootUrl: fake.rootUrl, folderId: FOLDER, logger: silentLogger, clock, sleep: async (ms) => clock.advance(ms) });
  }
  const batchUpdates = () => fake.requests.filter((r) => r.method === 'POST' && r.path.endsWith(':batchUpdate'));

  it('writes the digest of a day with many groups, shortened to its budget, listing every group', async () => {
    const m = largeDigest({ groups: 60 });
    const doc = renderDigestDocument(m, { maxChars: BUDGET });

    const { id } = await writer().upsertDocument('digest:2026-11-29', doc);

    // before: all 60 groups in full, ten times the budget
    const text = textOf(fake.read(id));
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
    const before = fake.requests.length;

    const err = await w.upsertDocument('digest:2026-11-29', huge).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toBe(`Google Docs document digest:2026-11-29 was not written: it is ${docChars(huge)} characters, over Google Docs' limit of about 1020000 per document; `
      + 'the earlier content is kept. Shorten what the renderer puts in it (the digest and report renderers take a maxChars budget)');
    expect(fake.requests.length).toBe(before);
    expect(textOf(fake.read(id))).toContain('3 incident groups');
  });
});
