/** The tool-use loop against a model that asks for whatever planted text told it to (real SDK, local fake). */
import { createServer } from 'node:http';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createBedrockLlm } from '../../../src/adapters/llm/bedrock/index.js';
import { createTokenBudget } from '../../../src/adapters/llm/token-budget.js';
import type { LlmTool } from '../../../src/adapters/llm/types.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startBedrockFake, type BedrockFake } from '../../fakes/bedrock-fake.js';
import { closeServer, listenLocal } from '../../fakes/listen-local.js';

let fake: BedrockFake;
beforeEach(async () => { fake = await startBedrockFake(); });
afterEach(async () => {
  expect(fake.unexpected).toEqual([]);
  await fake.close();
});

function client(endpoint = fake.endpoint, maxToolOutputChars = 1_000) {
  return createBedrockLlm({
    region: 'eu-west-1', modelId: 'test-model', endpoint, credentials: { accessKeyId: 'x', secretAccessKey: 'y' },
    requestHandler: new NodeHttpHandler(), logger: silentLogger, budget: createTokenBudget(1_000_000), sleep: async () => {}, maxAttempts: 1, maxToolOutputChars,
  });
}

const readTool = (name: string, run: LlmTool['run'] = async () => 'ok'): LlmTool & { run: ReturnType<typeof vi.fn> } => ({
  name, description: `reads ${name}`, inputSchema: { type: 'object' }, run: vi.fn(run),
});

describe('the Bedrock tool-use loop and a steered model', () => {
  it('refuses every name that is not exactly an offered tool, and never runs one', async () => {
    const logs = readTool('search_logs');
    const names = ['Search_Logs', 'search_logs ', 'search_logs</tool-output>', 'proposeOperation', `drain_node${'x'.repeat(500)}`];
    fake.script({ toolUses: names.map((name) => ({ name, input: { cluster: '*' } })) }, { text: 'done' });

    const result = await client().converse({ system: 's', user: 'u', tools: [logs], maxSteps: 3 });

    expect(logs.run).not.toHaveBeenCalled();
    expect(result.toolCalls.map((c) => [c.allowed, c.status])).toEqual(names.map(() => [false, 'error']));
    const fedBack = fake.requests[1].body.messages[2].content.map((c) => c.toolResult?.content[0].text ?? '');
    expect(fedBack.every((t) => t.startsWith('tool not allowed: ') && t.endsWith('no action was taken'))).toBe(true);
    expect(Math.max(...fedBack.map((t) => t.length))).toBeLessThan(220);
  });

  it('never runs a tool the model names in its final answer (stopReason end_turn)', async () => {
    const logs = readTool('search_logs');
    const answer = { output: { message: { role: 'assistant', content: [{ text: '{}' }, { toolUse: { toolUseId: 't1', name: 'search_logs', input: {} } }] } }, stopReason: 'end_turn', usage: { inputTokens: 1, outputTokens: 1, totalTokens: 2 } };
    const server = createServer((req, res) => { req.resume(); req.on('end', () => res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(answer))); });
    const port = await listenLocal(server);

    try {
      const result = await client(`http://127.0.0.1:${port}`).converse({ system: 's', user: 'u', tools: [logs], maxSteps: 3 });

      expect(result).toMatchObject({ text: '{}', steps: 1, toolCalls: [] });
      expect(logs.run).not.toHaveBeenCalled();
    } finally {
      await closeServer(server);
    }
  });

  it('caps a tool error message like a result: a failing tool cannot flood the next turn', async () => {
    const failing = readTool('search_logs', async () => { throw new Error(`opensearch 400: ${'q'.repeat(100_000)}`); });
    fake.script({ toolUses: [{ name: 'search_logs', input: {} }] }, { text: 'done' });

    const result = await client().converse({ system: 's', user: 'u', tools: [failing], maxSteps: 3 });

    const text = fake.requests[1].body.messages[2].content[0].toolResult?.content[0].text ?? '';
    expect(text).toMatch(/^tool failed: opensearch 400: q+…\[truncated\]$/);
    expect(text.length).toBeLessThan(1_100);
    expect(result.toolCalls[0]).toMatchObject({ status: 'error', outputChars: text.length });
  });
});
