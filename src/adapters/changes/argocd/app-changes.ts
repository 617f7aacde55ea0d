/** One Argo CD Application → its deploy changes: every history entry, plus an unfinished or failed sync. */
import type { Change } from '../types.js';
import type { AppSource, ArgoApplication, OperationState, RevisionHistory } from './schema.js';

export interface AppIdentity {
  cluster: string;
  component: string;
}

export function appChanges(app: ArgoApplication, id: AppIdentity): Change[] {
  const key = `${app.metadata.namespace ?? 'argocd'}/${app.metadata.name}`;
  const history = [...(app.status?.history ?? [])].sort((a, b) => a.id - b.id);
  const op = app.status?.operationState ?? undefined;
  const out: Change[] = history.flatMap((h, i) => {
    // when the sync began, where Argo CD recorded it: deployedAt is when it ended, after the new pods
    // were already serving, and the RCA refuses a deploy that lands after a dip's onset
    const tsMs = Date.parse(h.deployStartedAt ?? h.deployedAt);
    if (Number.isNaN(tsMs)) return [];
    const prev = i > 0 ? history[i - 1] : undefined;
    const latest = i === history.length - 1;
    const author = initiator(h.initiatedBy) ?? (latest && op?.phase === 'Succeeded' ? initiator(op.operation?.initiatedBy) : undefined) ?? 'argocd';
    return [{
      id: `argocd:${key}:${h.id}`, tsMs, ...id, kind: 'deploy', status: 'succeeded', author,
      ...versions(prev && versionOf(prev.revision ?? prev.revisions?.[0], prev.source ?? prev.sources?.[0]), versionOf(h.revision ?? h.revisions?.[0], h.source ?? h.sources?.[0])),
      description: `Argo CD sync of ${app.metadata.name} to ${shortRevision(h.revision ?? h.revisions?.[0])}${describeSource(h.source ?? h.sources?.[0])}`,
    }];
  });
  // A succeeded sync is the newest history entry already; a running or failed one is not in history.
  if (op && op.phase !== 'Succeeded') {
    const change = operationChange(app, key, op, history.at(-1), id);
    if (change) out.push(change);
  }
  return out;
}

function operationChange(app: ArgoApplication, key: string, op: OperationState, last: RevisionHistory | undefined, id: AppIdentity): Change | undefined {
  const tsMs = Date.parse(op.startedAt);
  if (Number.isNaN(tsMs)) return undefined;
  const revision = op.operation?.sync?.revision ?? op.operation?.sync?.revisions?.[0] ?? op.syncResult?.revision;
  const status = op.phase === 'Running' || op.phase === 'Terminating' ? 'running' : 'failed';
  const what = status === 'running' ? 'in progress' : `${op.phase.toLowerCase()}: ${(op.message ?? 'no message').slice(0, 300)}`;
  return {
    id: `argocd:${key}:op:${op.startedAt}`, tsMs, ...id, kind: 'deploy', status, author: initiator(op.operation?.initiatedBy) ?? 'argocd',
    ...versions(last && versionOf(last.revision ?? last.revisions?.[0], last.source ?? last.sources?.[0]), versionOf(revision, op.syncResult?.source)),
    description: `Argo CD sync of ${app.metadata.name} to ${shortRevision(revision)} ${what}`,
  };
}

function initiator(i: { username?: string; automated?: boolean } | undefined): string | undefined {
  if (i?.username) return i.username;
  return i?.automated ? 'argocd (automated)' : undefined;
}

function versions(from: string | undefined, to: string | undefined): { fromVersion?: string; toVersion?: string } {
  return { ...(from ? { fromVersion: from } : {}), ...(to ? { toVersion: to } : {}) };
}

/** The image tag pinned in the source when there is one (what people compare), else the revision. */
export function versionOf(revision: string | undefined, source: AppSource | undefined): string | undefined {
  const helmTag = source?.helm?.parameters?.find((p) => p.name === 'image.tag' || p.name.endsWith('.image.tag'))?.value;
  if (helmTag) return helmTag;
  const image = source?.kustomize?.images?.[0];
  const tag = image && !image.includes('@') ? /:(\w[\w.-]{0,127})$/.exec(image)?.[1] : undefined;
  return tag ?? revision;
}

function shortRevision(revision: string | undefined): string {
  if (!revision) return 'an unknown revision';
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 8) : revision;
}

function describeSource(source: AppSource | undefined): string {
  if (!source?.repoURL) return '';
  return ` (${source.repoURL}${source.chart ? ` chart ${source.chart}` : source.path ? ` ${source.path}` : ''})`;
}
