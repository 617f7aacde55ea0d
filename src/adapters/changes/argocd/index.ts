import type { HttpCallOptions } from '../../http-call-options.js';
import { describeIssues } from '../../../core/config/format-issues.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { abortableSleep, HttpServiceError, parseRetryAfterMs, withBackoff } from '../../../core/backoff.js';
import type { Change, ChangeSource } from '../types.js';
import { appChanges } from './app-changes.js';
import { ArgoApplication, ArgoApplicationList, ArgoErrorBody } from './schema.js';

export type { ArgoApplication } from './schema.js';

export interface ArgoCdChangesOptions extends HttpCallOptions {
  /** Argo CD server, e.g. `https://argocd.example.com`. */
  baseUrl: string;
  /** API token of an account whose project role may `get` applications. */
  token: string;
  /** Label selector for the applications list, e.g. `fleetops/track=true`. */
  appSelector?: string;
  projects?: string[];
  /** Cluster id of an app (the fields in schema.ts only); undefined skips it. Default: see `defaultClusterFromApp`. */
  clusterFromApp?: (app: ArgoApplication) => string | undefined;
  /** Destination server URL → cluster id, for the default `clusterFromApp`. */
  clusterByServer?: Record<string, string>;
  /** Component of an app. Default: `defaultComponentFromApp()`. */
  componentFromApp?: (app: ArgoApplication) => string;
  /** The applications list is reused for this long (one list serves every incident group of a run). Default 60 s. */
  cacheTtlMs?: number;
  timeoutMs?: number;
}

/** Destination name, else the server URL mapped through `clusterByServer` (trailing slashes ignored, as Argo CD does). */
export function defaultClusterFromApp(clusterByServer: Record<string, string>): (app: ArgoApplication) => string | undefined {
  const byServer = new Map(Object.entries(clusterByServer).map(([url, cluster]) => [trimSlash(url), cluster]));
  return (app) => app.spec.destination.name || (app.spec.destination.server ? byServer.get(trimSlash(app.spec.destination.server)) : undefined);
}

function trimSlash(url: string): string {
  return url.replace(/\/+$/, '');
}

/** The label, else the Helm chart (of the first source with one, for a multi-source app), else the app name. */
export function defaultComponentFromApp(label = 'app.kubernetes.io/name'): (app: ArgoApplication) => string {
  return (app) => app.metadata.labels?.[label] ?? app.spec.source?.chart ?? app.spec.sources?.find((s) => s.chart)?.chart ?? app.metadata.name;
}

/** ChangeSource over the Argo CD REST API: application history (deploys) and the current sync operation. */
export function createArgoCdChanges(opts: ArgoCdChangesOptions): ChangeSource {
  const clusterOf = opts.clusterFromApp ?? defaultClusterFromApp(opts.clusterByServer ?? {});
  const componentOf = opts.componentFromApp ?? defaultComponentFromApp();
  const list = cachedList(opts);
  let checked: ArgoApplication[] | undefined;
  return {
    async listChanges(q) {
      if (q.clusters.length === 0 || q.endMs <= q.startMs) return [];
      const wanted = new Set(q.clusters);
      const out: Change[] = [];
      const apps = await list(q.abortSignal);
      if (apps !== checked) warnUnplaced((checked = apps), clusterOf, opts.logger);
      for (const app of apps) {
        const cluster = clusterOf(app);
        if (cluster === undefined || !wanted.has(cluster)) continue;
        for (const c of appChanges(app, { cluster, component: componentOf(app) })) if (c.tsMs >= q.startMs && c.tsMs < q.endMs) out.push(c);
      }
      return out.sort((a, b) => a.tsMs - b.tsMs || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    },
  };
}

/**
 * Apps placed on no cluster are left out of every answer, so their deploys read as none: said once per
 * applications list, with the destinations to map.
 */
function warnUnplaced(apps: ArgoApplication[], clusterOf: (app: ArgoApplication) => string | undefined, logger: Logger): void {
  const unplaced = apps.filter((app) => clusterOf(app) === undefined);
  if (unplaced.length === 0) return;
  const servers = [...new Set(unplaced.map((app) => app.spec.destination.server ?? ''))].filter(Boolean).sort();
  logger.warn({ apps: unplaced.length, servers: servers.slice(0, 20), examples: unplaced.slice(0, 5).map((app) => app.metadata.name) },
    'argo cd applications on no cluster skipped: map their destination server in changes.argocd.clusterByServer or label them with changes.argocd.clusterLabel');
}

/** The applications list, fetched at most once per TTL; a failed fetch is not cached. */
function cachedList(opts: ArgoCdChangesOptions): (signal?: AbortSignal) => Promise<ArgoApplication[]> {
  let cached: { atMs: number; apps: Promise<ArgoApplication[]> } | undefined;
  return (signal) => {
    const now = opts.clock.nowMs();
    if (cached && now - cached.atMs < (opts.cacheTtlMs ?? 60_000)) return cached.apps;
    const apps = fetchApplications(opts, signal);
    cached = { atMs: now, apps };
    apps.catch(() => { if (cached?.apps === apps) cached = undefined; });
    return apps;
  };
}

async function fetchApplications(opts: ArgoCdChangesOptions, signal?: AbortSignal): Promise<ArgoApplication[]> {
  // No `fields` filter to shrink the answer: Argo CD's list serves only a fixed set of fields (also for an
  // exclusion, `fields=-…`), without status.history or the operation's sync; parseList keeps what is read.
  const url = new URL('api/v1/applications', opts.baseUrl.endsWith('/') ? opts.baseUrl : `${opts.baseUrl}/`);
  if (opts.appSelector) url.searchParams.set('selector', opts.appSelector);
  for (const p of opts.projects ?? []) url.searchParams.append('projects', p);
  const apps = await withBackoff(() => getJson(url, opts, signal), {
    retries: opts.retries ?? 3, baseDelayMs: opts.retryBaseDelayMs ?? 500, maxDelayMs: opts.retryMaxDelayMs ?? 30_000, sleep: opts.sleep ?? abortableSleep,
    onRetry: (err, attempt, delayMs) => opts.logger.warn({ status: err.details.status, attempt, delayMs }, 'argo cd request retried'),
  }, signal);
  // Argo CD filters the list by RBAC instead of refusing it: an empty list may mean a weak role.
  if (apps.length === 0) opts.logger.warn({ selector: opts.appSelector, projects: opts.projects }, 'argo cd listed no applications; check the selector and the token project role');
  return apps;
}

async function getJson(url: URL, opts: ArgoCdChangesOptions, signal?: AbortSignal): Promise<ArgoApplication[]> {
  const timeout = AbortSignal.timeout(opts.timeoutMs ?? 30_000);
  const combined = signal ? AbortSignal.any([signal, timeout]) : timeout;
  const where = `GET ${url.pathname}`;
  let res: Response;
  let text: string;
  try {
    res = await (opts.fetch ?? fetch)(url, { headers: { authorization: `Bearer ${opts.token}`, accept: 'application/json' }, signal: combined });
    text = await res.text();
  } catch (err) {
    if (signal?.aborted) throw new ExternalServiceError(`Argo CD ${where} was aborted`, { service: 'argocd', retryable: false }, { cause: err });
    const what = timeout.aborted ? `timed out after ${opts.timeoutMs ?? 30_000} ms` : `failed: ${(err as Error).message}`;
    throw new HttpServiceError(`Argo CD ${where} ${what}`, { service: 'argocd' }, undefined, { cause: err });
  }
  if (!res.ok) throw httpError(res, text, where, opts.clock.nowMs());
  return parseList(text, where, opts.logger);
}

function httpError(res: Response, text: string, where: string, nowMs: number): ExternalServiceError {
  const reason = errorReason(text) || res.statusText || 'no reason given';
  // gRPC ResourceExhausted, which grpc-gateway answers as 429: the same list fails again on every retry
  if (res.status === 429 && /message larger than max/.test(reason)) {
    return new ExternalServiceError(`Argo CD ${where} answered 429 (${reason}): the applications list is over Argo CD's gRPC message limit; narrow it with changes.argocd.appSelector or changes.argocd.projects, or raise ARGOCD_GRPC_MAX_SIZE_MB on argocd-server`, { service: 'argocd', status: 429, retryable: false });
  }
  const hint = res.status === 401 || res.status === 403 ? ": check the Argo CD token (not expired) and the token's project role (it needs applications, get)" : '';
  return new HttpServiceError(`Argo CD ${where} answered ${res.status} (${reason})${hint}`, { service: 'argocd', status: res.status }, parseRetryAfterMs(res.headers.get('retry-after'), nowMs));
}

function errorReason(text: string): string {
  try {
    const parsed = ArgoErrorBody.safeParse(JSON.parse(text));
    if (parsed.success) return (parsed.data.message ?? parsed.data.error ?? '').slice(0, 200);
  } catch {
    // Proxies answer HTML or plain text.
  }
  return text.slice(0, 200);
}

/** One malformed application is skipped with a warning; it must not hide the rest of the fleet. */
function parseList(text: string, where: string, logger: Logger): ArgoApplication[] {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (err) {
    throw new ExternalServiceError(`Argo CD ${where} answered non-JSON: ${text.slice(0, 100)}`, { service: 'argocd', retryable: false }, { cause: err });
  }
  const list = ArgoApplicationList.safeParse(json);
  if (!list.success) {
    const [p] = describeIssues(list.error.issues, ArgoApplicationList, json);
    throw new ExternalServiceError(`Argo CD ${where} answered something other than an application list: ${p.field}: ${p.message}`, { service: 'argocd', retryable: false });
  }
  const apps: ArgoApplication[] = [];
  for (const item of list.data.items ?? []) {
    const app = ArgoApplication.safeParse(item);
    if (app.success) {
      apps.push(app.data);
      continue;
    }
    const [p] = describeIssues(app.error.issues, ArgoApplication, item);
    logger.warn({ app: (item as { metadata?: { name?: unknown } } | null)?.metadata?.name, path: p.field, issue: p.message }, 'argo cd application skipped: unexpected shape');
  }
  return apps;
}
