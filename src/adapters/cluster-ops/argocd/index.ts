import { ExternalServiceError } from '../../../core/errors.js';
import { argoCalls, type ArgoCdApi, type ArgoApplication } from '../../../remediation/ops/index.js';
import type { PlannedCall } from '../types.js';
import { ArgoApplicationResponse, ArgoError } from './schema.js';
import { withTimeout } from '../../../core/backoff.js';

export interface ArgoCdOptions {
  /** e.g. https://argocd.example.com */
  baseUrl: string;
  /** An Argo CD API token (account with `applications, action/*`, `sync`, `update` on the managed apps). */
  token: string;
  timeoutMs?: number;
  retries?: number;
  fetch?: typeof fetch;
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
  signal?: AbortSignal;
}

/** The Argo CD REST API for objects Argo CD manages: resource actions, rollback, auto-sync switch. */
export function createArgoCdClient(o: ArgoCdOptions): ArgoCdApi {
  const doFetch = o.fetch ?? fetch;
  const send = async (call: PlannedCall): Promise<unknown> => {
    for (let attempt = 0; ; attempt++) {
      const { res, text } = await withTimeout(o.signal, o.timeoutMs ?? 30_000, async (signal) => {
        const r = await doFetch(new URL(call.path, o.baseUrl), {
          method: call.method,
          headers: { authorization: `Bearer ${o.token}`, 'content-type': 'application/json', accept: 'application/json' },
          body: call.body === undefined ? undefined : JSON.stringify(call.body),
          signal,
        });
        return { res: r, text: await r.text() };
      });
      if (res.ok) return text ? JSON.parse(text) : undefined;
      const retryable = res.status === 429 || res.status >= 500;
      if (!retryable || attempt >= (o.retries ?? 3) || o.signal?.aborted) throw argoError(call, res.status, text);
      const after = Number(res.headers.get('retry-after'));
      await o.sleep(Number.isFinite(after) && after > 0 ? after * 1000 : 500 * 2 ** attempt, o.signal);
    }
  };
  return {
    async getApplication(app): Promise<ArgoApplication> {
      const parsed = ArgoApplicationResponse.safeParse(await send(argoCalls.getApplication(app)));
      if (!parsed.success) throw new ExternalServiceError(`Argo CD application ${app.name}: unexpected response shape`, { service: 'argocd' }, { cause: parsed.error });
      const a = parsed.data;
      return {
        name: a.metadata.name, automated: a.spec.syncPolicy?.automated ?? null, history: (a.status?.history ?? []).map((h) => ({ id: h.id, revision: h.revision })),
        // none listed is none managed: the check that needs it then refuses
        resources: (a.status?.resources ?? []).map((r) => ({ group: r.group, kind: r.kind, namespace: r.namespace, name: r.name })),
        // none given is nowhere known: the destination check then refuses
        destination: { server: a.spec.destination?.server ?? undefined, name: a.spec.destination?.name ?? undefined },
      };
    },
    async runResourceAction(app, resource, action) { await send(argoCalls.runResourceAction(app, resource, action)); },
    async setAutomatedSync(app, automated) { await send(argoCalls.setAutomatedSync(app, automated)); },
    async rollback(app, id) { await send(argoCalls.rollback(app, id)); },
  };
}

function argoError(call: PlannedCall, status: number, text: string): ExternalServiceError {
  let detail = text.slice(0, 300);
  try {
    const e = ArgoError.parse(JSON.parse(text));
    detail = e.message ?? e.error ?? detail;
  } catch {
    // not JSON: keep the raw excerpt
  }
  const hint = status === 403 || status === 401 ? ' (check the Argo CD token and its RBAC for this application)' : '';
  return new ExternalServiceError(`Argo CD ${call.method} ${call.path.split('?')[0]}: HTTP ${status}: ${detail}${hint}`, { service: 'argocd', status, retryable: status === 429 || status >= 500 });
}
