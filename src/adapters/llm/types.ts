/**
 * The LLM port. An LLM only ever reads: it gets a system prompt, one user message and READ-ONLY tools
 * supplied by the caller (evidence collectors, runbook search); it returns text. It never executes an
 * action: the caller validates the text (zod + grounding check) and decides what, if anything, to do.
 */

/** A read-only tool the model may call. The caller owns what it does; the adapter only dispatches. */
export interface LlmTool {
  /** Unique name, `[a-zA-Z0-9_-]{1,64}` (the Bedrock rule). */
  name: string;
  description: string;
  /** JSON Schema object describing the input (`{ type: 'object', properties: … }`). */
  inputSchema: Record<string, unknown>;
  /**
   * Runs the tool. Must not change any system. The returned text is sent to the model as is, so the
   * caller redacts it. A thrown error becomes a tool result with status `error`.
   */
  run(input: unknown, signal?: AbortSignal): Promise<string>;
}

export interface LlmRequest {
  system: string;
  user: string;
  /** The only tools the model may call; a request for any other name is refused and recorded. */
  tools: readonly LlmTool[];
  /** Upper bound on model turns (each Converse call is one step), tool turns included. */
  maxSteps: number;
  /** Output-token cap per step; the adapter has a default. */
  maxOutputTokens?: number;
  abortSignal?: AbortSignal;
  /**
   * Called after each tool turn with the calls (refused ones included) and usage so far, so a caller
   * can record what the model did when a later turn fails (throttling, step limit, budget).
   */
  onProgress?(progress: LlmProgress): void;
}

export interface LlmProgress {
  toolCalls: LlmToolCall[];
  usage: LlmUsage;
  steps: number;
}

export interface LlmToolCall {
  name: string;
  input: unknown;
  /** False when the name was not in `LlmRequest.tools`: the tool was never run. */
  allowed: boolean;
  status: 'success' | 'error';
  /** Characters of the result fed back to the model. */
  outputChars: number;
}

export interface LlmUsage {
  inputTokens: number;
  outputTokens: number;
}

export interface LlmResult {
  /** The final assistant text (concatenated text blocks of the last turn). */
  text: string;
  toolCalls: LlmToolCall[];
  usage: LlmUsage;
  steps: number;
  stopReason: string;
}

/**
 * A per-run token budget shared by every LLM call of a run. Safe under concurrent calls: a call
 * reserves its worst case before it is sent and settles the actual usage afterwards.
 */
export interface TokenBudget {
  readonly limitTokens: number;
  usedTokens(): number;
  /** Tokens neither used nor reserved. */
  remainingTokens(): number;
  /** Reserve before a call; throws `TokenBudgetExceededError` (nothing reserved) when it would exceed the limit. */
  reserve(tokens: number): TokenReservation;
}

export interface TokenReservation {
  /** Replace the reservation by the actual usage; idempotent (a second call is ignored). */
  settle(actualTokens: number): void;
}

/**
 * `none` is the embedded default: the deterministic engine and templates write every narrative, and
 * callers check `kind === 'none'` instead of calling `converse` (which throws `ConfigError`).
 */
export interface LlmClient {
  readonly kind: 'none' | 'bedrock';
  /**
   * Runs the tool-use loop to the final answer.
   * Throws `TokenBudgetExceededError` when the budget would be exceeded, `LlmStepLimitError` when the
   * model still wants tools after `maxSteps`, `ExternalServiceError` when the backend fails (after
   * retries on throttling and 5xx). Not idempotent (each call costs tokens).
   */
  converse(req: LlmRequest): Promise<LlmResult>;
}
