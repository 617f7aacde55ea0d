import { describeTarget, withinLastHour, type Guardrail } from './guard-context.js';

/**
 * No operation starts inside a change-freeze window covering the target cluster or its environment.
 * A window limited to environments also stops a cluster whose environment is unknown (not in the
 * inventory, or no environment label): fail closed, as every guardrail does when facts cannot be read.
 */
export const changeFreeze: Guardrail = async (g) => {
  const { cluster } = g.req.target;
  const env = g.state.cluster?.environment;
  // an empty list is the default (all), as activeChangeFreeze reads it: never "none"
  const hit = g.state.freezeWindows.find((w) => Date.parse(w.startsAt) <= g.state.nowMs && g.state.nowMs < Date.parse(w.endsAt)
    && (!w.clusters?.length || w.clusters.includes(cluster))
    && (!w.environments?.length || env === undefined || w.environments.includes(env)));
  if (!hit) return undefined;
  const unknown = hit.environments?.length && env === undefined ? ` (it covers ${hit.environments.join(', ')}, and the environment of ${cluster} is unknown)` : '';
  return `change freeze until ${hit.endsAt}: ${hit.reason}${unknown}`;
};

/** At most maxConcurrentOperations executing fleet-wide and maxConcurrentPerCluster in one cluster. */
export const maxConcurrentOperations: Guardrail = async (g) => {
  const running = g.state.recentOperations.filter((o) => o.state === 'executing' && o.operationId !== g.req.operationId);
  if (running.length >= g.limits.maxConcurrentOperations) return `${running.length} operations are executing (at most ${g.limits.maxConcurrentOperations} at once)`;
  const here = running.filter((o) => o.cluster === g.req.target.cluster).length;
  return here >= g.limits.maxConcurrentPerCluster ? `${here} operation(s) are executing in ${g.req.target.cluster} (at most ${g.limits.maxConcurrentPerCluster})` : undefined;
};

/**
 * A fleet-wide action reaches a non-canary cluster only after it succeeded on every canary cluster.
 * Until then the other clusters wait (judged again later); after a canary failed they never go on.
 */
export const canaryFirst: Guardrail = async (g) => {
  const action = g.state.fleetAction;
  if (!action) return undefined;
  if (action.canaryClusters.length === 0) return 'a fleet-wide action needs at least one canary cluster';
  if (action.canaryClusters.includes(g.req.target.cluster)) return undefined;
  const failed = action.failedClusters ?? [];
  if (failed.length > 0) return `fleet-wide action: ${g.op.id} failed or was rolled back on canary cluster(s) ${failed.join(', ')}, so it does not go on to other clusters`;
  const pending = action.canaryClusters.filter((c) => !action.verifiedClusters.includes(c));
  return pending.length === 0 ? undefined : { waiting: `fleet-wide action: canary cluster(s) ${pending.join(', ')} not yet verified` };
};

/** Operations with a `maxClustersPerHour` parameter (rollback-revision) reach at most that many clusters per hour. */
export const clustersPerHour: Guardrail = async (g) => {
  const param = g.params.maxClustersPerHour;
  if (typeof param !== 'number') return undefined;
  const max = Math.min(param, g.limits.maxClustersPerHour);
  const clusters = new Set(g.state.recentOperations
    .filter((o) => o.operation === g.op.id && o.operationId !== g.req.operationId && withinLastHour(g, o.startedAtMs) && o.cluster !== g.req.target.cluster)
    .map((o) => o.cluster));
  return clusters.size + 1 > max ? `${g.op.id} already reached ${clusters.size} cluster(s) in the last hour (at most ${max})` : undefined;
};

/**
 * The same operation on the same object does not run again while one executes, or within
 * repeatWindowHours of one that succeeded, from another proposal: when a later digest run regroups
 * an incident, the old group's approved proposal and the new group's would otherwise both run, and
 * a rollback run twice re-applies the revision it rolled back from.
 */
export const noRepeat: Guardrail = async (g) => {
  const t = g.req.target;
  const windowMs = g.limits.repeatWindowHours * 3_600_000;
  const same = g.state.recentOperations.find((o) => o.operationId !== g.req.operationId && o.operation === g.op.id && o.cluster === t.cluster
    && o.target?.kind === t.kind && (o.target.namespace ?? '') === (t.namespace ?? '') && o.target.name === t.name
    && (o.state === 'executing' || (o.state === 'succeeded' && o.startedAtMs > g.state.nowMs - windowMs)));
  if (!same) return undefined;
  const what = `${g.op.id} of ${describeTarget(g)} in ${t.cluster}`;
  return same.state === 'executing'
    ? `${what} is already executing (proposal ${same.operationId.slice(0, 8)})`
    : `${what} already succeeded ${Math.round((g.state.nowMs - same.startedAtMs) / 60_000)} min ago (proposal ${same.operationId.slice(0, 8)}); not repeated within ${g.limits.repeatWindowHours} h`;
};
