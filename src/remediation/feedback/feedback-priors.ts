import type { FeedbackRow, Store } from '../../adapters/store/types.js';

export interface FeedbackPrior {
  up: number;
  down: number;
  /** Posterior mean of "this explanation/action was right" under a uniform Beta(1, 1) prior: 0.5 with no feedback. */
  prior: number;
}

/**
 * Summarises feedback for one incident signature. A person counts once per subject and direction;
 * someone who gave both 👍 and 👎 on the same subject cancels out.
 */
export function summariseFeedback(rows: readonly FeedbackRow[]): FeedbackPrior {
  const votes = new Map<string, number>();
  for (const r of rows) {
    const key = `${r.subjectKind}:${r.subjectId}:${r.userId}`;
    const bits = votes.get(key) ?? 0;
    votes.set(key, bits | (r.value === 1 ? 1 : 2));
  }
  let up = 0;
  let down = 0;
  for (const bits of votes.values()) {
    if (bits === 1) up += 1;
    if (bits === 2) down += 1;
  }
  return { up, down, prior: (up + 1) / (up + down + 2) };
}

/** The prior the RCA ranking uses for a signature (past outcome of the same kind of incident). */
export async function feedbackPriors(store: Store, signature: string): Promise<FeedbackPrior> {
  return summariseFeedback(await store.feedback.listBySignature(signature));
}
