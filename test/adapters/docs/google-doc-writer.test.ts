import { google } from 'googleapis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createGoogleDocWriter, type GoogleDocWriterOptions } from '../../../src/adapters/docs/google/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { DocModel } from '../../../src/reporting/doc-model.js';
import { startGoogleDocsFake, type GoogleDocsFake, type ReadBlock } from '../../fakes/google-docs-fake.js';

const FOLDER = 'folder-1';
const GROUP = 'sre-oncall@example.com';
const KEY = 'availability-digest/2024-05-01';

const digest: DocModel = {
  title: 'Availability digest 2024-05-01',
  blocks: [
    { kind: 'heading', level: 2, text: 'Top alerts' },
    { kind: 'table', header: ['Alert', 'Clusters', 'Severity'], rows: [
      [['CoreDNSDown'], ['12'], [{ text: 'critical', bold: true }]],
      [['IngressErrors'], ['3'], ['warning']],
    ] },
    { kind: 'paragraph', spans: ['Runbook: ', { text: 'coredns', href: 'https://runbooks.example.com/coredns' }, ', run ', { text: 'kubectl top', code: true }] },
    { kind: 'bullets', items: [['eu-west-1: 7 clusters'], ['us-east-2: 5 clusters']] },
  ],
};

const para = (text: string, style = 'NORMAL_TEXT', bullet = false) => expect.objectContaining({ type: 'paragraph', text, style, bullet });

describe('createGoogleDocWriter', () => {
  let fake: GoogleDocsFake;
  let clock: ReturnType<typeof fixedClock>;
  let sleeps: number[];

  function writer(overrides: Partial<GoogleDocWriterOptions> = {}) {
    const auth = new google.auth.OAuth2();
    auth.setCredentials({ access_token: 'test-token' });
    const sleep = async (ms: number) => { sleeps.push(ms); clock.advance(ms); };
    return createGoogleDocWriter({ auth, rootUrl: fake.rootUrl, folderId: FOLDER, shareWithGroup: GROUP, logger: silentLogger, clock, sleep, ...overrides });
  }
  const calls = (method: string, pattern: RegExp) => fake.requests.filter((r) => r.method === method && pattern.test(r.path));
  const batchUpdates = () => calls('POST', /:batchUpdate$/);

  beforeEach(async () => {
    fake = await startGoogleDocsFake();
    fake.addSharedDriveFolder(FOLDER, 'drive-1');
    clock = fixedClock(Date.UTC(2024, 4, 1));
    sleeps = [];
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('creates the document in the Shared Drive folder, keyed by appProperties', async () => {
    const result = await writer().upsertDocument(KEY, digest);

    expect(result).toEqual({ id: expect.any(String), url: `https://docs.google.com/document/d/${result.id}/edit`, created: true });
    expect(calls('GET', /^\/drive\/v3\/files$/)[0].query).toMatchObject({
      q: `appProperties has { key='fleetopsKey' and value='${KEY}' } and trashed = false`,
      supportsAllDrives: 'true', includeItemsFromAllDrives: 'true', corpora: 'allDrives',
    });
    const [create] = calls('POST', /^\/drive\/v3\/files$/);
    expect(create.query.supportsAllDrives).toBe('true');
    expect(create.body).toEqual({ name: digest.title, mimeType: 'application/vnd.google-apps.document', parents: [FOLDER], appProperties: { fleetopsKey: KEY } });
  });

  it('writes headings, the top-alerts table, links, code and bullets in one batchUpdate', async () => {
    const { id } = await writer().upsertDocument(KEY, digest);

    expect(batchUpdates()).toHaveLength(1);
    const blocks = fake.read(id);
    expect(blocks).toEqual([
      para(digest.title, 'HEADING_1'), para('Top alerts', 'HEADING_2'), para(''),
      { type: 'table', rows: [['Alert', 'Clusters', 'Severity'], ['CoreDNSDown', '12', 'critical'], ['IngressErrors', '3', 'warning']] },
      para('Runbook: coredns, run kubectl top'),
      para('eu-west-1: 7 clusters', 'NORMAL_TEXT', true), para('us-east-2: 5 clusters', 'NORMAL_TEXT', true), para(''),
    ]);
    const runs = (blocks[4] as Extract<ReadBlock, { type: 'paragraph' }>).runs;
    expect(runs).toContainEqual({ text: 'coredns', style: { link: { url: 'https://runbooks.example.com/coredns' } } });
    expect(runs).toContainEqual({ text: 'kubectl top', style: { weightedFontFamily: { fontFamily: 'Roboto Mono' } } });
  });

  it('shares with the group as reader without e-mail, once across reruns', async () => {
    const w = writer();

    const { id } = await w.upsertDocument(KEY, digest);
    await w.upsertDocument(KEY, digest);

    const creates = calls('POST', /\/permissions$/);
    expect(creates).toHaveLength(1);
    expect(creates[0].query).toMatchObject({ sendNotificationEmail: 'false', supportsAllDrives: 'true' });
    expect(creates[0].body).toEqual({ type: 'group', role: 'reader', emailAddress: GROUP });
    expect(fake.files().find((f) => f.id === id)?.permissions).toHaveLength(1);
  });

  it('replaces the content of the same document on a rerun, leaving nothing of the old one', async () => {
    const w = writer();
    const second: DocModel = { title: 'Availability digest 2024-05-01 (rerun)', blocks: [
      { kind: 'paragraph', spans: [{ text: 'No dips', bold: true }, ' today'] },
      { kind: 'table', header: ['Alert'], rows: [[['none']]] },
    ] };
    const first = await w.upsertDocument(KEY, digest);

    const rerun = await w.upsertDocument(KEY, second);
    const fresh = await w.upsertDocument('fresh-key', second);

    expect(rerun).toEqual({ ...first, created: false });
    expect(fake.files().filter((f) => f.appProperties.fleetopsKey === KEY).map((f) => f.name)).toEqual([second.title]);
    expect(fake.read(rerun.id)).toEqual(fake.read(fresh.id));
    expect(fake.read(rerun.id).filter((b) => b.type === 'paragraph' && b.bullet)).toEqual([]);
  });

  it('clears formatting a human added before the rerun', async () => {
    const w = writer();
    const { id } = await w.upsertDocument(KEY, digest);
    const end = fake.documentJson(id).body.content.at(-1)?.endIndex ?? NaN;
    fake.apply(id, [{ updateParagraphStyle: { range: { startIndex: end - 1, endIndex: end }, paragraphStyle: { namedStyleType: 'HEADING_3' }, fields: 'namedStyleType' } },
      { createParagraphBullets: { range: { startIndex: end - 1, endIndex: end }, bulletPreset: 'BULLET_DISC_CIRCLE_SQUARE' } }]);

    await w.upsertDocument(KEY, { title: 'T', blocks: [{ kind: 'paragraph', spans: ['plain'] }] });

    expect(fake.read(id)).toEqual([para('T', 'HEADING_1'), para('plain'), para('')]);
    expect(fake.read(id).flatMap((b) => (b.type === 'paragraph' ? b.runs.map((r) => r.style) : []))).toEqual([{}, {}]);
  });

  it('splits into several batchUpdates only above the size limit, with the same content', async () => {
    const { id: whole } = await writer().upsertDocument('whole', digest);

    const { id: split } = await writer({ maxRequestsPerBatch: 5 }).upsertDocument('split', digest);

    expect(batchUpdates().filter((r) => r.path.includes(split)).length).toBeGreaterThan(3);
    expect(fake.read(split)).toEqual(fake.read(whole));
  });
});

describe('createGoogleDocWriter errors and pacing', () => {
  let fake: GoogleDocsFake;
  let clock: ReturnType<typeof fixedClock>;
  let sleeps: number[];

  function writer(overrides: Partial<GoogleDocWriterOptions> = {}) {
    const auth = new google.auth.OAuth2();
    auth.setCredentials({ access_token: 'test-token' });
    const sleep = async (ms: number) => { sleeps.push(ms); clock.advance(ms); };
    return createGoogleDocWriter({ auth, rootUrl: fake.rootUrl, folderId: FOLDER, logger: silentLogger, clock, sleep, ...overrides });
  }
  const isBatch = (r: { path: string }) => r.path.endsWith(':batchUpdate');
  const isList = (r: { method: string; path: string }) => r.method === 'GET' && r.path === '/drive/v3/files';
  const isGet = (r: { method: string; path: string }) => r.method === 'GET' && r.path.startsWith('/v1/documents/');

  beforeEach(async () => {
    fake = await startGoogleDocsFake();
    fake.addSharedDriveFolder(FOLDER, 'drive-1');
    clock = fixedClock(Date.UTC(2024, 4, 1));
    sleeps = [];
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it.each([
    ['429 with Retry-After', { status: 429, retryAfter: '7', match: isBatch }, 1, [7_000]],
    ['403 rateLimitExceeded', { status: 403, reason: 'rateLimitExceeded', match: isList }, 2, [1_000, 2_000]],
    ['403 userRateLimitExceeded', { status: 403, reason: 'userRateLimitExceeded', match: isBatch }, 1, [1_000]],
    ['500', { status: 500, match: isGet }, 1, [1_000]],
    ['503 three times', { status: 503, match: isBatch }, 3, [1_000, 2_000, 4_000]],
  ])('retries %s with backoff and then succeeds', async (_name, fault, count, expectedSleeps) => {
    fake.failNext(count, fault);

    const { id } = await writer().upsertDocument(KEY, digest);

    expect(sleeps).toEqual(expectedSleeps);
    expect(fake.read(id)[0]).toMatchObject({ text: digest.title });
  });

  it('restarts the whole content write when a later batch fails, so no half-written body remains', async () => {
    fake.failNext(1, { status: 500, match: (r) => isBatch(r) && fake.requests.filter(isBatch).length > 2 });

    const { id: split } = await writer({ maxRequestsPerBatch: 5 }).upsertDocument('split', digest);
    const { id: whole } = await writer().upsertDocument('whole', digest);

    expect(fake.requests.filter((r) => isBatch(r) && r.status === 500)).toHaveLength(1);
    expect(fake.read(split)).toEqual(fake.read(whole));
  });

  it('does not create a second file when a create succeeded but its answer was lost', async () => {
    fake.failNext(1, { status: 503, afterApply: true, match: (r) => r.method === 'POST' && r.path === '/drive/v3/files' });

    const result = await writer().upsertDocument(KEY, digest);

    expect(result.created).toBe(true);
    expect(fake.files().map((f) => f.id)).toEqual([result.id]);
    expect(fake.read(result.id)[0]).toMatchObject({ text: digest.title });
  });

  it('fails a permission 403 at once, naming the operation, the document and what to do', async () => {
    fake.failNext(1, { status: 403, reason: 'insufficientFilePermissions', match: isList });

    const err = await writer().upsertDocument(KEY, digest).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toMatch(/drive\.files\.list.*availability-digest\/2024-05-01.*403.*share the folder folder-1 with the service account/);
    expect((err as ExternalServiceError).details).toMatchObject({ service: 'google-drive', status: 403, retryable: false });
    expect(sleeps).toEqual([]);
  });

  it('gives up after maxRetries 5xx with a retryable error', async () => {
    fake.failNext(10, { status: 502, match: isGet });

    const err = await writer({ maxRetries: 2 }).upsertDocument(KEY, digest).catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/docs\.documents\.get.*502.*still failing after 3 attempts/);
    expect((err as ExternalServiceError).details.retryable).toBe(true);
    expect(fake.requests.filter(isGet)).toHaveLength(3);
  });

  it.each([
    ['in seconds', '3600'],
    ['as an HTTP date', new Date(Date.UTC(2024, 4, 1, 1)).toUTCString()],
  ])('does not wait out a Retry-After longer than a run waits (%s): fails at once, retryable, naming the wait', async (_name, retryAfter) => {
    fake.failNext(1, { status: 429, retryAfter, match: isBatch });

    const err = await writer().upsertDocument(KEY, digest).catch((e: unknown) => e);

    expect(sleeps).toEqual([]);
    expect((err as Error).message).toMatch(/docs\.documents\.batchUpdate.*429.*asked to wait 3600 s before a retry, longer than a run waits \(60 s\): not retried/);
    expect((err as ExternalServiceError).details).toMatchObject({ status: 429, retryable: true });
  });

  it('says the folder is missing when Drive answers 404 on create', async () => {
    const err = await writer({ folderId: 'no-such-folder' }).upsertDocument(KEY, digest).catch((e: unknown) => e);

    expect((err as Error).message).toMatch(/drive\.files\.create.*404.*folder no-such-folder not found.*member of its Shared Drive/);
  });

  it('does not retry a 400 from Docs', async () => {
    fake.failNext(1, { status: 400, reason: 'badRequest', message: 'Invalid requests[0].insertText: bad', match: isBatch });

    const err = await writer().upsertDocument(KEY, digest).catch((e: unknown) => e);

    expect((err as Error).message).toContain('Invalid requests[0].insertText: bad');
    expect(sleeps).toEqual([]);
  });

  it('paces batchUpdates under writesPerMinute with the injected clock and sleep', async () => {
    const w = writer({ writesPerMinute: 2 });

    for (const key of ['a', 'b']) await w.upsertDocument(key, digest);
    expect(sleeps).toEqual([]);
    await w.upsertDocument('c', digest);

    expect(sleeps).toEqual([30_000]);
    expect(fake.requests.filter(isBatch)).toHaveLength(3);
  });

  it('has refilled the budget after a minute', async () => {
    const w = writer({ writesPerMinute: 2 });
    for (const key of ['a', 'b']) await w.upsertDocument(key, digest);

    clock.advance(60_000);
    await w.upsertDocument('c', digest);

    expect(sleeps).toEqual([]);
  });

  it('stops when the job signal is aborted', async () => {
    const err = await writer({ signal: AbortSignal.abort() }).upsertDocument(KEY, digest).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toMatch(/drive\.files\.list.*cancelled or hit its deadline/);
    expect(fake.requests).toEqual([]);
  });
});
