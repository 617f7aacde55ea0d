import type { ProposalRow } from '../../adapters/store/types.js';
import { approvalRequirement } from '../approval/approval-policy.js';
import { findOperation, RISK_LEVELS, type RiskLevel } from '../catalog/safe-operation-schema.js';
import { resolveAutonomy } from '../autonomy/demotions.js';
import { operationRequest } from './create-proposal.js';
import { loadProposalContext } from './proposal-context.js';
import type { ProposalView } from './proposal-message.js';
import { scopeOf, type RemediationDeps } from './remediation-deps.js';

/**
 * Context, current autonomy and requirement, and the dry-run preview for a proposal. Undefined
 * when its context is missing (then nobody can approve it: fail safe).
 */
export async function loadProposalView(deps: RemediationDeps, p: ProposalRow): Promise<ProposalView | undefined> {
  const context = await loadProposalContext(deps.store, p.id);
  if (!context) return undefined;
  const { level } = await resolveAutonomy(deps.store, deps.config, scopeOf(p, context));
  const plan = await deps.clusterOps.plan(operationRequest(p));
  return { proposal: p, context, calls: plan.calls, dryRun: { status: plan.status, message: plan.message }, level, requirement: approvalRequirement(level, currentRisk(deps, p)) };
}

/**
 * The higher of the risk the proposal was made with and its operation's in the catalog now: a catalog
 * that raised an operation to `high` since asks two approvals of proposals still open or approved.
 */
function currentRisk(deps: RemediationDeps, p: ProposalRow): RiskLevel {
  const now = findOperation(deps.catalog, p.operation)?.risk;
  return now !== undefined && RISK_LEVELS.indexOf(now) > RISK_LEVELS.indexOf(p.risk) ? now : p.risk;
}
