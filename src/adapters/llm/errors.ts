import { FleetopsError } from '../../core/errors.js';

/** A call was refused because it could exceed the run's token budget; the caller falls back to templates. */
export class TokenBudgetExceededError extends FleetopsError {
  constructor(readonly requestedTokens: number, readonly remainingTokens: number) {
    super(`LLM token budget exhausted: a call needs up to ${requestedTokens} tokens, ${remainingTokens} remain; raise llm.tokenBudget or rely on the template narrative`);
  }
}

/** The model still asked for tools after `maxSteps` turns. */
export class LlmStepLimitError extends FleetopsError {
  constructor(readonly maxSteps: number) {
    super(`LLM did not finish within ${maxSteps} steps; raise llm.maxSteps or narrow the tools`);
  }
}
