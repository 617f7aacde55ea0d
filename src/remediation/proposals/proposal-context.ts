import { z } from 'zod';
import type { Store } from '../../adapters/store/types.js';

/**
 * What the policy needs beyond the proposal row: who proposed it, where it runs (autonomy is per
 * environment × tier) and which symptom it should fix. Kept in the store's key-value table under
 * `proposal-context:<id>`, written before the row is inserted so a row never lacks it.
 */
export const ProposalContext = z.strictObject({
  /** Slack user id of a person who asked for it, or `fleetops`; the proposer never approves. */
  proposer: z.string().min(1),
  source: z.enum(['rca', 'llm', 'human']),
  environment: z.string().min(1),
  tier: z.string().min(1),
  /** Incident signature (feedback priors are kept per signature). */
  signature: z.string().min(1),
  symptom: z.strictObject({ component: z.string().min(1), signal: z.string().min(1) }),
  runbookId: z.string().optional(),
  rationale: z.string().max(2000).default(''),
});
export type ProposalContext = z.infer<typeof ProposalContext>;

const key = (id: string) => `proposal-context:${id}`;

export async function saveProposalContext(store: Store, id: string, context: ProposalContext, nowMs: number): Promise<void> {
  await store.baselines.put(key(id), new TextEncoder().encode(JSON.stringify(context)), nowMs, nowMs);
}

/** Undefined when missing or unreadable: callers then refuse to act (fail safe). */
export async function loadProposalContext(store: Store, id: string): Promise<ProposalContext | undefined> {
  const found = await store.baselines.get(key(id));
  if (!found) return undefined;
  try {
    const parsed = ProposalContext.safeParse(JSON.parse(new TextDecoder().decode(found.state)));
    return parsed.success ? parsed.data : undefined;
  } catch {
    return undefined;
  }
}
