import { createHash } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { createOpenSearchEvents } from '../../../src/adapters/events/opensearch/index.js';
import { createOpenSearchLogs, type OpenSearchAuth } from '../../../src/adapters/logs/opensearch/index.js';
import type { AwsCredentials } from '../../../src/adapters/metrics/prometheus/connection.js';
import { buildOpenSearchEvents, buildOpenSearchLogs, OpenSearchConfig } from '../../../src/adapters/read-backends-config.js';
import { fixedClock } from '../../../src/core/clock.js';
import { loadConfig } from '../../../src/core/config/load-config.js';
import { ConfigError, exitCodeFor, ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { errorBody, startOpenSearchFake, type OpenSearchFake } from '../../fakes/opensearch-fake.js';
import { startSigV4Gate, verifySigV4, type ReceivedRequest, type SigV4Gate } from '../../fakes/sigv4-gate.js';
import { useFake } from '../../support/use-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const MIN = 60_000;
const KEYS: AwsCredentials = { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' };
const query = { clusters: ['c1'], startMs: T0, endMs: T0 + 60 * MIN, limit: 50 };

let fake: OpenSearchFake;
let sleeps: number[];
useFake(startOpenSearchFake, (f, s) => { fake = f; sleeps = s; });
const gates: SigV4Gate[] = [];
afterEach(async () => {
  vi.unstubAllEnvs();
  await Promise.all(gates.splice(0).map((g) => g.close()));
});

async function gate(region: string, service: string, credentials: AwsCredentials = KEYS): Promise<SigV4Gate> {
  const g = await startSigV4Gate(fake.url, { region, service, credentials });
  gates.push(g);
  return g;
}

function logs(node: string, auth: OpenSearchAuth, indexPattern = 'logs-k8s-*') {
  return createOpenSearchLogs({ node, auth, indexPattern, logger: silentLogger, clock: fixedClock(T0), retries: 2, sleep: async (ms) => { sleeps.push(ms); } });
}

const sigv4 = (region: string, service: 'es' | 'aoss', credentials: () => Promise<AwsCredentials> = async () => KEYS): OpenSearchAuth => ({ sigv4: { region, service, credentials } });

function logDoc(atMs: number, log: string) {
  return { index: 'logs-k8s-2025.06.04', source: { '@timestamp': new Date(atMs).toISOString(), cluster: 'c1', log, kubernetes: { namespace_name: 'kube-system', pod_name: 'coredns-1', container_name: 'coredns' } } };
}

describe('OpenSearch SigV4', () => {
  it('signs a search so that the signature recomputed from the received request matches (Amazon OpenSearch Service)', async () => {
    fake.add(logDoc(T0 + MIN, '[ERROR] résolution échouée: i/o timeout'), { index: 'audit-2025', source: { '@timestamp': new Date(T0 + 2 * MIN).toISOString(), cluster: 'c1', log: 'audit' } });
    const g = await gate('eu-west-1', 'es');

    // a comma in the path and non-ASCII text in the body: both must be signed as sent
    const lines = await logs(g.url, sigv4('eu-west-1', 'es'), 'logs-k8s-*,audit-*').search({ ...query, text: 'résolution échouée' });

    expect(g.refused).toEqual([]);
    expect(lines.map((l) => l.message)).toEqual(['[ERROR] résolution échouée: i/o timeout']);
    expect(g.received[0].url).toBe('/logs-k8s-*%2Caudit-*/_search');
    expect(g.received[0].headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDEXAMPLE\/\d{8}\/eu-west-1\/es\/aws4_request, SignedHeaders=[a-z0-9;-]*host[a-z0-9;-]*, Signature=[0-9a-f]{64}$/);
  });

  it('signs for OpenSearch Serverless (aoss) with a session token, events adapter included', async () => {
    const session = { ...KEYS, sessionToken: 'FwoGZXIvYXdzEXAMPLETOKEN' };
    fake.add({ index: 'kube-events-1', source: { lastTimestamp: new Date(T0 + MIN).toISOString(), cluster: 'c1', reason: 'BackOff', type: 'Warning', message: 'Back-off', involvedObject: { kind: 'Pod', name: 'p', namespace: 'ns' } } });
    const g = await gate('us-east-1', 'aoss', session);

    const events = await createOpenSearchEvents({
      node: g.url, indexPattern: 'kube-events-*', auth: sigv4('us-east-1', 'aoss', async () => session), logger: silentLogger, clock: fixedClock(T0),
    }).listEvents(query);

    expect(g.refused).toEqual([]);
    expect(events.map((e) => e.reason)).toEqual(['BackOff']);
    expect(g.received[0].headers['x-amz-security-token']).toBe(session.sessionToken);
  });

  describe('the gate refuses what AWS would refuse', () => {
    const expectation = { region: 'eu-west-1', service: 'es', credentials: KEYS, hostname: '127.0.0.1' };

    it.each([
      { what: 'a changed body, hash header kept', change: (r: ReceivedRequest) => ({ ...r, body: r.body.replace('"size":50', '"size":51') }), problem: /not the hash of the body/ },
      { what: 'a changed body with its hash', change: (r: ReceivedRequest) => rehashed({ ...r, body: r.body.replace('"size":50', '"size":51') }), problem: /^signature / },
      { what: 'another host', change: (r: ReceivedRequest) => ({ ...r, headers: { ...r.headers, host: 'localhost' } }), problem: /host localhost/ },
      { what: 'another path', change: (r: ReceivedRequest) => ({ ...r, url: '/secrets-*/_search' }), problem: /^signature / },
      { what: 'a changed signature', change: (r: ReceivedRequest) => ({ ...r, headers: { ...r.headers, authorization: String(r.headers.authorization).replace(/Signature=(.)/, (_, c: string) => `Signature=${c === '0' ? '1' : '0'}`) } }), problem: /^signature / },
    ])('$what', async ({ change, problem }) => {
      const g = await gate('eu-west-1', 'es');
      await logs(g.url, sigv4('eu-west-1', 'es')).search(query);
      const sent = g.received[0];

      const verdicts = [await verifySigV4(sent, expectation), await verifySigV4(change(sent), expectation)];

      expect(verdicts[0]).toBeUndefined();
      expect(verdicts[1]).toMatch(problem);
    });
  });

  it.each([
    { what: 'the gate (a wrong secret key)', auth: sigv4('eu-west-1', 'es', async () => ({ ...KEYS, secretAccessKey: 'wrong' })), fail: false },
    { what: 'the gate (a signature for another region)', auth: sigv4('us-east-1', 'es'), fail: false },
    { what: 'OpenSearch (role without access to the index)', auth: sigv4('eu-west-1', 'es'), fail: true },
  ])('reports a 403 from $what with its status, once, not retried', async ({ auth, fail }) => {
    if (fail) fake.failNext({ status: 403, body: errorBody('security_exception', 'no permissions for [indices:data/read/search]', 403) });
    const g = await gate('eu-west-1', 'es');

    const err = await logs(g.url, auth).search(query).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).details).toMatchObject({ service: 'opensearch', status: 403, retryable: false });
    expect((err as Error).message).toMatch(/failed with status 403: .*(signature|no permissions).*check the OpenSearch credentials/);
    expect(g.received).toHaveLength(1);
    expect(g.refused).toHaveLength(fail ? 0 : 1);
    expect(sleeps).toEqual([]);
  });

  it('fails without retrying and sends nothing when no AWS credentials can be found', async () => {
    const g = await gate('eu-west-1', 'es');
    const provider = vi.fn(async (): Promise<AwsCredentials> => { throw new Error('Could not load credentials from any providers'); });

    const err = await logs(g.url, sigv4('eu-west-1', 'es', provider)).search(query).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toMatch(/no AWS credentials: Could not load credentials from any providers \(set AWS_ACCESS_KEY_ID/);
    expect(provider).toHaveBeenCalledTimes(1);
    expect(g.received).toHaveLength(0);
  });

  it('asks the provider again only when its credentials near their expiration', async () => {
    const g = await gate('eu-west-1', 'es');
    const lasting = vi.fn(async () => ({ ...KEYS, expiration: new Date(Date.now() + 60 * MIN) }));
    const expiring = vi.fn(async () => ({ ...KEYS, expiration: new Date(Date.now() + 1000) }));

    for (const provider of [lasting, expiring]) {
      const adapter = logs(g.url, sigv4('eu-west-1', 'es', provider));
      await adapter.search(query);
      await adapter.search(query);
    }

    expect(g.refused).toEqual([]);
    expect([lasting.mock.calls.length, expiring.mock.calls.length]).toEqual([1, 2]);
  });
});

describe('OpenSearch SigV4 config', () => {
  it('builds signing adapters from the config with static keys from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY', async () => {
    vi.stubEnv('AWS_PROFILE', undefined);
    vi.stubEnv('AWS_SESSION_TOKEN', undefined);
    vi.stubEnv('AWS_ACCESS_KEY_ID', KEYS.accessKeyId);
    vi.stubEnv('AWS_SECRET_ACCESS_KEY', KEYS.secretAccessKey);
    const g = await gate('ap-southeast-2', 'es');
    const cfg = OpenSearchConfig.parse({ node: g.url, auth: { kind: 'sigv4', region: 'ap-southeast-2' } });
    const deps = { env: {}, logger: silentLogger, clock: fixedClock(T0), field: 'opensearch' };

    await buildOpenSearchLogs(cfg, deps).search(query);
    await buildOpenSearchEvents(cfg, deps).listEvents(query);

    expect(cfg.auth).toEqual({ kind: 'sigv4', region: 'ap-southeast-2', service: 'es' });
    expect(g.refused).toEqual([]);
    expect(g.received.map((r) => r.url)).toEqual(['/logs-k8s-*/_search', '/kube-events-*/_search']);
  });

  it.each([
    { auth: '{ kind: sigv4 }', node: 'https://search-logs.eu-west-1.es.amazonaws.com', message: /opensearch\.auth\.region: expected an AWS region such as eu-west-1, found nothing/ },
    { auth: '{ kind: sigv4, region: EU-West-1 }', node: 'https://logs.example.com', message: /opensearch\.auth\.region: expected an AWS region such as eu-west-1, found string "EU-West-1"/ },
    { auth: '{ kind: sigv4, region: eu-west-1, service: aps }', node: 'https://logs.example.com', message: /opensearch\.auth\.service: expected one of "es", "aoss", found string "aps"/ },
    { auth: '{ kind: sigv4, region: eu-west-1 }', node: 'https://search-logs-abc123.us-east-1.es.amazonaws.com', message: /opensearch\.auth\.region: expected us-east-1, the region of the node/ },
    { auth: '{ kind: sigv4, region: us-east-1 }', node: 'https://abc123.us-east-1.aoss.amazonaws.com', message: /opensearch\.auth\.service: expected aoss for the node/ },
    { auth: '{ kind: sigv4, region: eu-west-1, secretAccessKey: x }', node: 'https://logs.example.com', message: /opensearch\.auth\.secretAccessKey: unknown key/ },
  ])('exits 2 naming the field for auth $auth on $node', ({ auth, node, message }) => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-sigv4-'));
    const file = join(dir, 'fleetops.yaml');
    writeFileSync(file, `logs:\n  kind: opensearch\nopensearch:\n  node: ${node}\n  auth: ${auth}\n`);

    const err = (() => { try { loadConfig({ file }); } catch (e) { return e; } finally { rmSync(dir, { recursive: true }); } })();

    expect(err).toBeInstanceOf(ConfigError);
    expect((err as Error).message).toMatch(message);
    expect((err as Error).message).toContain(`${file}:5: `);
    expect(exitCodeFor(err)).toBe(2);
  });

  it.each([
    ['https://search-logs-abc123.eu-west-1.es.amazonaws.com', 'eu-west-1', 'es'],
    ['https://vpc-logs-abc123.cn-north-1.es.amazonaws.com.cn', 'cn-north-1', 'es'],
    ['https://abc123.us-east-1.aoss.amazonaws.com', 'us-east-1', 'aoss'],
    ['https://logs.internal.example.com', 'eu-central-2', 'aoss'],
  ])('accepts %s with region %s and service %s', (node, region, service) => {
    expect(OpenSearchConfig.safeParse({ node, auth: { kind: 'sigv4', region, service } }).success).toBe(true);
  });
});

/** The request with x-amz-content-sha256 set to its body's hash. */
function rehashed(r: ReceivedRequest): ReceivedRequest {
  return { ...r, headers: { ...r.headers, 'x-amz-content-sha256': createHash('sha256').update(r.body).digest('hex') } };
}
