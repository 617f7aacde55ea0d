import type { PlannedCall } from '../../adapters/cluster-ops/types.js';

/** An Argo CD Application reference; `namespace` is set only for apps outside Argo CD's own namespace. */
export interface ArgoAppRef {
  name: string;
  namespace?: string;
}

export interface ArgoResourceRef {
  group: string;
  version: string;
  kind: string;
  namespace: string;
  name: string;
}

/** The fields of an Argo CD Application the operations read. */
export interface ArgoApplication {
  name: string;
  automated: Record<string, unknown> | null;
  /** Deployment history, oldest first (Argo CD's order). */
  history: { id: number; revision: string }[];
  /**
   * The resources the application manages (status.resources); undefined where nobody can say (the
   * dry-run's stand-in). A workload's tracking label can name any application, so a whole-app
   * action checks that the application lists the workload.
   */
  resources?: { group?: string; kind: string; namespace?: string; name: string }[];
  /**
   * Where the application deploys (spec.destination: an Argo CD cluster name or API server URL);
   * undefined where nobody can say (the dry-run's stand-in).
   */
  destination?: { server?: string; name?: string };
}

/**
 * What the operations ask of Argo CD for objects it manages: built-in resource actions, rollback and
 * the auto-sync switch (a rollback is refused by Argo CD while auto-sync is on).
 */
export interface ArgoCdApi {
  getApplication(app: ArgoAppRef): Promise<ArgoApplication>;
  runResourceAction(app: ArgoAppRef, resource: ArgoResourceRef, action: string): Promise<void>;
  /** `null` disables automated sync; an object restores it as it was. */
  setAutomatedSync(app: ArgoAppRef, automated: Record<string, unknown> | null): Promise<void>;
  rollback(app: ArgoAppRef, historyId: number): Promise<void>;
}

const enc = encodeURIComponent;
const appQuery = (app: ArgoAppRef) => (app.namespace ? `appNamespace=${enc(app.namespace)}` : '');
const withQuery = (path: string, ...parts: string[]) => {
  const q = parts.filter(Boolean).join('&');
  return q ? `${path}?${q}` : path;
};

/** The Argo CD REST calls, as the adapter sends them and as previews show them. */
export const argoCalls = {
  getApplication: (app: ArgoAppRef): PlannedCall => ({
    method: 'GET', path: withQuery(`/api/v1/applications/${enc(app.name)}`, appQuery(app)), description: `read Argo CD application ${app.name}`,
  }),
  runResourceAction: (app: ArgoAppRef, r: ArgoResourceRef, action: string): PlannedCall => ({
    method: 'POST',
    path: withQuery(`/api/v1/applications/${enc(app.name)}/resource/actions`, `namespace=${enc(r.namespace)}`, `resourceName=${enc(r.name)}`,
      `version=${enc(r.version)}`, `kind=${enc(r.kind)}`, `group=${enc(r.group)}`, appQuery(app)),
    body: action,
    description: `Argo CD action ${action} on ${r.kind} ${r.namespace}/${r.name} (application ${app.name})`,
  }),
  setAutomatedSync: (app: ArgoAppRef, automated: Record<string, unknown> | null): PlannedCall => ({
    method: 'PATCH',
    path: withQuery(`/api/v1/applications/${enc(app.name)}`, appQuery(app)),
    body: { name: app.name, patchType: 'merge', patch: JSON.stringify({ spec: { syncPolicy: { automated } } }), ...(app.namespace ? { appNamespace: app.namespace } : {}) },
    description: `${automated ? 're-enable' : 'disable'} automated sync of Argo CD application ${app.name}`,
  }),
  rollback: (app: ArgoAppRef, id: number): PlannedCall => ({
    method: 'POST',
    path: `/api/v1/applications/${enc(app.name)}/rollback`,
    body: { name: app.name, id, prune: false, dryRun: false, ...(app.namespace ? { appNamespace: app.namespace } : {}) },
    description: `Argo CD rollback of application ${app.name} to history id ${id}`,
  }),
};

/** Wraps an ArgoCdApi so each call is recorded like the Kubernetes calls. */
export function recordingArgo(api: ArgoCdApi, calls: PlannedCall[]): ArgoCdApi {
  return {
    getApplication: (app) => { calls.push(argoCalls.getApplication(app)); return api.getApplication(app); },
    runResourceAction: (app, r, a) => { calls.push(argoCalls.runResourceAction(app, r, a)); return api.runResourceAction(app, r, a); },
    setAutomatedSync: (app, au) => { calls.push(argoCalls.setAutomatedSync(app, au)); return api.setAutomatedSync(app, au); },
    rollback: (app, id) => { calls.push(argoCalls.rollback(app, id)); return api.rollback(app, id); },
  };
}

const INSTANCE_LABEL = 'argocd.argoproj.io/instance';
const TRACKING_ANNOTATION = 'argocd.argoproj.io/tracking-id';

/**
 * The Argo CD application managing an object, from the tracking annotation (`app:group/kind:ns/name`,
 * app as `ns_app` for apps in any namespace) or the legacy instance label; undefined when unmanaged.
 */
export function argoManagedBy(meta: { labels?: Record<string, string>; annotations?: Record<string, string> } | undefined): ArgoAppRef | undefined {
  const tracking = meta?.annotations?.[TRACKING_ANNOTATION];
  const raw = tracking ? tracking.split(':')[0] : meta?.labels?.[INSTANCE_LABEL];
  if (!raw) return undefined;
  const sep = raw.indexOf('_');
  return sep > 0 ? { namespace: raw.slice(0, sep), name: raw.slice(sep + 1) } : { name: raw };
}

const trimUrl = (u: string) => u.trim().replace(/\/+$/, '').toLowerCase();

/**
 * Why an action on the whole application, or on a resource through it, would not act on this workload
 * of this cluster: the workload's tracking label can name any application (anyone who can label it
 * can), so the application must list the workload and deploy to the target cluster, by Argo CD
 * cluster name or API server URL. Undefined: it does.
 */
export function argoTargetProblem(
  app: ArgoAppRef, application: ArgoApplication, target: { kind: string; namespace: string; name: string },
  cluster: { name: string; server?: string },
): string | undefined {
  const t = target;
  if (application.resources && !application.resources.some((r) => r.kind === t.kind && r.name === t.name && (r.namespace ?? t.namespace) === t.namespace)) {
    return `Argo CD application ${app.name} does not list ${t.kind} ${t.namespace}/${t.name} among its resources, though the workload's tracking label names it`;
  }
  const d = application.destination;
  if (!d) return undefined;
  const byName = d.name !== undefined && d.name !== '' && d.name === cluster.name;
  const byServer = d.server !== undefined && d.server !== '' && cluster.server !== undefined && trimUrl(d.server) === trimUrl(cluster.server);
  if (byName || byServer) return undefined;
  const there = [d.name && `cluster ${d.name}`, d.server && `server ${d.server}`].filter(Boolean).join(', ') || 'no destination';
  return `Argo CD application ${app.name} deploys to ${there}, not to cluster ${cluster.name}${cluster.server ? ` (${cluster.server})` : ''} where ${t.kind} ${t.namespace}/${t.name} runs`;
}
