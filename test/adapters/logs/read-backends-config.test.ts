import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/core/config/load-config.js';
import { ArgoCdConfig, buildArgoCdChanges, buildOpenSearchEvents, buildOpenSearchLogs, OpenSearchConfig } from '../../../src/adapters/read-backends-config.js';
import { fixedClock } from '../../../src/core/clock.js';
import { ConfigError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startArgoCdFake, type ArgoCdFake } from '../../fakes/argocd-fake.js';
import { startOpenSearchFake, type OpenSearchFake } from '../../fakes/opensearch-fake.js';

const T0 = Date.UTC(2025, 5, 4, 10);
const deps = (env: NodeJS.ProcessEnv, field: string) => ({ env, logger: silentLogger, clock: fixedClock(T0), field });
let os: OpenSearchFake;
let argo: ArgoCdFake;

beforeEach(async () => {
  os = await startOpenSearchFake();
  argo = await startArgoCdFake({ token: 'tok' });
});
afterEach(async () => {
  expect([...os.unexpected, ...argo.unexpected]).toEqual([]);
  await os.close();
  await argo.close();
});

describe('read backend config', () => {
  it('defaults every field and refuses unknown keys', () => {
    expect(OpenSearchConfig.parse({})).toMatchObject({ node: 'http://127.0.0.1:9200', maxSize: 500, logs: { indexPattern: 'logs-k8s-*' }, events: { indexPattern: 'kube-events-*' } });
    expect(ArgoCdConfig.parse({})).toMatchObject({ tokenEnv: 'ARGOCD_TOKEN', cacheTtlMs: 60_000 });
    expect(OpenSearchConfig.safeParse({ logs: { index: 'x' } }).success).toBe(false);
    expect(ArgoCdConfig.safeParse({ token: 'inline secret' }).success).toBe(false);
  });

  it.each([
    { name: 'OpenSearch password', build: () => buildOpenSearchLogs(OpenSearchConfig.parse({ auth: { kind: 'basic', username: 'u' } }), deps({}, 'logs.opensearch')), message: /logs\.opensearch\.auth\.passwordEnv: environment variable OPENSEARCH_PASSWORD is not set/ },
    { name: 'Argo CD token', build: () => buildArgoCdChanges(ArgoCdConfig.parse({ url: 'https://argocd.example.com' }), deps({}, 'changes.argocd')), message: /changes\.argocd\.tokenEnv: environment variable ARGOCD_TOKEN/ },
    { name: 'Argo CD url', build: () => buildArgoCdChanges(ArgoCdConfig.parse({}), deps({ ARGOCD_TOKEN: 't' }, 'changes.argocd')), message: /changes\.argocd\.url: required/ },
  ])('names the missing $name', ({ build, message }) => {
    expect(build).toThrow(ConfigError);
    expect(build).toThrow(message);
  });

  it.each([
    ['empty', '""'],
    ['with an empty part', 'kubernetes..namespace_name'],
    ['with a space', '"kubernetes.namespace name"'],
  ])('refuses a log namespace field %s, naming the field and the line', (_name, value) => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-os-fields-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `opensearch:\n  logs:\n    fields:\n      namespace: ${value}\n`);

    expect(() => loadConfig({ file, env: {} })).toThrow(/bad\.yaml:4: opensearch\.logs\.fields\.namespace: .*a document field such as kubernetes\.namespace_name/);
  });

  it('defaults the log namespace field to the Fluent Bit layout and sends the configured one', async () => {
    const cfg = OpenSearchConfig.parse({ node: os.url, logs: { fields: { namespace: 'k8s.ns' } } });

    await buildOpenSearchLogs(OpenSearchConfig.parse({ node: os.url }), deps({}, 'opensearch')).search({ clusters: ['c1'], startMs: T0, endMs: T0 + 1, limit: 5, componentNamespaces: { coredns: ['kube-system'] } });
    await buildOpenSearchLogs(cfg, deps({}, 'opensearch')).search({ clusters: ['c1'], startMs: T0, endMs: T0 + 1, limit: 5, componentNamespaces: { coredns: ['kube-system'] } });

    expect(JSON.stringify(os.requests[0].body)).toContain('{"terms":{"kubernetes.namespace_name":["kube-system"]}}');
    expect(JSON.stringify(os.requests[1].body)).toContain('{"terms":{"k8s.ns":["kube-system"]}}');
  });

  it('defaults the quiet log levels and sends the configured ones in a warning-and-error search', async () => {
    const cfg = OpenSearchConfig.parse({ node: os.url, logs: { quietLevels: ['verbose'] } });

    await buildOpenSearchLogs(cfg, deps({}, 'opensearch')).search({ clusters: ['c1'], startMs: T0, endMs: T0 + 1, limit: 5, problemsOnly: true });

    expect(OpenSearchConfig.parse({}).logs.quietLevels).toEqual(['trace', 'debug', 'info', 'notice']);
    expect(JSON.stringify(os.requests[0].body)).toContain('{"terms":{"level":["VERBOSE","Verbose","verbose"]}}');
  });

  it.each([
    ['a warning level', '[info, WARNING]', /bad\.yaml:4: opensearch\.logs\.quietLevels\.1: expected a level of no problem such as trace, debug, info, notice \("WARNING" is a warning level: its lines would be left out/],
    ['an error level', '[err]', /bad\.yaml:4: opensearch\.logs\.quietLevels\.0: expected .*\("err" is an error level/],
    ['a value with a space', '["in fo"]', /bad\.yaml:4: opensearch\.logs\.quietLevels\.0: .*a level-field value such as info/],
  ])('refuses %s among the quiet log levels, naming the field and the line', (_name, value, message) => {
    const dir = mkdtempSync(join(tmpdir(), 'fleetops-os-quiet-'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, `opensearch:\n  logs:\n    indexPattern: logs-*\n    quietLevels: ${value}\n`);

    expect(() => loadConfig({ file, env: {} })).toThrow(message);
  });

  it('builds adapters that reach their backends with secrets from the environment', async () => {
    const osCfg = OpenSearchConfig.parse({ node: os.url, auth: { kind: 'bearer' }, keywordSuffix: '.keyword' });
    argo.apps.push({ metadata: { name: 'coredns-c1', labels: { 'fleetops/cluster': 'c1', 'app.kubernetes.io/name': 'coredns' } }, spec: { destination: { server: 'https://x' } }, status: { history: [{ id: 1, revision: 'abc', deployedAt: new Date(T0 + 1000).toISOString() }] } });
    const env = { OPENSEARCH_TOKEN: 'os-tok', ARGOCD_TOKEN: 'tok' };

    await buildOpenSearchLogs(osCfg, deps(env, 'logs.opensearch')).search({ clusters: ['c1'], startMs: T0, endMs: T0 + 1, limit: 5 });
    await buildOpenSearchEvents(osCfg, deps(env, 'events.opensearch')).listEvents({ clusters: ['c1'], startMs: T0, endMs: T0 + 1, limit: 5 });
    const changes = await buildArgoCdChanges(ArgoCdConfig.parse({ url: argo.url, clusterLabel: 'fleetops/cluster' }), deps(env, 'changes.argocd')).listChanges({ clusters: ['c1'], startMs: T0, endMs: T0 + 60_000 });

    expect(os.requests.map((r) => [r.index, r.headers.authorization])).toEqual([['logs-k8s-*', 'Bearer os-tok'], ['kube-events-*', 'Bearer os-tok']]);
    expect(JSON.stringify(os.requests[1].body)).toContain('cluster.keyword');
    expect(changes.map((c) => [c.cluster, c.component, c.toVersion])).toEqual([['c1', 'coredns', 'abc']]);
  });

  it('names a multi-source app without the component label by the chart of its sources, as the adapter does', async () => {
    const sources = [{ repoURL: 'https://charts.example.com', chart: 'coredns', targetRevision: '1.2.3' }, { repoURL: 'https://git.example.com/values.git', targetRevision: 'main', ref: 'values' }];
    argo.apps.push({ metadata: { name: 'coredns-c1', labels: { 'fleetops/cluster': 'c1' } }, spec: { destination: { server: 'https://x' }, sources }, status: { history: [{ id: 1, revisions: ['1.2.3', 'a'.repeat(40)], deployedAt: new Date(T0 + 1000).toISOString() }] } });

    const changes = await buildArgoCdChanges(ArgoCdConfig.parse({ url: argo.url, clusterLabel: 'fleetops/cluster' }), deps({ ARGOCD_TOKEN: 'tok' }, 'changes.argocd')).listChanges({ clusters: ['c1'], startMs: T0, endMs: T0 + 60_000 });

    // before: the app's name, a different component on every cluster of a fleet rollout
    expect(changes.map((c) => c.component)).toEqual(['coredns']);
  });
});
