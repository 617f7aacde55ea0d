import { join, isAbsolute } from 'node:path';
import type { Clock } from '../core/clock.js';
import type { FleetopsConfig } from '../core/config/schema.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { createSimulatedAdapters, createSimulatedFleet, type SimulatedFleet } from '../simulator/index.js';
import { createOutboxChat } from './chat/outbox/index.js';
import type { ChatChannel } from './chat/types.js';
import { createFileDocWriter } from './docs/files/index.js';
import type { DocWriter } from './docs/types.js';
import { createFileInventory } from './inventory/file/index.js';
import type { Inventory } from './inventory/types.js';
import type { MetricsSource } from './metrics/types.js';
import type { LogSearch } from './logs/types.js';
import type { EventSource } from './events/types.js';
import type { ChangeSource } from './changes/types.js';
import { createNoLogs } from './logs/none/index.js';
import { createNoEvents } from './events/none/index.js';
import { createNoChanges } from './changes/none/index.js';
import type { AlertHistory } from './alerts/types.js';
import { createStore } from './store/index.js';
import { createPrometheusInventory } from './inventory/prometheus/index.js';
import { createPrometheusMetrics } from './metrics/prometheus/index.js';
import type { PrometheusAuth, PrometheusConnection } from './metrics/prometheus/connection.js';
import { configCatalog } from '../signals/catalog.js';
import { componentMatchersOf } from '../signals/component-matchers.js';
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { createPrometheusAlertHistory } from './alerts/prometheus/index.js';
import { createSlackChat } from './chat/slack/index.js';
import { createGoogleDocWriter } from './docs/google/index.js';
import { googleapis } from './docs/google/load-googleapis.js';
import { buildArgoCdChanges, buildOpenSearchEvents, buildOpenSearchLogs } from './read-backends-config.js';
import type { PublicationRepo } from './store/types.js';
import type { ClusterOps } from './cluster-ops/types.js';
import { createDryRunClusterOps } from './cluster-ops/dry-run/index.js';
import { createArgoWorkflowsClusterOps } from './cluster-ops/argo-workflows/index.js';
import { createArgoCdClient } from './cluster-ops/argocd/index.js';
import { loadClusterRegistry } from '../remediation/registry/cluster-registry-file.js';
import { snapshotKube, type KubeApi } from '../remediation/ops/index.js';
import { simulatedClusterSnapshot } from '../simulator/cluster-snapshot.js';
import type { Store } from './store/types.js';

/** Everything a job may need, built lazily from config: the only place that maps config → implementations. */
export interface Adapters {
  config: FleetopsConfig;
  fleet(): SimulatedFleet;
  inventory(): Inventory;
  metrics(): MetricsSource;
  logs(): LogSearch;
  events(): EventSource;
  changes(): ChangeSource;
  alerts(): AlertHistory;
  chat(): ChatChannel;
  docs(): DocWriter;
  clusterOps(): ClusterOps & { kubeApiFor?: (cluster: string) => Promise<KubeApi> };
  store(): Promise<Store>;
  close(): Promise<void>;
}

export interface AdapterDeps {
  config: FleetopsConfig;
  outDir: string;
  env: NodeJS.ProcessEnv;
  clock: Clock;
  logger: Logger;
  /**
   * The job's deadline, for adapters that take one when built (Slack, Google Docs): without it a call
   * to a sink that stopped answering outlived the deadline by its own timeouts and retries.
   */
  signal?: AbortSignal;
}

function once<T>(make: () => T): (() => T) & { made: () => boolean } {
  let value: T | undefined;
  let made = false;
  const get = () => {
    if (!made) {
      value = make();
      made = true;
    }
    return value as T;
  };
  return Object.assign(get, { made: () => made });
}

export function buildAdapters(deps: AdapterDeps): Adapters {
  const { config, env, clock, outDir } = deps;
  const fleet = once(() => createSimulatedFleet({
    seed: config.simulator.seed, clusters: config.simulator.clusters, days: config.simulator.days,
    stepSeconds: config.simulator.stepSeconds, scenarios: config.simulator.scenarios,
    // by default the simulated week ends at the start of today (UTC): the daily digest's default day, the
    // last whole UTC day, is then the day its scenarios are placed in
    endMs: config.simulator.endTime ? Date.parse(config.simulator.endTime) : Math.floor(clock.nowMs() / 86_400_000) * 86_400_000,
  }));
  const sim = once(() => createSimulatedAdapters(fleet()));
  const store = once(async () => {
    const s = config.store.kind === 'postgres'
      ? await createStore({ kind: 'postgres', url: requireSecret(env, config.store.postgresUrlEnv, 'store.postgresUrlEnv') })
      : await createStore({ kind: 'sqlite', path: isAbsolute(config.store.sqlitePath) ? config.store.sqlitePath : join(outDir, config.store.sqlitePath) });
    await s.migrate();
    return s;
  });
  return {
    config,
    fleet,
    inventory: once(() => (config.inventory.kind === 'file'
      ? createFileInventory({ path: config.inventory.file ?? missing('inventory.file', 'a YAML or CSV path when inventory.kind is file') })
      : config.inventory.kind === 'simulator' ? sim().inventory
        : createPrometheusInventory({ ...prometheusConnection(config, env), clusterLabel: config.clusterLabel, componentMatchers: componentMatchersOf(config.components), expectedWithinHours: config.inventory.expectedWithinHours, logger: deps.logger, clock }))),
    metrics: once(() => (config.metrics.kind === 'simulator' ? sim().metrics : createPrometheusMetrics({
      ...prometheusConnection(config, env), catalog: configCatalog(config), clusterLabel: config.clusterLabel,
      concurrency: config.metrics.prometheus.concurrency, retries: config.metrics.prometheus.retries,
      breakerFailures: config.metrics.prometheus.breakerFailures, breakerCooldownMs: config.metrics.prometheus.breakerCooldownMs,
      limits: { maxPointsPerSeries: config.metrics.prometheus.maxPointsPerSeries, maxSamplesPerQuery: config.metrics.prometheus.maxSamplesPerQuery },
      decoder: config.metrics.prometheus.decoder, compression: config.metrics.prometheus.compression, useRecordingRules: config.metrics.prometheus.useRecordingRules,
      rateWindow: config.metrics.prometheus.rateWindow, logger: deps.logger, clock,
    }))),
    // simulator: the simulated fleet's own, which loadConfig allows only when the fleet is simulated too
    logs: once(() => (config.logs.kind === 'opensearch' ? buildOpenSearchLogs(config.opensearch, { env, logger: deps.logger, clock, field: 'opensearch' })
      : config.logs.kind === 'none' ? createNoLogs() : sim().logs)),
    events: once(() => (config.events.kind === 'opensearch' ? buildOpenSearchEvents(config.opensearch, { env, logger: deps.logger, clock, field: 'opensearch' })
      : config.events.kind === 'none' ? createNoEvents() : sim().events)),
    changes: once(() => (config.changes.kind === 'argocd' ? buildArgoCdChanges(config.changes.argocd, { env, logger: deps.logger, clock, field: 'changes.argocd' })
      : config.changes.kind === 'none' ? createNoChanges() : sim().changes)),
    alerts: once(() => (config.metrics.kind === 'prometheus'
      ? createPrometheusAlertHistory({
        ...prometheusConnection(config, env), clusterLabel: config.clusterLabel, stepSeconds: config.report.alertHistoryStepSeconds,
        matchers: config.report.alertMatchers.trim() || undefined, maxSamplesPerQuery: config.metrics.prometheus.maxSamplesPerQuery, logger: deps.logger, clock,
      })
      : sim().alerts)),
    chat: once(() => (config.chat.kind === 'outbox' ? createOutboxChat({ dir: join(outDir, 'slack'), clock })
      : createSlackChat({
        token: requireSecret(env, config.chat.slack.tokenEnv, 'chat.slack.tokenEnv'), apiUrl: config.chat.slack.apiUrl, logger: deps.logger, clock,
        publications: lazyPublications(store), signal: deps.signal,
      }))),
    docs: once(() => (config.docs.kind === 'files' ? createFileDocWriter({ dir: join(outDir, 'docs') }) : googleDocs(config, deps))),
    clusterOps: once(() => clusterOps(deps, fleet)),
    store,
    async close() {
      if (store.made()) await (await store()).close();
    },
  };
}

/**
 * The executor. Dry-run (default) reads the simulated cluster when the inventory is simulated, so its
 * previews and guardrails see real objects; kubernetes reaches each cluster through the registry.
 */
function clusterOps(deps: AdapterDeps, fleet: () => SimulatedFleet): ClusterOps & { kubeApiFor?: (cluster: string) => Promise<KubeApi> } {
  const { config, env, clock, logger } = deps;
  const c = config.clusterOps;
  const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));
  const argo = c.argocd ? createArgoCdClient({ baseUrl: c.argocd.url, token: requireSecret(env, c.argocd.tokenEnv, 'clusterOps.argocd.tokenEnv'), sleep }) : undefined;
  if (c.kind === 'dry-run') {
    const reads = config.inventory.kind === 'simulator' ? async (cluster: string) => snapshotKube(cluster, simulatedClusterSnapshot(fleet(), cluster)) : undefined;
    return Object.assign(createDryRunClusterOps({ clock, logger, reads }), { kubeApiFor: reads });
  }
  if (c.kind === 'argo-workflows') {
    const w = c.argoWorkflows ?? missing('clusterOps.argoWorkflows', 'url, namespace and workflowTemplate of Argo Workflows');
    return createArgoWorkflowsClusterOps({ baseUrl: w.url, token: requireSecret(env, w.tokenEnv, 'clusterOps.argoWorkflows.tokenEnv'), namespace: w.namespace, workflowTemplate: w.workflowTemplate, clock, logger });
  }
  const file = c.registryFile ?? missing('clusterOps.registryFile', 'the cluster registry file (how to reach each target cluster)');
  const clusters = loadClusterRegistry(file); // a bad registry fails here, before any job work
  return lazyKubernetesClusterOps(async () => {
    const [{ KubeConfig }, { createClusterRegistry, createKubeSecretReader }, { createKubernetesClusterOps }] = await Promise.all([
      import('@kubernetes/client-node'), import('../remediation/registry/index.js'), import('./cluster-ops/kubernetes/index.js'),
    ]);
    const kc = new KubeConfig();
    kc.loadFromDefault();
    const registry = createClusterRegistry({ clusters, secrets: createKubeSecretReader(kc) });
    return createKubernetesClusterOps({ registry, clock, logger, argo, timeoutMs: c.requestTimeoutMs, availabilityFloor: c.availabilityFloor });
  });
}

type KubernetesOps = ClusterOps & { kubeApiFor: (cluster: string) => Promise<KubeApi> };

/**
 * The Kubernetes executor behind a loader: @kubernetes/client-node takes ~0.9 s to import, so it is
 * loaded when the first operation is planned or run, not by every job that builds its adapters.
 */
function lazyKubernetesClusterOps(load: () => Promise<KubernetesOps>): KubernetesOps {
  let ops: Promise<KubernetesOps> | undefined;
  const get = () => (ops ??= load());
  return {
    kind: 'kubernetes',
    plan: async (req) => (await get()).plan(req),
    execute: async (req) => (await get()).execute(req),
    rollback: async (req) => (await get()).rollback(req),
    kubeApiFor: async (cluster) => (await get()).kubeApiFor(cluster),
  };
}

/** The store is opened lazily (async); Slack only needs its publications when it publishes. */
function lazyPublications(store: () => Promise<Store>): PublicationRepo {
  return { get: async (key) => (await store()).publications.get(key), put: async (p) => (await store()).publications.put(p) };
}

/** Google Docs with Application Default Credentials (GOOGLE_APPLICATION_CREDENTIALS or workload identity). */
function googleDocs(config: FleetopsConfig, deps: AdapterDeps): DocWriter {
  const g = config.docs.google;
  const folderId = g.sharedDriveFolderId ?? missing('docs.google.sharedDriveFolderId', 'the Shared Drive folder id for documents');
  const auth = new (googleapis().google.auth.GoogleAuth)({
    scopes: ['https://www.googleapis.com/auth/documents', 'https://www.googleapis.com/auth/drive'],
    clientOptions: g.impersonate ? { subject: g.impersonate } : undefined,
  });
  return createGoogleDocWriter({ auth, rootUrl: g.rootUrl, folderId, shareWithGroup: g.shareWithGroup, logger: deps.logger, clock: deps.clock, signal: deps.signal });
}

/** Connection settings with secrets resolved from the environment (never from the file). */
function prometheusConnection(config: FleetopsConfig, env: NodeJS.ProcessEnv): PrometheusConnection {
  const p = config.metrics.prometheus;
  const a = p.auth;
  const auth: PrometheusAuth = a.kind === 'bearer' ? { kind: 'bearer', token: requireSecret(env, a.tokenEnv, 'metrics.prometheus.auth.tokenEnv') }
    : a.kind === 'basic' ? { kind: 'basic', username: a.username, password: requireSecret(env, a.passwordEnv, 'metrics.prometheus.auth.passwordEnv') }
      : a.kind === 'sigv4' ? { kind: 'sigv4', region: a.region, service: a.service, credentials: defaultProvider() }
        : { kind: 'none' };
  return { baseUrl: p.url, headers: p.headers, tenant: p.tenant, auth, timeoutMs: p.timeoutMs };
}

export function requireSecret(env: NodeJS.ProcessEnv, name: string, field: string): string {
  const v = env[name];
  if (!v) throw new ConfigError(`${field}: environment variable ${name} is not set (secrets come only from the environment)`);
  return v;
}

function missing(field: string, what: string): never {
  throw new ConfigError(`${field}: expected ${what}, found nothing`);
}

