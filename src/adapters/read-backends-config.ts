/**
 * Config sub-schemas for the production read backends (OpenSearch logs/events, Argo CD changes)
 * and the builders that turn them into adapters. Secrets are named by environment variable only.
 */
import { defaultProvider } from '@aws-sdk/credential-provider-node';
import { z } from 'zod';
import type { Clock } from '../core/clock.js';
import { ConfigError } from '../core/errors.js';
import type { Logger } from '../core/logger.js';
import { createArgoCdChanges, defaultClusterFromApp, defaultComponentFromApp } from './changes/argocd/index.js';
import type { ChangeSource } from './changes/types.js';
import { createOpenSearchEvents } from './events/opensearch/index.js';
import type { EventSource } from './events/types.js';
import { createOpenSearchLogs, DEFAULT_QUIET_LEVELS, type OpenSearchAuth } from './logs/opensearch/index.js';
import { normaliseLevel } from './logs/opensearch/log-fields.js';
import type { LogSearch } from './logs/types.js';
import type { AwsCredentials } from './metrics/prometheus/connection.js';

const envName = z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'an environment variable name');

/** A document field path such as `kubernetes.namespace_name`: an empty or malformed one would match no document. */
const fieldName = z.string().regex(/^[^.\s]+(\.[^.\s]+)*$/, 'a document field such as kubernetes.namespace_name (dot-separated, no spaces or empty parts)');

/** One field, or candidates tried in order (the first set one is read); always a list once parsed. */
const fieldCandidates = z.union([fieldName.transform((f) => [f]), z.array(fieldName).min(1, 'at least one field (an empty list reads nothing)')], {
  error: 'a document field such as kubernetes.event.reason (dot-separated, no spaces or empty parts) or a list of them',
});

/**
 * Level-field values of lines that are no problem. A warning or error level here would hide the very
 * lines the RCA reads, so it is refused.
 */
const QuietLevels = z.array(z.string().regex(/^\S+$/, 'a level-field value such as info (no spaces)')).superRefine((values, ctx) => {
  values.forEach((v, i) => {
    const level = normaliseLevel(v);
    if (level === 'warn' || level === 'error') ctx.addIssue({ code: 'custom', path: [i], message: `a level of no problem such as ${DEFAULT_QUIET_LEVELS.join(', ')} ("${v}" is ${level === 'warn' ? 'a warning' : 'an error'} level: its lines would be left out of the RCA's log searches)` });
  });
});

const OpenSearchAuthConfig = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('none') }),
  z.strictObject({ kind: z.literal('basic'), username: z.string().min(1), passwordEnv: envName.default('OPENSEARCH_PASSWORD') }),
  z.strictObject({ kind: z.literal('bearer'), tokenEnv: envName.default('OPENSEARCH_TOKEN') }),
  /** Amazon OpenSearch Service (`es`) or Serverless (`aoss`); credentials from the AWS default chain. */
  z.strictObject({
    kind: z.literal('sigv4'),
    region: z.string().regex(/^[a-z]{2,}(-[a-z]+)+-\d+$/, 'an AWS region such as eu-west-1'),
    service: z.enum(['es', 'aoss']).default('es'),
  }),
]);

/** The region and service in an AWS endpoint's name (`search-x.eu-west-1.es.amazonaws.com`, `x.us-east-1.aoss.amazonaws.com`). */
const AWS_ENDPOINT = /\.([a-z]{2,}(?:-[a-z]+)+-\d+)\.(es|aoss)\.amazonaws\.com(?:\.cn)?$/;

export const OpenSearchConfig = z.strictObject({
  node: z.string().url().default('http://127.0.0.1:9200'),
  auth: OpenSearchAuthConfig.default({ kind: 'none' }),
  timeoutMs: z.number().int().positive().default(30_000),
  retries: z.number().int().min(0).max(10).default(3),
  /** Cap on lines/events per search. */
  maxSize: z.number().int().min(1).max(10_000).default(500),
  /** `.keyword` when the indices are dynamically mapped (strings as text + keyword sub-field). */
  keywordSuffix: z.string().default(''),
  logs: z.strictObject({
    indexPattern: z.string().min(1).default('logs-k8s-*'),
    /**
     * Document fields; defaults are the Fluent Bit/Fluentd Kubernetes layout plus `cluster`. `namespace`
     * (default `kubernetes.namespace_name`) scopes a platform component's lines to its own namespace.
     */
    fields: z.strictObject({
      cluster: fieldName, namespace: fieldName, pod: fieldName, node: fieldName, component: fieldName,
      container: fieldName, level: fieldName, message: z.array(fieldName).min(1), timestamp: fieldName,
    }).partial().default({}),
    /** Extra label/container values per component, e.g. `coredns: [kube-dns]`. */
    componentAliases: z.record(z.string(), z.array(z.string())).default({}),
    /**
     * Level-field values the RCA's searches leave out in OpenSearch (also in lower, upper and
     * capitalised spelling), so busy info logging does not crowd out warnings and errors. Lines
     * without the level field are still read, their level taken from the message. [] leaves none out.
     */
    quietLevels: QuietLevels.default([...DEFAULT_QUIET_LEVELS]),
  }).prefault({}),
  events: z.strictObject({
    indexPattern: z.string().min(1).default('kube-events-*'),
    clusterField: fieldName.default('cluster'),
    timestampFields: z.array(fieldName).min(1).default(['lastTimestamp', 'eventTime']),
    /** The other document fields; defaults are the kubernetes-event-exporter layout with events.k8s.io fallbacks (DEFAULT_EVENT_FIELDS). */
    fields: z.strictObject({
      reason: fieldCandidates, message: fieldCandidates, type: fieldCandidates, count: fieldCandidates, namespace: fieldCandidates,
      involvedKind: fieldCandidates, involvedName: fieldCandidates, node: fieldCandidates, uid: fieldCandidates,
    }).partial().default({}),
  }).prefault({}),
}).superRefine((c, ctx) => {
  // a signature for another region or service is refused with a bare 403: say which field is wrong up front
  if (c.auth.kind !== 'sigv4') return;
  const m = AWS_ENDPOINT.exec(new URL(c.node).hostname);
  if (!m) return;
  if (m[1] !== c.auth.region) ctx.addIssue({ code: 'custom', path: ['auth', 'region'], message: `${m[1]}, the region of the node ${c.node}` });
  if (m[2] !== c.auth.service) ctx.addIssue({ code: 'custom', path: ['auth', 'service'], message: `${m[2]} for the node ${c.node} (es: OpenSearch Service, aoss: Serverless)` });
});
export type OpenSearchConfig = z.infer<typeof OpenSearchConfig>;

export const ArgoCdConfig = z.strictObject({
  /** Argo CD server, e.g. `https://argocd.example.com`; required when changes come from Argo CD. */
  url: z.string().url().optional(),
  tokenEnv: envName.default('ARGOCD_TOKEN'),
  appSelector: z.string().optional(),
  projects: z.array(z.string()).default([]),
  /** Application label holding the cluster id; checked before the destination. */
  clusterLabel: z.string().optional(),
  /** Destination server URL → cluster id, for apps whose destination has no name. */
  clusterByServer: z.record(z.string(), z.string()).default({}),
  componentLabel: z.string().default('app.kubernetes.io/name'),
  timeoutMs: z.number().int().positive().default(30_000),
  retries: z.number().int().min(0).max(10).default(3),
  cacheTtlMs: z.number().int().min(0).default(60_000),
});
export type ArgoCdConfig = z.infer<typeof ArgoCdConfig>;

export interface ReadBackendDeps {
  env: NodeJS.ProcessEnv;
  logger: Logger;
  clock: Clock;
  /** Config path of the section, for error messages (e.g. `logs.opensearch`). */
  field: string;
  /** AWS credentials for SigV4; default the AWS default chain (env, profile, web identity, instance role). */
  awsCredentials?: () => Promise<AwsCredentials>;
}

export function buildOpenSearchLogs(cfg: OpenSearchConfig, deps: ReadBackendDeps): LogSearch {
  return createOpenSearchLogs({
    ...connection(cfg, deps), indexPattern: cfg.logs.indexPattern, fieldMap: cfg.logs.fields, componentAliases: cfg.logs.componentAliases,
    quietLevels: cfg.logs.quietLevels, keywordSuffix: cfg.keywordSuffix, maxSize: cfg.maxSize,
  });
}

export function buildOpenSearchEvents(cfg: OpenSearchConfig, deps: ReadBackendDeps): EventSource {
  return createOpenSearchEvents({
    ...connection(cfg, deps), indexPattern: cfg.events.indexPattern,
    fieldMap: { ...cfg.events.fields, cluster: cfg.events.clusterField, timestamps: cfg.events.timestampFields },
    keywordSuffix: cfg.keywordSuffix, maxSize: cfg.maxSize,
  });
}

export function buildArgoCdChanges(cfg: ArgoCdConfig, deps: ReadBackendDeps): ChangeSource {
  const byDestination = defaultClusterFromApp(cfg.clusterByServer);
  const label = cfg.clusterLabel;
  return createArgoCdChanges({
    baseUrl: cfg.url ?? missing(`${deps.field}.url`, 'the Argo CD server URL'), token: secret(deps, cfg.tokenEnv, `${deps.field}.tokenEnv`), appSelector: cfg.appSelector, projects: cfg.projects,
    clusterFromApp: (app) => (label ? app.metadata.labels?.[label] : undefined) ?? byDestination(app),
    componentFromApp: defaultComponentFromApp(cfg.componentLabel),
    timeoutMs: cfg.timeoutMs, retries: cfg.retries, cacheTtlMs: cfg.cacheTtlMs, logger: deps.logger, clock: deps.clock,
  });
}

function connection(cfg: OpenSearchConfig, deps: ReadBackendDeps) {
  const a = cfg.auth;
  const auth: OpenSearchAuth | undefined = a.kind === 'basic' ? { username: a.username, password: secret(deps, a.passwordEnv, `${deps.field}.auth.passwordEnv`) }
    : a.kind === 'bearer' ? { bearer: secret(deps, a.tokenEnv, `${deps.field}.auth.tokenEnv`) }
      : a.kind === 'sigv4' ? { sigv4: { region: a.region, service: a.service, credentials: deps.awsCredentials ?? defaultProvider() } } : undefined;
  return { node: cfg.node, auth, timeoutMs: cfg.timeoutMs, retries: cfg.retries, logger: deps.logger, clock: deps.clock };
}

function missing(field: string, what: string): never {
  throw new ConfigError(`${field}: required (${what})`);
}

function secret(deps: ReadBackendDeps, name: string, field: string): string {
  const v = deps.env[name];
  if (!v) throw new ConfigError(`${field}: environment variable ${name} is not set (secrets come only from the environment)`);
  return v;
}
