/**
 * Caps LLM calls per digest: at most one per incident group and never more than `max` (default 20),
 * so cost grows with incidents, not with the fleet. Share one cap across a digest run.
 */
export interface LlmCallCap {
  readonly max: number;
  /** Takes a slot; false (and nothing taken) when the cap is reached. */
  tryTake(): boolean;
  taken(): number;
}

export function createLlmCallCap(max = 20): LlmCallCap {
  if (!Number.isInteger(max) || max < 0) throw new RangeError(`LLM call cap must be a non-negative integer, got ${max}`);
  let taken = 0;
  return {
    max,
    tryTake() {
      if (taken >= max) return false;
      taken += 1;
      return true;
    },
    taken: () => taken,
  };
}
