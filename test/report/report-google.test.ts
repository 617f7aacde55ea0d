import { join } from 'node:path';
import { google } from 'googleapis';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboxChat } from '../../src/adapters/chat/outbox/index.js';
import { createGoogleDocWriter } from '../../src/adapters/docs/google/index.js';
import type { Store } from '../../src/adapters/store/types.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { startGoogleDocsFake, type GoogleDocsFake, type ReadBlock } from '../fakes/google-docs-fake.js';
import { memoryStore, NOW_MS, runReport, tempDir, WEEK } from './report-fixtures.js';

const FOLDER = 'oncall-folder';
const GROUP = 'sre-oncall@example.com';

describe('weekly report through googleapis against the Google Docs/Drive fake', () => {
  let fake: GoogleDocsFake;
  let store: Store;
  let sleeps: number[];
  let outbox: ReturnType<typeof createOutboxChat>;

  const writer = () => {
    const auth = new google.auth.OAuth2();
    auth.setCredentials({ access_token: 'test-token' });
    const clock = fixedClock(NOW_MS);
    return createGoogleDocWriter({ auth, rootUrl: fake.rootUrl, folderId: FOLDER, shareWithGroup: GROUP, logger: silentLogger, clock, sleep: async (ms) => void sleeps.push(ms) });
  };
  const run = () => runReport({ chat: outbox, docs: writer(), store });
  const texts = (blocks: ReadBlock[], type: 'paragraph' | 'table') => blocks.filter((b) => b.type === type);

  beforeEach(async () => {
    fake = await startGoogleDocsFake();
    fake.addSharedDriveFolder(FOLDER, 'drive-1');
    store = await memoryStore();
    sleeps = [];
    outbox = createOutboxChat({ dir: join(tempDir(), 'slack'), clock: fixedClock(NOW_MS) });
  });
  afterEach(async () => {
    expect(fake.unexpected).toEqual([]);
    await fake.close();
  });

  it('creates the document in the Shared Drive folder with headings and the top-alerts table, shared without e-mail', async () => {
    const { job, out } = await run();

    expect(job.exitCode).toBe(0);
    const [file] = fake.files();
    expect(file).toMatchObject({ parents: [FOLDER], appProperties: { fleetopsKey: `oncall-report:${WEEK}` }, name: 'On-call report: week of 26 May 2025' });
    expect(file.permissions).toEqual([expect.objectContaining({ type: 'group', role: 'reader', emailAddress: GROUP })]);
    const share = fake.requests.find((r) => r.method === 'POST' && r.path.endsWith('/permissions'));
    expect(share?.query).toMatchObject({ sendNotificationEmail: 'false', supportsAllDrives: 'true' });
    const blocks = fake.read(file.id);
    const headings = texts(blocks, 'paragraph').filter((b) => b.type === 'paragraph' && b.style.startsWith('HEADING')).map((b) => b.type === 'paragraph' && b.text);
    expect(headings).toEqual(expect.arrayContaining(['On-call report: week of 26 May 2025', 'Highlights', 'Alerts', 'Top alerts', 'Open investigations to hand off', 'Toil saved']));
    const top = texts(blocks, 'table').map((t) => t.type === 'table' && t.rows).find((rows) => rows && rows[0][0] === 'Alert' && rows[0][1] === 'Episodes');
    const noisiest = out!.report.alerts.noisiest;
    expect(top).toEqual([
      ['Alert', 'Episodes', 'Last week', 'Change', 'Clusters', 'Severity', 'Median duration'],
      ...noisiest.map((n) => [n.alertname, String(n.episodes), String(n.previousEpisodes), expect.any(String), String(n.clusters), n.severity, expect.any(String)]),
    ]);
    expect(out?.summary.doc?.url).toBe(`https://docs.google.com/document/d/${file.id}/edit`);
    expect(JSON.stringify(outbox.readAll('#fleet-oncall')[0].blocks)).toContain(file.id);
  });

  it('replaces the content of the same document on a rerun', async () => {
    const first = await run();

    const second = await run();

    expect(fake.files()).toHaveLength(1);
    expect(second.out?.summary.doc).toEqual({ ...first.out!.summary.doc, created: false });
    expect(fake.read(first.out!.summary.doc!.id)).toEqual(fake.read(second.out!.summary.doc!.id));
  });

  it.each([
    ['429 with Retry-After', { status: 429, retryAfter: '5', match: (r: { path: string }) => r.path.endsWith(':batchUpdate') }, [5000]],
    ['503 on create', { status: 503, match: (r: { method: string; path: string }) => r.method === 'POST' && r.path === '/drive/v3/files' }, [1000]],
  ])('retries %s and writes the document', async (_name, fault, expectedSleeps) => {
    fake.failNext(1, fault);

    const { job } = await run();

    expect(job.exitCode).toBe(0);
    expect(sleeps).toEqual(expectedSleeps);
    expect(fake.files()).toHaveLength(1);
  });

  it('completes a partial publish on the rerun: one document, the same Slack message edited to link it', async () => {
    fake.failNext(1, { status: 403, reason: 'insufficientFilePermissions' });
    const first = await run();

    const second = await run();

    expect([first.job.exitCode, second.job.exitCode]).toEqual([1, 0]);
    expect(fake.files()).toHaveLength(1);
    expect(second.out?.summary).toMatchObject({ doc: { created: true }, slack: { ts: first.out!.summary.slack!.ts, created: false }, chart: { uploaded: false } });
    const messages = outbox.readAll('#fleet-oncall');
    expect(messages.filter((m) => !m.threadTs)).toHaveLength(1);
    expect(JSON.stringify(messages[0].blocks)).toContain(second.out!.summary.doc!.url);
  });

  it('records a permission 403 as a failed part; the Slack message still goes out without a link', async () => {
    fake.failNext(1, { status: 403, reason: 'insufficientFilePermissions' });

    const { job, out } = await run();

    expect(job.exitCode).toBe(1);
    expect(job.failures).toEqual([{ part: 'sink:docs', message: expect.stringMatching(/403/) }]);
    expect(out?.summary.slack?.created).toBe(true);
    expect(JSON.stringify(outbox.readAll('#fleet-oncall')[0].blocks)).toContain('The document could not be written this run.');
  });
});
