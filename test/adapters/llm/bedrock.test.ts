import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBedrockLlm, type BedrockLlmOptions } from '../../../src/adapters/llm/bedrock/index.js';
import { LlmStepLimitError, TokenBudgetExceededError } from '../../../src/adapters/llm/errors.js';
import { createTokenBudget } from '../../../src/adapters/llm/token-budget.js';
import type { LlmRequest, LlmTool } from '../../../src/adapters/llm/types.js';
import { ExternalServiceError } from '../../../src/core/errors.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startBedrockFake, type BedrockFake } from '../../fakes/bedrock-fake.js';

const MODEL = 'anthropic.claude-3-5-sonnet-20240620-v1:0';
let fake: BedrockFake;

beforeEach(async () => { fake = await startBedrockFake(); });
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

function llm(over: Partial<BedrockLlmOptions> = {}) {
  const sleep = vi.fn(async (_ms: number, _signal?: AbortSignal) => {});
  const budget = createTokenBudget(100_000);
  const client = createBedrockLlm({
    region: 'eu-west-1', modelId: MODEL, endpoint: fake.endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    requestHandler: new NodeHttpHandler(), logger: silentLogger, budget, sleep, ...over,
  });
  return { client, sleep, budget: over.budget ?? budget };
}

function tool(name: string, output = `${name} output`): LlmTool & { run: ReturnType<typeof vi.fn> } {
  return { name, description: `reads ${name}`, inputSchema: { type: 'object', properties: { cluster: { type: 'string' } } }, run: vi.fn(async () => output) };
}

const request = (tools: LlmTool[], over: Partial<LlmRequest> = {}): LlmRequest => ({ system: 'sys', user: 'explain', tools, maxSteps: 4, ...over });

describe('createBedrockLlm', () => {
  it('sends the system prompt, the user message and the read-only tools to the urlencoded model path', async () => {
    const { client } = llm();
    fake.script({ text: 'done' });

    await client.converse(request([tool('search_logs')]));

    const [req] = fake.requests;
    expect(req.modelId).toBe(MODEL);
    expect(req.body.system).toEqual([{ text: 'sys' }]);
    expect(req.body.messages).toEqual([{ role: 'user', content: [{ text: 'explain' }] }]);
    expect(req.body.toolConfig?.tools.map((t) => t.toolSpec.name)).toEqual(['search_logs']);
    expect(req.body.toolConfig?.tools[0].toolSpec.inputSchema.json).toEqual({ type: 'object', properties: { cluster: { type: 'string' } } });
  });

  it('runs an allowed tool, feeds its result back and returns the final answer with usage', async () => {
    const { client, budget } = llm();
    const logs = tool('search_logs', 'coredns: SERVFAIL x 120');
    fake.script({ toolUses: [{ name: 'search_logs', input: { cluster: 'c-001' }, toolUseId: 'tu-1' }], usage: { inputTokens: 300, outputTokens: 40 } }, { text: '{"ok":true}', usage: { inputTokens: 500, outputTokens: 60 } });

    const result = await client.converse(request([logs]));

    expect(logs.run).toHaveBeenCalledWith({ cluster: 'c-001' }, undefined);
    const second = fake.requests[1].body.messages;
    expect(second[1].content[0].toolUse).toMatchObject({ toolUseId: 'tu-1', name: 'search_logs' });
    expect(second[2]).toEqual({ role: 'user', content: [{ toolResult: { toolUseId: 'tu-1', status: 'success', content: [{ text: 'coredns: SERVFAIL x 120' }] } }] });
    expect(result).toMatchObject({ text: '{"ok":true}', steps: 2, stopReason: 'end_turn', usage: { inputTokens: 800, outputTokens: 100 } });
    expect(result.toolCalls).toEqual([{ name: 'search_logs', input: { cluster: 'c-001' }, allowed: true, status: 'success', outputChars: 23 }]);
    expect(budget.usedTokens()).toBe(900);
  });

  it('never runs a tool outside the supplied list: it answers an error result and records the call', async () => {
    const { client } = llm();
    const logs = tool('search_logs');
    fake.script({ toolUses: [{ name: 'drain_node', input: { cluster: '*' } }] }, { text: 'ok' });

    const result = await client.converse(request([logs]));

    expect(logs.run).not.toHaveBeenCalled();
    const fedBack = fake.requests[1].body.messages[2].content[0].toolResult;
    expect(fedBack?.status).toBe('error');
    expect(fedBack?.content[0].text).toMatch(/^tool not allowed: drain_node/);
    expect(result.toolCalls).toEqual([expect.objectContaining({ name: 'drain_node', allowed: false, status: 'error' })]);
  });

  it('turns a failing tool into an error result instead of failing the call', async () => {
    const { client } = llm();
    const broken = { ...tool('search_logs'), run: vi.fn(async () => { throw new Error('opensearch timeout'); }) };
    fake.script({ toolUses: [{ name: 'search_logs', input: {} }] }, { text: 'ok' });

    const result = await client.converse(request([broken]));

    expect(fake.requests[1].body.messages[2].content[0].toolResult).toMatchObject({ status: 'error', content: [{ text: 'tool failed: opensearch timeout' }] });
    expect(result.text).toBe('ok');
  });

  it.each([
    [429, 'ThrottlingException'],
    [503, 'ServiceUnavailableException'],
    [500, 'InternalServerException'],
  ])('retries HTTP %i %s with backoff, then succeeds', async (status, type) => {
    const { client, sleep } = llm();
    fake.script({ error: { status, type } }, { error: { status, type } }, { text: 'fine' });

    const result = await client.converse(request([]));

    expect(result.text).toBe('fine');
    expect(fake.requests).toHaveLength(3);
    expect(sleep.mock.calls.map((c) => c[0])).toEqual([500, 1000]);
  });

  it('honours Retry-After on throttling', async () => {
    const { client, sleep } = llm();
    fake.script({ error: { status: 429, type: 'ThrottlingException', retryAfterSeconds: 3 } }, { text: 'fine' });

    await client.converse(request([]));

    expect(sleep.mock.calls.map((c) => c[0])).toEqual([3000]);
  });

  it('gives up after maxAttempts with a retryable ExternalServiceError', async () => {
    const { client, sleep } = llm({ maxAttempts: 2 });
    fake.script({ error: { status: 429, type: 'ThrottlingException' } }, { error: { status: 429, type: 'ThrottlingException' } });

    const err = await client.converse(request([])).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).details).toEqual({ service: 'bedrock', status: 429, retryable: true });
    expect(sleep).toHaveBeenCalledTimes(1);
  });

  it('does not retry a client error', async () => {
    const { client, sleep } = llm();
    fake.script({ error: { status: 400, type: 'ValidationException', message: 'bad model' } });

    const err = await client.converse(request([])).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as Error).message).toContain('ValidationException');
    expect(sleep).not.toHaveBeenCalled();
    expect(fake.requests).toHaveLength(1);
  });

  it('names the field of an answer of an unexpected shape, in words', async () => {
    const { client } = llm();
    fake.script({ text: 'x', usage: { inputTokens: -1, outputTokens: 2 } });

    const err = await client.converse(request([])).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    // before: `… at usage.inputTokens: Too small: expected number to be >=0`
    expect((err as Error).message).toBe('bedrock converse answered an unexpected shape at usage.inputTokens: expected an integer ≥ 0, found number -1');
  });

  it('times out a slow call', async () => {
    const { client } = llm({ timeoutMs: 50 });
    fake.script({ text: 'late', delayMs: 500 });

    const err = await client.converse(request([])).catch((e: unknown) => e);

    expect(err).toBeInstanceOf(ExternalServiceError);
    expect((err as ExternalServiceError).details.retryable).toBe(false);
    expect((err as Error).message).toMatch(/timeout|abort/i);
  });

  it('stops after maxSteps when the model keeps asking for tools', async () => {
    const { client } = llm();
    fake.script({ toolUses: [{ name: 'search_logs', input: {} }] }, { toolUses: [{ name: 'search_logs', input: {} }] });

    await expect(client.converse(request([tool('search_logs')], { maxSteps: 2 }))).rejects.toBeInstanceOf(LlmStepLimitError);
    expect(fake.requests).toHaveLength(2);
  });

  it('reports the tool calls and usage after each tool turn, so a caller keeps them when a later turn fails', async () => {
    const { client } = llm({ maxAttempts: 1 });
    const onProgress = vi.fn();
    fake.script({ toolUses: [{ name: 'drain_node', input: {} }], usage: { inputTokens: 300, outputTokens: 40 } }, { error: { status: 400, type: 'ValidationException' } });

    await expect(client.converse(request([tool('search_logs')], { onProgress }))).rejects.toBeInstanceOf(ExternalServiceError);

    expect(onProgress.mock.calls).toEqual([[{ toolCalls: [expect.objectContaining({ name: 'drain_node', allowed: false })], usage: { inputTokens: 300, outputTokens: 40 }, steps: 1 }]]);
  });

  it.each([
    { maxOutputTokens: undefined, maxTokens: 4096 },
    { maxOutputTokens: 6000, maxTokens: 6000 },
  ])('caps each step\'s output at maxOutputTokens $maxOutputTokens (inferenceConfig.maxTokens $maxTokens): the largest answer fits by default', async ({ maxOutputTokens, maxTokens }) => {
    const { client } = llm({ maxOutputTokens });
    fake.script({ text: 'done' });

    await client.converse(request([]));

    expect(fake.requests[0].body.inferenceConfig?.maxTokens).toBe(maxTokens);
  });

  it('refuses a call that could exceed the token budget without sending it', async () => {
    const { client } = llm({ budget: createTokenBudget(500) });

    await expect(client.converse(request([]))).rejects.toBeInstanceOf(TokenBudgetExceededError);
    expect(fake.requests).toHaveLength(0);
  });

  it('refuses the next step once the usage so far has used the budget up', async () => {
    const budget = createTokenBudget(3_000);
    const { client } = llm({ budget, maxOutputTokens: 500 });
    fake.script({ toolUses: [{ name: 'search_logs', input: {} }], usage: { inputTokens: 2_400, outputTokens: 100 } });

    await expect(client.converse(request([tool('search_logs')]))).rejects.toBeInstanceOf(TokenBudgetExceededError);
    expect(fake.requests).toHaveLength(1);
    expect(budget.usedTokens()).toBe(2_500);
  });
});
