import { TokenBudgetExceededError } from './errors.js';
import type { TokenBudget, TokenReservation } from './types.js';

/** A per-run token budget (input + output tokens); share one instance across all calls of a run. */
export function createTokenBudget(limitTokens: number): TokenBudget {
  if (!Number.isFinite(limitTokens) || limitTokens < 0) throw new RangeError(`token budget must be a non-negative number, got ${limitTokens}`);
  let used = 0;
  let reserved = 0;
  const remaining = () => Math.max(0, limitTokens - used - reserved);
  return {
    limitTokens,
    usedTokens: () => used,
    remainingTokens: remaining,
    reserve(tokens: number): TokenReservation {
      if (tokens > remaining()) throw new TokenBudgetExceededError(tokens, remaining());
      reserved += tokens;
      let settled = false;
      return {
        settle(actual: number) {
          if (settled) return;
          settled = true;
          reserved -= tokens;
          used += Math.max(0, actual);
        },
      };
    },
  };
}

/** Rough upper estimate of tokens for text (about 4 characters a token for English and JSON; 3 to be safe). */
export function estimateTokens(text: string): number {
  return Math.ceil(text.length / 3);
}
