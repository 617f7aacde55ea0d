import { setTimeout as delay } from 'node:timers/promises';
import {
  BedrockRuntimeClient, ConverseCommand,
  type ConverseCommandInput, type ConverseCommandOutput, type Message, type ToolConfiguration, type ToolInputSchema,
} from '@aws-sdk/client-bedrock-runtime';
import type { NodeHttpHandler } from '@smithy/node-http-handler';
import { describeIssues } from '../../../core/config/format-issues.js';
import { ExternalServiceError } from '../../../core/errors.js';
import type { Logger } from '../../../core/logger.js';
import { LlmStepLimitError } from '../errors.js';
import { estimateTokens } from '../token-budget.js';
import type { LlmClient, LlmRequest, LlmResult, LlmTool, TokenBudget } from '../types.js';
import { runToolUses } from './run-tool-uses.js';
import { ConverseAnswer } from './schema.js';
import { sendWithRetry, type RetryPolicy } from './send-with-retry.js';
import { withTimeout } from '../../../core/backoff.js';

/** Fits the largest answer the narrative schema allows (about 4,000 tokens). */
const DEFAULT_MAX_OUTPUT_TOKENS = 4096;

export interface BedrockLlmOptions {
  region: string;
  modelId: string;
  /** Override the endpoint (VPC endpoint, local fake). */
  endpoint?: string;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string };
  requestHandler?: NodeHttpHandler;
  /** Attempts per Converse call, the first included (default 4); the SDK's own retries are off. */
  maxAttempts?: number;
  /** Timeout of one Converse call (default 60 s). */
  timeoutMs?: number;
  /** Output-token cap per step when the request sets none (default 4096, config `llm.bedrock.maxOutputTokens`): a lower cap cuts long answers off (stopReason max_tokens). */
  maxOutputTokens?: number;
  /** Characters of one tool result sent back to the model (default 20,000). */
  maxToolOutputChars?: number;
  baseDelayMs?: number;
  logger: Logger;
  budget: TokenBudget;
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

/** LlmClient on the Bedrock Converse API with a bounded, read-only tool-use loop. */
export function createBedrockLlm(opts: BedrockLlmOptions): LlmClient {
  const client = new BedrockRuntimeClient({
    region: opts.region, endpoint: opts.endpoint, credentials: opts.credentials, requestHandler: opts.requestHandler, maxAttempts: 1,
  });
  const retry: RetryPolicy = {
    maxAttempts: opts.maxAttempts ?? 4, baseDelayMs: opts.baseDelayMs ?? 500, maxDelayMs: 20_000, logger: opts.logger,
    sleep: opts.sleep ?? ((ms, signal) => delay(ms, undefined, { signal })),
  };
  const callOnce = (input: ConverseCommandInput, signal?: AbortSignal) => sendWithRetry(
    () => withTimeout(signal, opts.timeoutMs ?? 60_000, (s) => client.send(new ConverseCommand(input), { abortSignal: s })), retry, signal);
  return {
    kind: 'bedrock',
    converse: (req) => converseLoop(req, { ...opts, callOnce }),
  };
}

interface LoopDeps extends BedrockLlmOptions {
  callOnce(input: ConverseCommandInput, signal?: AbortSignal): Promise<ConverseCommandOutput>;
}

async function converseLoop(req: LlmRequest, deps: LoopDeps): Promise<LlmResult> {
  const messages: Message[] = [{ role: 'user', content: [{ text: req.user }] }];
  const result: LlmResult = { text: '', toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, steps: 0, stopReason: '' };
  const maxTokens = req.maxOutputTokens ?? deps.maxOutputTokens ?? DEFAULT_MAX_OUTPUT_TOKENS;
  while (result.steps < req.maxSteps) {
    const input: ConverseCommandInput = { modelId: deps.modelId, system: [{ text: req.system }], messages, toolConfig: toolConfig(req.tools), inferenceConfig: { maxTokens, temperature: 0 } };
    const answer = await step(input, maxTokens, req.abortSignal, deps);
    result.steps += 1;
    result.usage.inputTokens += answer.parsed.usage.inputTokens;
    result.usage.outputTokens += answer.parsed.usage.outputTokens;
    result.stopReason = answer.parsed.stopReason;
    messages.push(answer.raw.output!.message!);
    const uses = answer.parsed.output.message.content.flatMap((b) => (b.toolUse ? [b.toolUse] : []));
    if (answer.parsed.stopReason !== 'tool_use' || uses.length === 0) {
      result.text = answer.parsed.output.message.content.flatMap((b) => (b.text ? [b.text] : [])).join('');
      deps.logger.info({ model: deps.modelId, steps: result.steps, ...result.usage, toolCalls: result.toolCalls.length }, 'bedrock converse finished');
      return result;
    }
    const turn = await runToolUses(uses, req.tools, { maxOutputChars: deps.maxToolOutputChars ?? 20_000, logger: deps.logger, signal: req.abortSignal });
    result.toolCalls.push(...turn.calls);
    messages.push({ role: 'user', content: turn.results });
    req.onProgress?.({ toolCalls: [...result.toolCalls], usage: { ...result.usage }, steps: result.steps });
  }
  throw new LlmStepLimitError(req.maxSteps);
}

/** One Converse call: reserve the worst case in the budget, send, settle the real usage, validate. */
async function step(input: ConverseCommandInput, maxTokens: number, signal: AbortSignal | undefined, deps: LoopDeps) {
  const reservation = deps.budget.reserve(estimateTokens(JSON.stringify(input)) + maxTokens);
  let raw: ConverseCommandOutput;
  try {
    raw = await deps.callOnce(input, signal);
  } catch (err) {
    reservation.settle(0);
    throw err;
  }
  reservation.settle((raw.usage?.inputTokens ?? 0) + (raw.usage?.outputTokens ?? 0));
  const parsed = ConverseAnswer.safeParse(raw);
  if (!parsed.success) {
    const [p] = describeIssues(parsed.error.issues, ConverseAnswer, raw);
    throw new ExternalServiceError(`bedrock converse answered an unexpected shape at ${p.field}: ${p.message}`, { service: 'bedrock', retryable: false });
  }
  return { raw, parsed: parsed.data };
}

function toolConfig(tools: readonly LlmTool[]): ToolConfiguration | undefined {
  if (tools.length === 0) return undefined;
  return { tools: tools.map((t) => ({ toolSpec: { name: t.name, description: t.description, inputSchema: { json: t.inputSchema as ToolInputSchema.JsonMember['json'] } } })) };
}
