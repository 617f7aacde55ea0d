import { createHash } from 'node:crypto';
import { canonicalJson } from '../../adapters/store/audit-chain.js';
import type { OperationTarget } from '../../adapters/cluster-ops/types.js';

/** What a proposal's id is computed from: the same action for the same incident always gets the same id. */
export interface ProposalContent {
  groupId: string;
  operation: string;
  target: OperationTarget;
  params: Record<string, unknown>;
  /**
   * 0 for the first proposal of this content; n for the one proposed again after round n − 1 expired
   * unanswered (a new id, so replies to the old message never count for it). Round 0 hashes as before.
   */
  round?: number;
}

/** sha256 of the canonical JSON of the content (key order does not matter), hex. */
export function proposalId(content: ProposalContent): string {
  const { groupId, operation, target, params, round = 0 } = content;
  return createHash('sha256').update(canonicalJson(round > 0 ? { groupId, operation, target, params, round } : { groupId, operation, target, params })).digest('hex');
}

/** The first 8 characters people type in `approve <id8>`. */
export function shortId(id: string): string {
  return id.slice(0, 8);
}

/** Epoch milliseconds as a Slack `ts` (`seconds.micros`), comparable as a string with Slack's own. */
export function toSlackTs(ms: number): string {
  const seconds = Math.floor(ms / 1000);
  return `${seconds}.${String((ms - seconds * 1000) * 1000).padStart(6, '0')}`;
}

/** Slack timestamps in order (`seconds.micros`; a Number would round them). */
export function compareTs(a: string, b: string): number {
  const [as, af = ''] = a.split('.');
  const [bs, bf = ''] = b.split('.');
  return Number(as) - Number(bs) || Number(af.padEnd(6, '0')) - Number(bf.padEnd(6, '0'));
}
