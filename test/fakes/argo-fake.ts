import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { closeServer, listenLocal } from './listen-local.js';

/**
 * A local fake of the Argo CD and Argo Workflows (Argo Server) REST paths fleetops uses. Argo CD:
 * applications with sync policy and history; resource actions; merge-patch of the application;
 * rollback refused while automated sync is on (as Argo CD does). Argo Workflows: create answers 409
 * AlreadyExists for an existing name, 400 for a name over 63 characters; get; stop and terminate
 * (`PUT …/stop`, `…/terminate`) set `spec.shutdown` and leave the phase to the controller
 * (`completeShutdowns()` plays it; `deleteWorkflow()` plays its ttlStrategy), and answer
 * 500 for a finished Workflow, as Argo Server does. Checks the bearer token; records every request and
 * flags any it does not serve in `unexpected`.
 */

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
export interface ArgoFakeRequest { method: string; path: string; authorization?: string; body?: unknown }

export async function startArgoFake(opts: { token: string }) {
  const apps = new Map<string, Obj>();
  const workflows = new Map<string, Obj>();
  const requests: ArgoFakeRequest[] = [];
  const unexpected: string[] = [];
  const actions: { app: string; action: string; query: Record<string, string> }[] = [];
  const rollbacks: { app: string; id: number }[] = [];
  const stops: { name: string; strategy: 'stop' | 'terminate'; body: unknown }[] = [];
  let created = 0;
  /** Answers for the next requests, before any routing (429 or 5xx, as a proxy or Argo Server under load gives). */
  const failures: { status: number; headers?: Record<string, string> }[] = [];

  const grpcError = (status: number, code: number, message: string): [number, Obj] => [status, { error: message, code, message }];
  const route = (method: string, url: URL, body: Obj | undefined): [number, unknown] | undefined => {
    let m: RegExpMatchArray | null;
    if ((m = url.pathname.match(/^\/api\/v1\/applications\/([^/]+)$/))) {
      const app = apps.get(m[1]);
      if (!app) return grpcError(404, 5, `applications.argoproj.io "${m[1]}" not found`);
      if (method === 'GET') return [200, app];
      if (method === 'PATCH' && body?.patchType === 'merge') {
        const patch = JSON.parse(body.patch);
        if (patch.spec?.syncPolicy && 'automated' in patch.spec.syncPolicy) app.spec.syncPolicy = { ...app.spec.syncPolicy, automated: patch.spec.syncPolicy.automated ?? undefined };
        return [200, app];
      }
    }
    if (method === 'POST' && (m = url.pathname.match(/^\/api\/v1\/applications\/([^/]+)\/resource\/actions$/))) {
      if (!apps.has(m[1])) return grpcError(404, 5, 'app not found');
      actions.push({ app: m[1], action: String(body), query: Object.fromEntries(url.searchParams) });
      return [200, {}];
    }
    if (method === 'POST' && (m = url.pathname.match(/^\/api\/v1\/applications\/([^/]+)\/rollback$/))) {
      const app = apps.get(m[1]);
      if (!app) return grpcError(404, 5, 'app not found');
      if (app.spec.syncPolicy?.automated) return grpcError(400, 9, 'rollback cannot be initiated when auto-sync is enabled');
      if (!(app.status.history ?? []).some((h: Obj) => h.id === body?.id)) return grpcError(400, 3, `application ${m[1]} does not have deployment with id ${body?.id}`);
      rollbacks.push({ app: m[1], id: body!.id });
      // as Argo CD does: the rollback is a sync of the older revision, recorded as a new history entry
      const history = app.status.history as Obj[];
      history.push({ id: Math.max(...history.map((h) => h.id as number)) + 1, revision: history.find((h) => h.id === body?.id)!.revision });
      return [200, app];
    }
    if (method === 'PUT' && (m = url.pathname.match(/^\/api\/v1\/workflows\/([^/]+)\/([^/]+)\/(stop|terminate)$/))) {
      const wf = workflows.get(m[2]);
      if (!wf) return grpcError(404, 5, `workflows.argoproj.io "${m[2]}" not found`);
      // util.StopWorkflow's AlreadyShutdownError, which the server maps to codes.Internal
      if (['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase)) return grpcError(500, 13, `cannot shutdown a completed workflow: workflow: "${m[2]}", namespace: "${m[1]}"`);
      const strategy = m[3] as 'stop' | 'terminate';
      stops.push({ name: m[2], strategy, body });
      wf.spec = { ...wf.spec, shutdown: strategy === 'stop' ? 'Stop' : 'Terminate' };
      return [200, wf];
    }
    if ((m = url.pathname.match(/^\/api\/v1\/workflows\/([^/]+)(?:\/([^/]+))?$/))) {
      if (method === 'POST' && !m[2]) {
        const wf = body?.workflow as Obj;
        // as Argo Server's validation does: the name also goes into labels
        if (wf.metadata.name.length > 63) return grpcError(400, 3, `workflow name "${wf.metadata.name}" must not be more than 63 characters long (currently ${wf.metadata.name.length})`);
        if (workflows.has(wf.metadata.name)) return grpcError(409, 6, `workflows.argoproj.io "${wf.metadata.name}" already exists`);
        created += 1;
        workflows.set(wf.metadata.name, { ...wf, status: { phase: 'Running' } });
        return [200, workflows.get(wf.metadata.name)];
      }
      if (method === 'GET' && m[2]) return workflows.has(m[2]) ? [200, workflows.get(m[2])] : grpcError(404, 5, `workflows.argoproj.io "${m[2]}" not found`);
    }
    return undefined;
  };

  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const url = new URL(req.url ?? '/', 'http://fake');
      const body = text ? JSON.parse(text) : undefined;
      requests.push({ method: req.method ?? 'GET', path: `${url.pathname}${url.search}`, authorization: req.headers.authorization, body });
      const send = (status: number, payload: unknown, headers: Record<string, string> = {}) => { res.writeHead(status, { 'content-type': 'application/json', ...headers }); res.end(JSON.stringify(payload)); };
      const failure = failures.shift();
      if (failure) return send(failure.status, { error: 'upstream connect error', code: 14, message: `injected ${failure.status}` }, failure.headers);
      if (req.headers.authorization !== `Bearer ${opts.token}`) return send(401, { error: 'invalid session', code: 16, message: 'invalid session' });
      const answer = route(req.method ?? 'GET', url, body);
      if (!answer) {
        unexpected.push(`${req.method} ${url.pathname}`);
        return send(404, { code: 5, message: 'Not Found' });
      }
      send(...answer);
    });
  });
  const port = await listenLocal(server);
  return {
    url: `http://127.0.0.1:${port}`,
    requests, unexpected, actions, rollbacks, stops,
    workflowsCreated: () => created,
    failNext: (...more: { status: number; headers?: Record<string, string> }[]) => { failures.push(...more); },
    workflow: (name: string) => workflows.get(name),
    setWorkflowPhase: (name: string, phase: string, message?: string) => { workflows.get(name)!.status = { phase, message }; },
    /** What the controller's ttlStrategy does to a finished Workflow. */
    deleteWorkflow: (name: string) => { workflows.delete(name); },
    /** Names of the Workflows submitted (POSTed), in order, whether created or answered 409. */
    submittedNames: () => requests.filter((r) => r.method === 'POST' && /^\/api\/v1\/workflows\/[^/]+$/.test(r.path)).map((r) => (r.body as Obj | undefined)?.workflow?.metadata?.name as string),
    /** What the controller does with a Workflow asked to stop or terminate: it ends as Failed. */
    completeShutdowns: () => {
      for (const wf of workflows.values()) {
        if (wf.spec?.shutdown && !['Succeeded', 'Failed', 'Error'].includes(wf.status?.phase)) wf.status = { phase: 'Failed', message: `Stopped with strategy '${wf.spec.shutdown}'` };
      }
    },
    /** An application; its destination defaults to the Argo CD cluster named cluster-a (the shared fixtures' cluster). */
    addApp: (name: string, o: { automated?: Obj; history?: { id: number; revision: string }[]; resources?: Obj[]; destination?: Obj } = {}) => {
      apps.set(name, {
        metadata: { name, namespace: 'argocd' },
        spec: { destination: o.destination ?? { name: 'cluster-a', namespace: 'shop' }, syncPolicy: { automated: o.automated } },
        status: { history: o.history ?? [], resources: o.resources ?? [] },
      });
    },
    app: (name: string) => apps.get(name),
    close: () => closeServer(server),
  };
}
export type ArgoFake = Awaited<ReturnType<typeof startArgoFake>>;
