import type { ContentBlock } from '@aws-sdk/client-bedrock-runtime';
import type { Logger } from '../../../core/logger.js';
import type { LlmTool, LlmToolCall } from '../types.js';
import type { ConverseToolUse } from './schema.js';

export interface ToolTurn {
  results: ContentBlock[];
  calls: LlmToolCall[];
}

/**
 * Answers every toolUse of one assistant turn. Only tools in the supplied read-only list run; any
 * other name gets an error result and is recorded, never executed. Tools run one after another.
 */
export async function runToolUses(uses: ConverseToolUse[], tools: readonly LlmTool[], opts: { maxOutputChars: number; logger: Logger; signal?: AbortSignal }): Promise<ToolTurn> {
  const byName = new Map(tools.map((t) => [t.name, t]));
  const turn: ToolTurn = { results: [], calls: [] };
  for (const use of uses) {
    const tool = byName.get(use.name);
    const { text, status } = tool ? await runOne(tool, use.input, opts) : refuse(use.name, opts.logger);
    turn.results.push({ toolResult: { toolUseId: use.toolUseId, status, content: [{ text }] } });
    turn.calls.push({ name: use.name, input: use.input, allowed: Boolean(tool), status, outputChars: text.length });
  }
  return turn;
}

async function runOne(tool: LlmTool, input: unknown, opts: { maxOutputChars: number; logger: Logger; signal?: AbortSignal }): Promise<{ text: string; status: 'success' | 'error' }> {
  try {
    return { text: cap(await tool.run(input, opts.signal), opts.maxOutputChars), status: 'success' };
  } catch (err) {
    const message = (err as Error)?.message ?? 'unknown error';
    opts.logger.warn({ tool: tool.name, error: message }, 'llm tool failed');
    // an error message can be as long as a result (a response body, a query): capped the same way
    return { text: `tool failed: ${cap(message, opts.maxOutputChars)}`, status: 'error' };
  }
}

function cap(text: string, maxChars: number): string {
  return text.length > maxChars ? `${text.slice(0, maxChars)}…[truncated]` : text;
}

function refuse(name: string, logger: Logger): { text: string; status: 'error' } {
  logger.warn({ tool: name.slice(0, 100) }, 'llm requested a tool outside the read-only list');
  return { text: `tool not allowed: ${name.slice(0, 100)} is not one of the read-only tools offered; no action was taken`, status: 'error' };
}
