import { NodeHttpHandler } from '@smithy/node-http-handler';
import { createBedrockLlm } from '../adapters/llm/bedrock/index.js';
import { createTokenBudget } from '../adapters/llm/token-budget.js';
import type { FleetopsConfig } from '../core/config/schema.js';
import type { Logger } from '../core/logger.js';
import type { DigestLlm } from './narrate-group.js';

/**
 * The digest's model from config: none (templates only) or Bedrock with one token budget for the run.
 * Lives here until the adapter registry offers `llm()`; an explicit endpoint (VPC endpoint, local
 * fake) is spoken to over HTTP/1.1.
 */
export function createDigestLlm(config: FleetopsConfig, logger: Logger): DigestLlm | undefined {
  if (config.llm.kind !== 'bedrock') return undefined;
  const b = config.llm.bedrock;
  const budget = createTokenBudget(b.tokenBudgetPerRun);
  const client = createBedrockLlm({
    region: b.region, modelId: b.modelId, endpoint: b.endpoint, logger, budget, maxOutputTokens: b.maxOutputTokens,
    requestHandler: b.endpoint ? new NodeHttpHandler({ requestTimeout: 60_000 }) : undefined,
  });
  return { client, budget, maxSteps: b.maxSteps, maxCalls: b.maxCallsPerDigest };
}
