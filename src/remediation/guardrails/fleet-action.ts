import type { ProposalRepo, ProposalRow } from '../../adapters/store/types.js';
import type { FleetAction } from './guardrail-state.js';

/** What the cluster registry (or, for the environment, the inventory) says of a cluster. */
export interface ClusterFacts {
  canary?: boolean;
  environment?: string;
}

/** Closed without anything run: no longer part of the action. */
export const NEVER_RAN: readonly string[] = ['rejected', 'expired', 'recovered'];
const STARTED = ['executing', 'succeeded', 'failed', 'rolled-back'];
const PRODUCTION = /^prod/i;

/** Failed, rolled back, or rolling back (every end of that phase is failed or rolled-back). */
export const failedOrRollingBack = (r: ProposalRow): boolean => r.state === 'failed' || r.state === 'rolled-back' || (r.state === 'executing' && r.checkpoint?.phase === 'rolling-back');

const rank = (started: boolean, environment: string | undefined) => (started ? 0 : 2) + (environment !== undefined && !PRODUCTION.test(environment) ? 0 : 1);

/**
 * Canary clusters: those the registry marks `canary: true`. When none is, the first cluster by:
 * already started the operation, then a known non-production environment, then name. The same on
 * every run, and a cluster that joins the group later does not take over from one under way.
 */
function canariesOf(members: readonly ProposalRow[], clusters: readonly string[], facts: (cluster: string) => ClusterFacts): string[] {
  const marked = clusters.filter((c) => facts(c).canary === true);
  if (marked.length > 0) return marked;
  const started = new Set(members.filter((r) => STARTED.includes(r.state)).map((r) => r.cluster));
  const key = (c: string) => rank(started.has(c), facts(c).environment);
  return [clusters.reduce((best, c) => (key(c) < key(best) || (key(c) === key(best) && c < best) ? c : best))];
}

/**
 * The fleet action a proposal belongs to: the proposals of its incident group for the same operation,
 * except those closed without running, when they span two or more clusters; undefined otherwise. A
 * canary is verified when every such proposal on it succeeded (a success is verified: see
 * run-execution), and failed when one failed, was rolled back or is rolling back.
 */
export function fleetActionOf(self: ProposalRow, groupRows: readonly ProposalRow[], facts: (cluster: string) => ClusterFacts): FleetAction | undefined {
  const members = groupRows.filter((r) => r.groupId === self.groupId && r.operation === self.operation && !NEVER_RAN.includes(r.state));
  const clusters = [...new Set(members.map((r) => r.cluster))].sort();
  if (clusters.length < 2) return undefined;
  const canaryClusters = canariesOf(members, clusters, facts);
  const on = (c: string) => members.filter((r) => r.cluster === c);
  return {
    canaryClusters,
    verifiedClusters: canaryClusters.filter((c) => on(c).every((r) => r.state === 'succeeded')),
    failedClusters: canaryClusters.filter((c) => on(c).some(failedOrRollingBack)),
  };
}

/**
 * The fleet action of a proposal, read from the store. Given the row of one not stored yet (at
 * proposal time), it is judged as a member too, so a cluster proposed after its canary failed is
 * refused; given only the id of one not stored, undefined.
 */
export async function loadFleetAction(proposals: Pick<ProposalRepo, 'get' | 'list'>, proposal: string | ProposalRow, facts: (cluster: string) => ClusterFacts): Promise<FleetAction | undefined> {
  const id = typeof proposal === 'string' ? proposal : proposal.id;
  const self = (await proposals.get(id)) ?? (typeof proposal === 'string' ? undefined : proposal);
  if (!self) return undefined;
  const rows = await proposals.list({ groupId: self.groupId });
  return fleetActionOf(self, rows.some((r) => r.id === self.id) ? rows : [...rows, self], facts);
}
