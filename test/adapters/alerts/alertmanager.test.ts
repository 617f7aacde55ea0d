import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAlertmanagerFiring } from '../../../src/adapters/alerts/alertmanager/index.js';
import { systemClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { ALERTMANAGER_UNAVAILABLE, alertmanagerAvailable, startAlertmanager } from './alertmanager-process.js';

const available = alertmanagerAvailable();
if (!available) console.warn(`skipping the real Alertmanager test: ${ALERTMANAGER_UNAVAILABLE}`);

describe.skipIf(!available)('createAlertmanagerFiring against a real Alertmanager', () => {
  let am: Awaited<ReturnType<typeof startAlertmanager>>;
  const now = Date.now();
  const iso = (ms: number) => new Date(ms).toISOString();

  beforeAll(async () => {
    am = await startAlertmanager();
    const post = (path: string, body: unknown) => fetch(`${am.url}/api/v2/${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
    const res = await post('alerts', [
      { labels: { alertname: 'CoreDNSDown', cluster: 'c-eu-west-1-0001', severity: 'critical' }, annotations: { summary: 'CoreDNS is down' }, startsAt: iso(now - 3_600_000), endsAt: iso(now + 3_600_000) },
      { labels: { alertname: 'KubeJobFailed', cluster: 'c-us-east-1-0002', severity: 'warning' }, startsAt: iso(now - 600_000), endsAt: iso(now + 3_600_000) },
      { labels: { alertname: 'Resolved', cluster: 'c3' }, startsAt: iso(now - 7_200_000), endsAt: iso(now - 3_600_000) },
    ]);
    expect(res.status).toBe(200);
    const silence = await post('silences', { matchers: [{ name: 'alertname', value: 'KubeJobFailed', isRegex: false, isEqual: true }], startsAt: iso(now - 60_000), endsAt: iso(now + 3_600_000), createdBy: 'test', comment: 'known' });
    expect(silence.status).toBe(200);
  });
  afterAll(async () => {
    await am?.stop();
  });

  it('lists the active alerts oldest first, flags the silenced one and leaves out the resolved one', async () => {
    const source = createAlertmanagerFiring({ baseUrl: am.url, logger: silentLogger, clock: systemClock });
    let firing = await source.listFiring();
    for (let i = 0; i < 50 && !firing.some((f) => f.silenced); i++) {
      await new Promise((r) => setTimeout(r, 100)); // silences apply asynchronously
      firing = await source.listFiring();
    }

    expect(firing).toEqual([
      { alertname: 'CoreDNSDown', cluster: 'c-eu-west-1-0001', severity: 'critical', sinceMs: now - 3_600_000, silenced: false, summary: 'CoreDNS is down' },
      { alertname: 'KubeJobFailed', cluster: 'c-us-east-1-0002', severity: 'warning', sinceMs: now - 600_000, silenced: true },
    ]);
  });
});

describe('createAlertmanagerFiring errors (local HTTP fake)', () => {
  let server: Server;
  let base = '';
  const answers: { status: number; body: string; headers?: Record<string, string> }[] = [];
  const paths: string[] = [];

  beforeAll(async () => {
    server = createServer((req, res) => {
      paths.push(req.url ?? '');
      const a = answers.shift() ?? { status: 200, body: '[]' };
      res.writeHead(a.status, { 'content-type': 'application/json', ...a.headers }).end(a.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('retries 503 and 429 with Retry-After, then reads the answer', async () => {
    const sleeps: number[] = [];
    answers.push({ status: 503, body: 'down' }, { status: 429, body: 'slow', headers: { 'retry-after': '4' } });
    const source = createAlertmanagerFiring({ baseUrl: base, logger: silentLogger, clock: systemClock, retryBaseDelayMs: 10, sleep: async (ms) => void sleeps.push(ms) });

    await expect(source.listFiring()).resolves.toEqual([]);
    expect(sleeps[1]).toBe(4000);
    expect(paths.at(-1)).toBe('/api/v2/alerts?active=true');
  });

  it.each([
    // before: `not a list of alerts (: Invalid input: expected array, received object)`
    ['not a list', '{"alerts":[]}', /^Alertmanager answer is not a list of alerts \(\(root\): expected a list, found a mapping\); check report\.alertmanagerUrl$/],
    ['not JSON', '<html>login</html>', /is not JSON; check report.alertmanagerUrl/],
  ])('names the problem when the answer is %s', async (_name, body, message) => {
    answers.push({ status: 200, body });
    const source = createAlertmanagerFiring({ baseUrl: base, logger: silentLogger, clock: systemClock });

    const err = await source.listFiring().catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toMatch(message);
  });
});
