import type { ProposalRow } from '../../adapters/store/types.js';
import { failedOrRollingBack } from '../guardrails/fleet-action.js';
import type { FleetAction } from '../guardrails/guardrail-state.js';
import { shortId } from './proposal-id.js';
import { transitionProposal } from './proposal-state.js';
import { findProposalPost, postThreadNote, upsertProposalMessage } from './proposal-thread.js';
import { loadProposalView } from './proposal-view.js';
import type { RemediationDeps } from './remediation-deps.js';

/**
 * The fleet action of a stored proposal, as canary-first sees it; undefined when it has none, the gate
 * cannot tell (no fleet facts) or its state cannot be read (logged): then nothing is closed or
 * extended, and canary-first still holds the proposal right before execution.
 */
export async function fleetActionFor(deps: RemediationDeps, p: ProposalRow): Promise<FleetAction | undefined> {
  try {
    return await deps.guardrails.fleetAction?.(p);
  } catch (err) {
    deps.logger.warn({ proposal: shortId(p.id), error: (err as Error).message }, 'fleet action could not be read');
    return undefined;
  }
}

/**
 * An open (proposed or approved) proposal on a non-canary cluster of a fleet action whose canary
 * failed, was rolled back or is rolling back: closed as rejected (audited by the transition), with a
 * note in its thread naming the canary. True when the canary failed, whoever closed it. Idempotent:
 * the note is posted under one key before the compare-and-set, so a rerun after a crash edits it,
 * and only the winning transition is audited.
 */
export async function closeIfCanaryFailed(deps: RemediationDeps, p: ProposalRow, action: FleetAction | undefined): Promise<boolean> {
  const failedClusters = action?.failedClusters ?? [];
  if (!action || failedClusters.length === 0 || action.canaryClusters.includes(p.cluster)) return false;
  if (p.state !== 'proposed' && p.state !== 'approved') return true;
  const canaries = (await deps.store.proposals.list({ groupId: p.groupId }))
    .filter((r) => r.operation === p.operation && failedClusters.includes(r.cluster) && failedOrRollingBack(r));
  const named = canaries.map((r) => `\`${shortId(r.id)}\` on ${r.cluster} (${r.state === 'executing' ? 'rolling back' : r.state})`).join(', ') || failedClusters.join(', ');
  const post = await findProposalPost(deps.store, p);
  if (post) await postThreadNote(deps, post, p.id, 'canary-failed', `Closed without running: the canary of this fleet action failed (${named}), so ${p.operation} does not go on to ${p.cluster}. Nothing was changed there.`);
  const next = await transitionProposal(deps.store, p, 'rejected', deps.clock.nowMs(), {
    actor: 'fleetops', details: { reason: 'the canary of its fleet action failed', canaryClusters: failedClusters, canaryProposals: canaries.map((r) => r.id) },
  });
  const view = next && post ? await loadProposalView(deps, next) : undefined;
  if (view) await upsertProposalMessage(deps, view);
  return true;
}

/**
 * After `ended` failed or was rolled back: when it ran on a canary of its fleet action, the action's
 * open proposals on the other clusters are closed (closeIfCanaryFailed), so none is still offered
 * for approval. Returns how many were open.
 */
export async function closeFleetActionAfter(deps: RemediationDeps, ended: ProposalRow): Promise<number> {
  const action = await fleetActionFor(deps, ended);
  if (!action?.failedClusters?.includes(ended.cluster)) return 0;
  const open = (await deps.store.proposals.list({ groupId: ended.groupId }))
    .filter((r) => r.operation === ended.operation && (r.state === 'proposed' || r.state === 'approved') && !action.canaryClusters.includes(r.cluster));
  for (const r of open) await closeIfCanaryFailed(deps, r, action);
  return open.length;
}
