import type { ChatChannel } from '../../adapters/chat/types.js';
import type { ClusterOps } from '../../adapters/cluster-ops/types.js';
import type { ProposalRow, Store } from '../../adapters/store/types.js';
import type { Clock } from '../../core/clock.js';
import type { Logger } from '../../core/logger.js';
import type { SafeOperationCatalog } from '../catalog/safe-operation-schema.js';
import type { RemediationConfig } from '../remediation-config.js';
import type { SymptomVerifier } from './create-proposal.js';
import type { GuardrailGate } from './guardrail-gate.js';
import type { ThreadDeps } from './proposal-thread.js';

/** Everything the reconciler needs, injected (tests pass fakes; the job passes the configured adapters). */
export interface RemediationDeps extends ThreadDeps {
  store: Store;
  chat: ChatChannel;
  clusterOps: ClusterOps;
  catalog: SafeOperationCatalog;
  guardrails: GuardrailGate;
  verify: SymptomVerifier;
  config: RemediationConfig;
  clock: Clock;
  logger: Logger;
  /** Lease owner for executions started by this process (the run id). */
  owner: string;
  /** The job deadline: an interrupted execution is left to be resumed, never rolled back. */
  signal?: AbortSignal;
}

export function scopeOf(p: ProposalRow, ctx: { environment: string; tier: string }): { operation: string; environment: string; tier: string } {
  return { operation: p.operation, environment: ctx.environment, tier: ctx.tier };
}
