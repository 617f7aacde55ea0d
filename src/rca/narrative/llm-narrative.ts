import { estimateTokens } from '../../adapters/llm/token-budget.js';
import type { LlmClient, LlmTool, LlmToolCall, LlmUsage, TokenBudget } from '../../adapters/llm/types.js';
import type { EvidenceRow } from '../../adapters/store/types.js';
import type { Logger } from '../../core/logger.js';
import { checkGrounding } from './grounding.js';
import type { LlmAnswer } from './llm-answer.js';
import type { LlmCallCap } from './llm-call-cap.js';
import { buildUserMessage, SYSTEM_PROMPT, wrapToolOutput, type NarrativeGroup } from './prompt.js';
import { redactText } from './redact.js';

/** A narrative has the answer's shape whichever engine wrote it, so renderers see one shape. */
export type Narrative = LlmAnswer;

export interface NarrateInput {
  llm: LlmClient;
  group: NarrativeGroup;
  /** The group's evidence; the only ids an answer may cite. */
  ledger: EvidenceRow[];
  /** The deterministic engine's narrative, used whenever the model's answer is not accepted. */
  templateNarrative: Narrative;
  /** Read-only tools (evidence collectors, runbook search); their outputs are redacted here. */
  tools: LlmTool[];
  /** The run's budget, also enforced by the LLM adapter; checked here to skip hopeless calls. */
  budget: TokenBudget;
  maxSteps: number;
  logger: Logger;
  /** One cap per digest (see createLlmCallCap); without it, calls are not capped here. */
  cap?: LlmCallCap;
  abortSignal?: AbortSignal;
  /** Characters of one tool result sent to the model (default 8,000). */
  maxToolOutputChars?: number;
}

export interface NarrateResult {
  engine: 'bedrock' | 'template';
  narrative: Narrative;
  /** Why the model's narrative was not used; the caller records it with the RCA. */
  rejection?: { reasons: string[] };
  toolCalls: LlmToolCall[];
  usage: LlmUsage;
}

/**
 * Asks the model for a narrative of one incident group and accepts it only when it passes the
 * schema and the grounding check; otherwise (rejection, error, budget, cap) returns the template.
 * Never throws for a model problem. The answer is data: nothing in it is executed.
 */
export async function narrateWithLlm(input: NarrateInput): Promise<NarrateResult> {
  const fallback = (reasons: string[], extra: Partial<NarrateResult> = {}): NarrateResult => {
    if (reasons.length) input.logger.warn({ groupId: input.group.id, reasons }, 'llm narrative not used');
    const base: NarrateResult = { engine: 'template', narrative: input.templateNarrative, toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 }, ...extra };
    return reasons.length ? { ...base, rejection: { reasons } } : base;
  };
  if (input.llm.kind === 'none') return fallback([]);
  const user = buildUserMessage(input.group, input.ledger);
  if (estimateTokens(SYSTEM_PROMPT + user) > input.budget.remainingTokens()) {
    return fallback([`token budget exhausted: ${input.budget.remainingTokens()} of ${input.budget.limitTokens} tokens remain, the prompt alone needs more`]);
  }
  if (input.cap && !input.cap.tryTake()) return fallback([`LLM call cap reached: ${input.cap.max} calls per digest`]);
  // what the model did before a failing turn (a refused tool call, tokens spent) stays on record
  let progress: Pick<NarrateResult, 'toolCalls' | 'usage'> = { toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 } };
  try {
    const result = await input.llm.converse({
      system: SYSTEM_PROMPT, user, tools: guardTools(input.tools, input.maxToolOutputChars ?? 8_000), maxSteps: input.maxSteps, abortSignal: input.abortSignal,
      onProgress: (p) => { progress = { toolCalls: p.toolCalls, usage: p.usage }; },
    });
    const checked = checkGrounding(result.text, input.ledger, input.group.facts);
    const meta = { toolCalls: result.toolCalls, usage: result.usage };
    const reasons = [...refusedToolProblems(result.toolCalls), ...(checked.ok ? [] : [...stopProblems(result.stopReason), ...checked.reasons])];
    if (!checked.ok || reasons.length > 0) return fallback(reasons, meta);
    input.logger.info({ groupId: input.group.id, steps: result.steps, ...result.usage }, 'llm narrative accepted');
    // what to do next is never the model's words: they can repeat an instruction planted in a log line
    // ("kubectl delete namespace …") with grounded numbers. The template's steps come from the runbook
    // and the proposal, which only the deterministic engine and the safe-operation catalog make.
    return { engine: input.llm.kind, narrative: { ...checked.answer, nextSteps: input.templateNarrative.nextSteps }, ...meta };
  } catch (err) {
    return fallback([`llm call failed: ${redactText((err as Error)?.message ?? String(err))}`], progress);
  }
}

/**
 * The model knows only the tools it was offered: asking for another one ("proposeOperation", "drain_node")
 * means text in the evidence is steering it, so nothing it then writes is used, however well grounded.
 */
function refusedToolProblems(calls: readonly LlmToolCall[]): string[] {
  const names = [...new Set(calls.filter((c) => !c.allowed).map((c) => JSON.stringify(c.name.slice(0, 100))))];
  return names.length ? [`the model asked for a tool outside the read-only list (${names.slice(0, 5).join(', ')}): text in the evidence may be steering it, so its answer is not used`] : [];
}

/** A cut-off or filtered answer says so in the record, not only that it is not valid JSON. */
function stopProblems(stopReason: string): string[] {
  if (stopReason === 'end_turn' || stopReason === 'stop_sequence') return [];
  return [stopReason === 'max_tokens' ? 'answer cut off at the output-token limit (stopReason max_tokens)' : `the model stopped with stopReason ${stopReason}`];
}

/** Wraps each tool so what it returns (or the error it throws) reaches the model redacted and delimited. */
export function guardTools(tools: readonly LlmTool[], maxChars: number): LlmTool[] {
  return tools.map((tool) => ({
    ...tool,
    async run(toolInput: unknown, signal?: AbortSignal) {
      try {
        return wrapToolOutput(tool.name, await tool.run(toolInput, signal), maxChars);
      } catch (err) {
        // an error message can quote the data (a query, a log line): it is framed and capped like a result
        throw new Error(wrapToolOutput(tool.name, (err as Error)?.message ?? String(err), maxChars), { cause: err });
      }
    },
  }));
}
