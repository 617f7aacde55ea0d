/**
 * One Argo CD Application → its deploy changes: every history entry, plus the current sync when history
 * does not hold it (running, failed, or a selective sync, which Argo CD never records there).
 */
import type { Change } from '../types.js';
import { isImageTagParameter, type AppSource, type ArgoApplication, type OperationState, type RevisionHistory } from './schema.js';

export interface AppIdentity {
  cluster: string;
  component: string;
}

export function appChanges(app: ArgoApplication, id: AppIdentity): Change[] {
  const key = `${app.metadata.namespace ?? 'argocd'}/${app.metadata.name}`;
  const history = [...(app.status?.history ?? [])].sort((a, b) => a.id - b.id);
  const op = app.status?.operationState ?? undefined;
  const last = history.at(-1);
  const opRecorded = op !== undefined && last !== undefined && recordedIn(last, op);
  const out: Change[] = history.flatMap((h, i) => {
    // when the sync began, where Argo CD recorded it: deployedAt is when it ended, after the new pods
    // were already serving, and the RCA refuses a deploy that lands after a dip's onset
    const tsMs = Date.parse(h.deployStartedAt ?? h.deployedAt);
    if (Number.isNaN(tsMs)) return [];
    const prev = i > 0 ? history[i - 1] : undefined;
    const author = initiator(h.initiatedBy) ?? (h === last && opRecorded ? initiator(op.operation?.initiatedBy) : undefined) ?? 'argocd';
    return [{
      id: `argocd:${key}:${h.id}`, tsMs, ...id, kind: 'deploy', status: 'succeeded', author,
      ...versions(prev && deployedVersion(prev), deployedVersion(h)),
      description: `Argo CD sync of ${app.metadata.name} to ${revisionText(h)}${describeSource(isMultiSource(h) ? h.sources?.[0] : h.source)}`,
    }];
  });
  if (op && !opRecorded && !op.operation?.sync?.dryRun && (op.phase !== 'Succeeded' || selectedResources(op).length > 0)) {
    const change = operationChange(app, key, op, last, id);
    if (change) out.push(change);
  }
  return out;
}

/**
 * Whether the history entry is the operation's sync. Argo CD writes a full sync's entry (deployStartedAt
 * = the operation's startedAt) before it marks the operation done, so for a moment the same sync shows
 * as both; before deployStartedAt existed, a succeeded full sync is the newest entry.
 */
function recordedIn(h: RevisionHistory, op: OperationState): boolean {
  if (h.deployStartedAt !== undefined) return Date.parse(h.deployStartedAt) === Date.parse(op.startedAt);
  return op.phase === 'Succeeded' && selectedResources(op).length === 0 && !op.operation?.sync?.dryRun;
}

function selectedResources(op: OperationState): string[] {
  return (op.operation?.sync?.resources ?? []).map((r) => `${r.kind ?? '?'}/${r.name ?? '?'}`);
}

function operationChange(app: ArgoApplication, key: string, op: OperationState, last: RevisionHistory | undefined, id: AppIdentity): Change | undefined {
  const tsMs = Date.parse(op.startedAt);
  if (Number.isNaN(tsMs)) return undefined;
  const sync = op.operation?.sync;
  const target: Deployed = {
    revision: sync?.revision || op.syncResult?.revision, revisions: sync?.revisions?.length ? sync.revisions : op.syncResult?.revisions,
    source: op.syncResult?.source, sources: op.syncResult?.sources,
  };
  const status = op.phase === 'Running' || op.phase === 'Terminating' ? 'running' : op.phase === 'Succeeded' ? 'succeeded' : 'failed';
  const what = status === 'failed' ? `${op.phase.toLowerCase()}: ${(op.message ?? 'no message').slice(0, 300)}` : status === 'running' ? 'in progress' : 'succeeded';
  const selected = selectedResources(op);
  const only = selected.length ? ` (${selected.length} resource${selected.length === 1 ? '' : 's'}: ${selected.slice(0, 3).join(', ')}${selected.length > 3 ? ', …' : ''})` : '';
  return {
    id: `argocd:${key}:op:${op.startedAt}`, tsMs, ...id, kind: 'deploy', status, author: initiator(op.operation?.initiatedBy) ?? 'argocd',
    ...versions(last && deployedVersion(last), deployedVersion(target)),
    description: `Argo CD sync of ${app.metadata.name} to ${revisionText(target)}${only} ${what}`,
  };
}

function initiator(i: { username?: string; automated?: boolean } | undefined): string | undefined {
  if (i?.username) return i.username;
  return i?.automated ? 'argocd (automated)' : undefined;
}

function versions(from: string | undefined, to: string | undefined): { fromVersion?: string; toVersion?: string } {
  return { ...(from ? { fromVersion: from } : {}), ...(to ? { toVersion: to } : {}) };
}

/** What one sync deployed: `revision`/`source` for a single-source app, `revisions`/`sources` (one per source) for a multi-source one. */
interface Deployed {
  revision?: string;
  revisions?: string[];
  source?: AppSource;
  sources?: AppSource[];
}

function isMultiSource(d: Deployed): boolean {
  return (d.sources?.length ?? 0) > 0 || (!d.revision && (d.revisions?.length ?? 0) > 0);
}

/**
 * A multi-source app's version is a tag pinned in any of its sources, else every source's revision:
 * a sync may move only one source (a values repository), and the first alone would read unchanged.
 */
function deployedVersion(d: Deployed): string | undefined {
  if (!isMultiSource(d)) return versionOf(d.revision, d.source);
  const tag = d.sources?.map(pinnedTag).find((t) => t !== undefined);
  return tag ?? (d.revisions?.length ? d.revisions.map(shortRevision).join('+') : undefined);
}

function revisionText(d: Deployed): string {
  return isMultiSource(d) && d.revisions?.length ? d.revisions.map(shortRevision).join(', ') : shortRevision(d.revision);
}

/** The image tag pinned in the source when there is one (what people compare), else the revision. */
export function versionOf(revision: string | undefined, source: AppSource | undefined): string | undefined {
  return pinnedTag(source) ?? revision;
}

function pinnedTag(source: AppSource | undefined): string | undefined {
  const helmTag = source?.helm?.parameters?.find((p) => isImageTagParameter(p.name))?.value;
  if (helmTag) return helmTag;
  const image = source?.kustomize?.images?.[0];
  return image && !image.includes('@') ? /:(\w[\w.-]{0,127})$/.exec(image)?.[1] : undefined;
}

function shortRevision(revision: string | undefined): string {
  if (!revision) return 'an unknown revision';
  return /^[0-9a-f]{40}$/.test(revision) ? revision.slice(0, 8) : revision;
}

function describeSource(source: AppSource | undefined): string {
  if (!source?.repoURL) return '';
  return ` (${source.repoURL}${source.chart ? ` chart ${source.chart}` : source.path ? ` ${source.path}` : ''})`;
}
