import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { silentLogger } from '../../src/core/logger.js';
import { createDigestLlm } from '../../src/digest/digest-llm.js';
import { startBedrockFake, type BedrockFake } from '../fakes/bedrock-fake.js';

let fake: BedrockFake;
beforeEach(async () => {
  fake = await startBedrockFake();
  vi.stubEnv('AWS_ACCESS_KEY_ID', 'x');
  vi.stubEnv('AWS_SECRET_ACCESS_KEY', 'y');
});
afterEach(async () => {
  vi.unstubAllEnvs();
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

describe('createDigestLlm: the output-token cap from config reaches the Converse request', () => {
  it.each([
    { set: {}, maxTokens: 4096 },
    { set: { maxOutputTokens: 8192 }, maxTokens: 8192 },
  ])('llm.bedrock $set → inferenceConfig.maxTokens $maxTokens', async ({ set, maxTokens }) => {
    const config = FleetopsConfig.parse({ llm: { kind: 'bedrock', bedrock: { region: 'eu-west-1', modelId: 'test-model', endpoint: fake.endpoint, ...set } } });
    const llm = createDigestLlm(config, silentLogger);
    fake.script({ text: 'done' });

    await llm?.client.converse({ system: 'sys', user: 'explain', tools: [], maxSteps: 1 });

    expect(fake.requests).toHaveLength(1);
    expect(fake.requests[0].body.inferenceConfig?.maxTokens).toBe(maxTokens);
  });
});
