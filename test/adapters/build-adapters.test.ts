import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { buildAdapters } from '../../src/adapters/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { loadConfig } from '../../src/core/config/load-config.js';
import { silentLogger } from '../../src/core/logger.js';
import { startPrometheusFake } from '../fakes/prometheus-fake.js';
import { rawReads, routeAlerts } from './alerts/alerts-schedule-fake.js';

const dirs: string[] = [];
afterEach(() => dirs.splice(0).forEach((d) => rmSync(d, { recursive: true, force: true })));

function tmp(): string {
  const dir = mkdtempSync(join(tmpdir(), 'fleetops-adapters-'));
  dirs.push(dir);
  return dir;
}

/** A real inventory or metrics source needs its evidence sources set (simulated ones are refused at load). */
const NO_EVIDENCE = { FLEETOPS__LOGS__KIND: 'none', FLEETOPS__EVENTS__KIND: 'none', FLEETOPS__CHANGES__KIND: 'none' };

function adapters(env: Record<string, string>) {
  const outDir = tmp();
  return buildAdapters({ config: loadConfig({ env }), outDir, env: {}, clock: fixedClock(0), logger: silentLogger });
}

describe('buildAdapters: Google Docs', () => {
  it('builds the Google Docs writer (googleapis loaded on first use) when docs.kind is google', () => {
    const docs = adapters({ FLEETOPS__DOCS__KIND: 'google', FLEETOPS__DOCS__GOOGLE__SHAREDDRIVEFOLDERID: 'folder-1' }).docs();
    expect(typeof docs.upsertDocument).toBe('function');
  });

  it('names the missing Shared Drive folder setting', () => {
    expect(() => adapters({ FLEETOPS__DOCS__KIND: 'google' }).docs()).toThrow(/docs\.google\.sharedDriveFolderId/);
  });
});

describe('buildAdapters: evidence sources not configured (kind none)', () => {
  it('builds sources that say they are not configured and answer nothing, instead of the simulated fleet\'s', async () => {
    const built = adapters({ FLEETOPS__LOGS__KIND: 'none', FLEETOPS__EVENTS__KIND: 'none', FLEETOPS__CHANGES__KIND: 'none' });
    const q = { clusters: ['c-us-east-1-0001'], startMs: 0, endMs: Date.UTC(2026, 10, 30) };

    const answers = await Promise.all([built.logs().search({ ...q, limit: 10 }), built.events().listEvents({ ...q, limit: 10 }), built.changes().listChanges(q)]);

    expect([built.logs().configured, built.events().configured, built.changes().configured]).toEqual([false, false, false]);
    expect(answers).toEqual([[], [], []]);
  });
});

describe('buildAdapters: the Prometheus alert history', () => {
  const H = 3_600_000;
  const T = Date.UTC(2026, 10, 30);
  const schedule = [
    { labels: { alertname: 'Watchdog', cluster: 'c-1' }, firing: [[T - 48 * H, T + H]] as [number, number][] },
    { labels: { alertname: 'KubePodCrashLooping', cluster: 'c-1' }, firing: [[T - 2 * H, T - H]] as [number, number][] },
  ];

  it.each([
    ['by default leaves out the always-firing Watchdog and InfoInhibitor', {}, 'alertname!~"Watchdog|InfoInhibitor"'],
    ['applies report.alertMatchers', { FLEETOPS__REPORT__ALERTMATCHERS: 'env="prod"' }, 'env="prod"'],
  ])('%s in every read', async (_name, extra, matcher) => {
    const fake = await startPrometheusFake();
    try {
      routeAlerts(fake, schedule);
      const built = adapters({ ...NO_EVIDENCE, FLEETOPS__METRICS__KIND: 'prometheus', FLEETOPS__METRICS__PROMETHEUS__URL: fake.url, ...extra });

      await built.alerts().listEpisodes({ startMs: T - 24 * H, endMs: T });

      // before: the config's matchers never reached the adapter, which read every ALERTS series
      const reads = rawReads(fake).map((r) => r.params.get('query') ?? '');
      expect(reads.length).toBeGreaterThan(0);
      for (const q of reads) expect(q).toContain(matcher);
    } finally {
      await fake.close();
    }
  });

  it('refuses report.alertMatchers that are not label matchers, naming the field', () => {
    expect(() => loadConfig({ env: { FLEETOPS__REPORT__ALERTMATCHERS: '{env="prod"}' } })).toThrow(/report\.alertMatchers: expected PromQL label matchers/);
  });
});

describe('buildAdapters: the Kubernetes executor', () => {
  const request = { operationId: 'op-1', operation: 'rollout-restart', target: { cluster: 'not-registered', namespace: 'dns', kind: 'Deployment', name: 'coredns' }, params: {} };

  it('validates the cluster registry when the executor is built, naming the file and field', () => {
    const file = join(tmp(), 'clusters.yaml');
    writeFileSync(file, 'clusters: [{ name: x, server: "http://10.0.0.1", credentials: { kind: exec, command: kubelogin } }]\n');
    expect(() => adapters({ FLEETOPS__CLUSTEROPS__KIND: 'kubernetes', FLEETOPS__CLUSTEROPS__REGISTRYFILE: file }).clusterOps()).toThrow(new RegExp(`${file}:1: clusters\\.0\\.server`));
  });

  it('loads the Kubernetes client on first use and refuses a cluster the registry does not list', async () => {
    const file = join(tmp(), 'clusters.yaml');
    writeFileSync(file, 'clusters: [{ name: eu-1, server: "https://10.0.0.1", credentials: { kind: exec, command: kubelogin } }]\n');
    const ops = adapters({ FLEETOPS__CLUSTEROPS__KIND: 'kubernetes', FLEETOPS__CLUSTEROPS__REGISTRYFILE: file }).clusterOps();
    expect(ops.kind).toBe('kubernetes');
    await expect(ops.plan(request as never)).rejects.toThrow('cluster not-registered is not in the cluster registry');
  });
});

describe('buildAdapters: the job deadline', () => {
  it('aborts a Slack call that gets no answer when the job deadline passes, instead of waiting out the SDK timeout and retries', async () => {
    const { createServer } = await import('node:http');
    const closed: string[] = [];
    // answers nothing: a Slack that stopped responding
    const server = createServer((req) => { req.socket.on('close', () => closed.push(req.url ?? '')); });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const port = (server.address() as { port: number }).port;
    try {
      const deadline = new AbortController();
      const built = buildAdapters({
        config: loadConfig({ env: { FLEETOPS__CHAT__KIND: 'slack', FLEETOPS__CHAT__SLACK__APIURL: `http://127.0.0.1:${port}/api/` } }),
        outDir: tmp(), env: { SLACK_BOT_TOKEN: 'xoxb-test' }, clock: fixedClock(0), logger: silentLogger, signal: deadline.signal,
      });
      const started = Date.now();
      const call = built.chat().listReplies('C0PROPOSALS', '1800000000.000100');
      setTimeout(() => deadline.abort(new Error('deadline of 1s exceeded')), 200);

      await expect(call).rejects.toThrow();
      expect(Date.now() - started).toBeLessThan(3_000);
      await new Promise((r) => setTimeout(r, 50));
      expect(closed).toEqual(['/api/conversations.replies']);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

describe('buildAdapters: the Prometheus inventory', () => {
  it('keeps a stopped cluster expected for inventory.expectedWithinHours (the look-back of its last sample)', async () => {
    const { startPrometheusFake } = await import('../fakes/prometheus-fake.js');
    const prom = await startPrometheusFake();
    try {
      prom.route('/api/v1/query', () => ({ body: { status: 'success', data: { resultType: 'vector', result: [] } } }));
      const built = buildAdapters({
        config: loadConfig({ env: { FLEETOPS__INVENTORY__KIND: 'prometheus', FLEETOPS__INVENTORY__EXPECTEDWITHINHOURS: '12', FLEETOPS__METRICS__KIND: 'prometheus', FLEETOPS__METRICS__PROMETHEUS__URL: prom.url, ...NO_EVIDENCE } }),
        outDir: tmp(), env: {}, clock: fixedClock(Date.UTC(2026, 10, 30)), logger: silentLogger,
      });

      await built.inventory().listClusters().catch(() => undefined);

      const queries = prom.requests.map((r) => r.params.get('query') ?? '');
      expect(queries.some((q) => q.includes('last_over_time(') && q.includes('[12h]'))).toBe(true);
      expect(queries.some((q) => q.includes('[6h]'))).toBe(false);
    } finally {
      await prom.close();
    }
  });

  it.each(['0', '1.5', '400'])('refuses inventory.expectedWithinHours %s, naming the field', (value) => {
    expect(() => loadConfig({ env: { FLEETOPS__INVENTORY__EXPECTEDWITHINHOURS: value } })).toThrow(/inventory\.expectedWithinHours/);
  });
});
