import { pino } from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArgoCdChanges, defaultClusterFromApp, type ArgoApplication, type ArgoCdChangesOptions } from '../../../src/adapters/changes/argocd/index.js';
import type { ChangeQuery } from '../../../src/adapters/changes/types.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { argoError, startArgoCdFake, type ArgoCdFake, type FakeApp } from '../../fakes/argocd-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const MIN = 60_000;
const TOKEN = 'argocd-api-token';
const iso = (ms: number): string => new Date(ms).toISOString();
const sha = (c: string): string => c.repeat(40);
let fake: ArgoCdFake;
let sleeps: number[];
let clock: ReturnType<typeof fixedClock>;

beforeEach(async () => {
  fake = await startArgoCdFake({ token: TOKEN });
  sleeps = [];
  clock = fixedClock(T0 + 2 * 60 * MIN);
});
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

function changes(extra: Partial<ArgoCdChangesOptions> = {}) {
  return createArgoCdChanges({
    baseUrl: fake.url, token: TOKEN, logger: silentLogger, clock, retries: 2, clusterByServer: { 'https://10.0.0.2:6443': 'c2' },
    sleep: async (ms) => { sleeps.push(ms); }, ...extra,
  });
}

const helm = (tag: string) => ({ repoURL: 'https://charts.example.com', chart: 'coredns', targetRevision: '1.2.3', helm: { parameters: [{ name: 'image.tag', value: tag }] } });

function app(name: string, destination: Record<string, string>, status: Record<string, unknown>, labels: Record<string, string> = {}): FakeApp {
  return { metadata: { name, namespace: 'argocd', labels }, spec: { project: 'platform', destination }, status };
}

const fleetApps: FakeApp[] = [
  app('coredns-c1', { name: 'c1', namespace: 'kube-system' }, {
    history: [
      { id: 1, revision: '1.2.3', deployedAt: iso(T0 - 2 * 24 * 60 * MIN), source: helm('1.11.1') },
      { id: 2, revision: '1.2.3', deployedAt: iso(T0 + 10 * MIN), source: helm('1.11.3'), initiatedBy: { username: 'alice' } },
      { id: 3, revision: '1.2.4', deployedAt: iso(T0 + 40 * MIN), deployStartedAt: iso(T0 + 39 * MIN), source: helm('1.12.0') },
    ],
    operationState: { phase: 'Succeeded', startedAt: iso(T0 + 39 * MIN), finishedAt: iso(T0 + 40 * MIN), message: 'successfully synced', operation: { sync: { revision: '1.2.4' }, initiatedBy: { automated: true } } },
  }, { 'app.kubernetes.io/name': 'coredns', tier: 'platform' }),
  app('ingress-c2', { server: 'https://10.0.0.2:6443' }, {
    history: [{ id: 7, revision: sha('b'), deployedAt: iso(T0 + 20 * MIN), source: { repoURL: 'https://git.example.com/platform.git', path: 'ingress/c2' } }],
    operationState: {
      phase: 'Failed', startedAt: iso(T0 + 50 * MIN), finishedAt: iso(T0 + 51 * MIN), message: 'one or more objects failed to apply, reason: admission webhook denied the request',
      operation: { sync: { revision: sha('c') }, initiatedBy: { username: 'bob' } },
    },
  }, { 'app.kubernetes.io/name': 'ingress-nginx', tier: 'platform' }),
  app('payments-c1', { name: 'c1' }, { operationState: { phase: 'Running', startedAt: iso(T0 + 55 * MIN), operation: { sync: { revision: sha('d') } } } }, { tier: 'apps' }),
  app('unmapped', { server: 'https://10.9.9.9:6443' }, { history: [{ id: 1, revision: sha('e'), deployedAt: iso(T0 + 5 * MIN) }] }),
  app('coredns-c9', { name: 'c9' }, { history: [{ id: 1, revision: sha('f'), deployedAt: iso(T0 + 5 * MIN) }] }),
  app('coredns-c1-late', { name: 'c1' }, { history: [{ id: 1, revision: sha('a'), deployedAt: iso(T0 + 60 * MIN) }] }),
];

const query: ChangeQuery = { clusters: ['c1', 'c2'], startMs: T0, endMs: T0 + 60 * MIN };

/** An app as Argo CD serves it: the resource tree, sync and health status, Helm values, managed fields. */
function bulky(a: FakeApp): FakeApp {
  const status = a.status as { history?: Record<string, unknown>[]; operationState?: Record<string, unknown> };
  const op = status.operationState as { operation?: { sync?: Record<string, unknown> } } | undefined;
  const resources = Array.from({ length: 2000 }, (_, i) => ({ group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'apps', name: `d-${i}`, status: 'Synced', health: { status: 'Healthy' } }));
  const metadata: Record<string, unknown> = { uid: 'u-1', annotations: { 'kubectl.kubernetes.io/last-applied-configuration': 'x'.repeat(10_000) }, managedFields: [{ manager: 'argocd-controller', fieldsV1: { f: 1 } }] };
  return {
    metadata: { ...metadata, ...a.metadata },
    spec: { ...a.spec, syncPolicy: { automated: { prune: true } }, source: { repoURL: 'https://git.example.com/platform.git', targetRevision: 'main', helm: { values: 'y'.repeat(10_000) } } },
    status: {
      ...status, resources, summary: { images: ['a:1'] }, sync: { status: 'Synced', comparedTo: { destination: a.spec.destination } }, health: { status: 'Healthy' }, reconciledAt: iso(T0),
      history: status.history?.map((h) => {
        const source = h.source as { helm?: { parameters?: object[] } } | undefined;
        return { ...h, source: { ...source, helm: { ...source?.helm, values: 'z'.repeat(10_000), parameters: [{ name: 'replicaCount', value: '3' }, ...source?.helm?.parameters ?? []] } } };
      }),
      ...(op ? { operationState: { ...op, finishedAt: iso(T0), operation: { ...op.operation, sync: { ...op.operation?.sync, syncOptions: ['CreateNamespace=true'] } }, syncResult: { revision: 'r', resources } } } : {}),
    },
  };
}

describe('createArgoCdChanges', () => {
  it('turns history and sync state into deploy changes, oldest first, in range and cluster', async () => {
    fake.apps.push(...fleetApps);

    const list = await changes().listChanges(query);

    expect(list.map((c) => [c.tsMs, c.cluster, c.component, c.status, c.fromVersion, c.toVersion, c.author])).toEqual([
      [T0 + 10 * MIN, 'c1', 'coredns', 'succeeded', '1.11.1', '1.11.3', 'alice'],
      [T0 + 20 * MIN, 'c2', 'ingress-nginx', 'succeeded', undefined, sha('b'), 'argocd'],
      // the sync's start (deployStartedAt), not its end (deployedAt, T0 + 40 min)
      [T0 + 39 * MIN, 'c1', 'coredns', 'succeeded', '1.11.3', '1.12.0', 'argocd (automated)'],
      [T0 + 50 * MIN, 'c2', 'ingress-nginx', 'failed', sha('b'), sha('c'), 'bob'],
      [T0 + 55 * MIN, 'c1', 'payments-c1', 'running', undefined, sha('d'), 'argocd'],
    ]);
    expect(list.every((c) => c.kind === 'deploy')).toBe(true);
    expect(list[0].id).toBe('argocd:argocd/coredns-c1:2');
    expect(list[3].description).toMatch(/^Argo CD sync of ingress-c2 to cccccccc failed: one or more objects failed to apply/);
    expect(list[1].description).toContain('https://git.example.com/platform.git ingress/c2');
  });

  it('sends the bearer token, selector and projects', async () => {
    fake.apps.push(...fleetApps);

    const list = await changes({ appSelector: 'tier=platform', projects: ['platform'] }).listChanges(query);

    expect(new Set(list.map((c) => c.component))).toEqual(new Set(['coredns', 'ingress-nginx']));
    const req = fake.requests[0];
    expect(req.headers.authorization).toBe(`Bearer ${TOKEN}`);
    expect(req.query.get('selector')).toBe('tier=platform');
    expect(req.query.getAll('projects')).toEqual(['platform']);
  });

  it.each([
    { name: 'a bad token (401)', token: 'wrong', failure: undefined, status: 401 },
    { name: 'a role without access (403)', token: TOKEN, failure: { status: 403, body: argoError(7, 'permission denied: applications, get, platform/coredns-c1') }, status: 403 },
  ])('maps $name to a clear error without retrying', async ({ token, failure, status }) => {
    if (failure) fake.failNext(failure);

    const err = await changes({ token }).listChanges(query).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).details).toMatchObject({ service: 'argocd', status, retryable: false });
    expect((err as Error).message).toMatch(/check the Argo CD token.*project role/);
    expect(fake.requests).toHaveLength(1);
  });

  it('honours Retry-After on 429, then succeeds', async () => {
    fake.apps.push(...fleetApps);
    fake.failNext({ status: 429, headers: { 'retry-after': '3' } });

    const list = await changes().listChanges(query);

    expect(sleeps).toEqual([3000]);
    expect(list).toHaveLength(5);
  });

  it('gives up on a persistent 503 after the retries', async () => {
    fake.failNext(...Array.from({ length: 3 }, () => ({ status: 503, body: '<html>upstream connect error</html>' })));

    const err = await changes().listChanges(query).catch((e: unknown) => e);

    expect((err as ExternalServiceError).details).toMatchObject({ service: 'argocd', status: 503 });
    expect((err as Error).message).toMatch(/503 \(<html>upstream connect error/);
    expect(fake.requests).toHaveLength(3);
  });

  it('reuses the applications list within the TTL and refetches after it', async () => {
    fake.apps.push(...fleetApps);
    const source = changes({ cacheTtlMs: 60_000 });

    await source.listChanges(query);
    await source.listChanges({ ...query, clusters: ['c2'] });
    const before = fake.requests.length;
    clock.advance(61_000);
    await source.listChanges(query);

    expect(before).toBe(1);
    expect(fake.requests).toHaveLength(2);
  });

  it('does not retry a list larger than Argo CD\'s gRPC message limit, and says how to narrow it', async () => {
    const tooLarge = { status: 429, body: argoError(8, 'grpc: trying to send message larger than max (262144000 vs. 209715200)') };
    fake.failNext(tooLarge, tooLarge, tooLarge);

    const err = await changes().listChanges(query).catch((e: unknown) => e);

    expect((err as ExternalServiceError).details).toMatchObject({ service: 'argocd', status: 429, retryable: false });
    expect((err as Error).message).toMatch(/429 \(grpc: trying to send message larger than max.*changes\.argocd\.appSelector.*ARGOCD_GRPC_MAX_SIZE_MB/);
    expect(fake.requests).toHaveLength(1);
  });

  it.each<{ name: string; map: Record<string, string>; server: string }>([
    { name: 'the mapping has a trailing slash', map: { 'https://10.0.0.2:6443/': 'c2' }, server: 'https://10.0.0.2:6443' },
    { name: 'the destination has a trailing slash', map: { 'https://10.0.0.2:6443': 'c2' }, server: 'https://10.0.0.2:6443/' },
  ])('maps a destination server when $name (Argo CD trims it too)', async ({ map, server }) => {
    fake.apps.push(app('ingress-c2', { server }, { history: [{ id: 1, revision: sha('b'), deployedAt: iso(T0 + 20 * MIN) }] }));

    const list = await changes({ clusterByServer: map }).listChanges(query);

    expect(list.map((c) => c.cluster)).toEqual(['c2']);
  });

  it('warns once per applications list about apps it cannot place on a cluster, naming the config field', async () => {
    fake.apps.push(...fleetApps, app('argocd-self', { server: 'https://kubernetes.default.svc' }, {}));
    const lines: { msg: string; apps?: number; servers?: string[] }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => { lines.push(JSON.parse(line)); } });
    const source = changes({ logger });

    await source.listChanges(query);
    await source.listChanges({ ...query, clusters: ['c2'] });

    expect(lines).toEqual([expect.objectContaining({
      msg: expect.stringMatching(/no cluster.*changes\.argocd\.clusterByServer/), apps: 2, servers: ['https://10.9.9.9:6443', 'https://kubernetes.default.svc'],
    })]);
  });

  it('keeps only the fields it reads of each listed application, with the same changes', async () => {
    fake.apps.push(...fleetApps);
    const plain = await changes().listChanges(query);
    fake.apps.splice(0, fake.apps.length, ...fleetApps.map(bulky));
    const seen: ArgoApplication[] = [];
    const byServer = defaultClusterFromApp({ 'https://10.0.0.2:6443': 'c2' });

    const list = await changes({ clusterFromApp: (a) => { seen.push(a); return byServer(a); } }).listChanges(query);

    expect(list).toEqual(plain);
    expect(seen.find((a) => a.metadata.name === 'ingress-c2')).toEqual({
      metadata: { name: 'ingress-c2', namespace: 'argocd', labels: { 'app.kubernetes.io/name': 'ingress-nginx', tier: 'platform' } },
      spec: { destination: { server: 'https://10.0.0.2:6443' }, source: {} },
      status: {
        history: [{ id: 7, revision: sha('b'), deployedAt: iso(T0 + 20 * MIN), source: { repoURL: 'https://git.example.com/platform.git', path: 'ingress/c2', helm: { parameters: [] } } }],
        operationState: {
          phase: 'Failed', startedAt: iso(T0 + 50 * MIN), message: 'one or more objects failed to apply, reason: admission webhook denied the request',
          operation: { sync: { revision: sha('c') }, initiatedBy: { username: 'bob' } }, syncResult: { revision: 'r' },
        },
      },
    });
    expect(JSON.stringify(seen).length).toBeLessThan(10_000);
  });

  it('skips a malformed application and keeps the rest; an empty list is empty', async () => {
    fake.apps.push({ metadata: { name: 'broken' }, spec: { destination: { name: 'c1' } }, status: { history: [{ id: 'x', deployedAt: 5 }] } }, fleetApps[1]);

    const list = await changes().listChanges(query);
    fake.apps.length = 0;
    const empty = await changes().listChanges(query);

    expect(list.map((c) => c.cluster)).toEqual(['c2', 'c2']);
    expect(empty).toEqual([]);
  });

  it('names the field of an answer that is not an application list, in words', async () => {
    fake.failNext({ status: 200, body: { items: 'none' } });

    const err = await changes({ retries: 0 }).listChanges(query).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    // before: `… an application list: Invalid input: expected array, received string`
    expect((err as Error).message).toMatch(/answered something other than an application list: items: expected a list, found string "none"$/);
  });

  it('warns about a malformed application in words, naming its field, and reads the rest', async () => {
    fake.apps.push(app('ingress-c2', { server: 'https://10.0.0.2:6443' }, { history: [{ id: 1, revision: sha('b'), deployedAt: iso(T0 + 20 * MIN) }] }));
    fake.apps.push({ metadata: { name: 'broken', namespace: 'argocd' }, spec: { project: 'platform' } } as unknown as FakeApp);
    const lines: { msg: string; app?: string; path?: string; issue?: string }[] = [];
    const logger = pino({ level: 'warn' }, { write: (line: string) => { lines.push(JSON.parse(line)); } });

    const list = await changes({ logger }).listChanges(query);

    expect(list.map((c) => c.cluster)).toEqual(['c2']);
    expect(lines).toContainEqual(expect.objectContaining({ msg: 'argo cd application skipped: unexpected shape', app: 'broken', path: 'spec.destination', issue: 'expected a mapping, found nothing' }));
  });
});
