import { z } from 'zod';

/** `digest:` section of the config: the daily availability digest. */
export const DigestConfig = z.strictObject({
  /**
   * Incident groups that get their own thread reply, in the digest's order (critical first, then
   * most clusters); the rest are counted in one last reply that links the document, which holds
   * every group. 0: only that reply. A busy day otherwise means one rate-limited post per group.
   */
  maxThreadReplies: z.number().int().min(0).max(1000).default(25),
  /**
   * Incident groups analysed per run (evidence queries, RCA, proposal, narrative), in the digest's
   * order; the rest are listed as "not analysed" in the document, the Slack parent and the summary.
   * A noisy day otherwise means evidence queries to every backend for each of thousands of groups.
   */
  maxAnalysedGroups: z.number().int().min(1, 'an integer ≥ 1 (incident groups analysed per run)').default(200),
});
export type DigestConfig = z.infer<typeof DigestConfig>;
