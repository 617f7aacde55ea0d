import type { LlmClient, LlmTool, TokenBudget } from '../adapters/llm/types.js';
import type { EvidenceRow } from '../adapters/store/types.js';
import type { Logger } from '../core/logger.js';
import type { LlmCallCap } from '../rca/narrative/llm-call-cap.js';
import { narrateWithLlm, type NarrateResult, type Narrative } from '../rca/narrative/llm-narrative.js';
import { redactValue } from '../rca/narrative/redact.js';
import type { RunbookIndex } from '../runbooks/index.js';
import { reuseStoredNarrative, type StoredNarrative } from './stored-narrative.js';

/** The model side of a digest run: one client, one budget and one call cap shared by every group. */
export interface DigestLlm {
  client: LlmClient;
  budget: TokenBudget;
  maxSteps: number;
  /** Calls per digest (config `llm.bedrock.maxCallsPerDigest`, default 20); also ≤ the number of groups. */
  maxCalls: number;
}

export interface NarrateGroupInput {
  group: { id: string; title: string; facts: string[] };
  ledger: EvidenceRow[];
  template: Narrative;
  llm?: DigestLlm;
  cap?: LlmCallCap;
  runbookIndex: RunbookIndex;
  logger: Logger;
  signal?: AbortSignal;
  /** The model narrative an earlier run stored for this group (see storedModelNarrative). */
  stored?: StoredNarrative;
}

export interface GroupNarration extends NarrateResult {
  /** Set when the stored model narrative was used again without a model call. */
  reusedFrom?: { runId: string };
}

/** How a narrative came: a model answer accepted this run, a stored one reused without a call, or the template. */
export type NarrationOutcome = 'accepted' | 'reused' | 'template';

export function narrationOutcome(n: GroupNarration): NarrationOutcome {
  if (n.engine === 'template') return 'template';
  return n.reusedFrom ? 'reused' : 'accepted';
}

/**
 * The template narrative, or the model's when a model is configured and its answer passes the checks.
 * A model narrative stored for the same evidence is used again without a call, so a rerun neither
 * spends tokens nor loses a published narrative to a throttled call; when the evidence changed and
 * the call fails, the template's rejection says why the stored one was not used.
 */
export async function narrateGroup(input: NarrateGroupInput): Promise<GroupNarration> {
  const none = { toolCalls: [], usage: { inputTokens: 0, outputTokens: 0 } };
  if (!input.llm || input.llm.client.kind === 'none') return { engine: 'template', narrative: input.template, ...none };
  const { stored } = input;
  const reuse = stored ? reuseStoredNarrative(stored, input.ledger, input.group.facts) : undefined;
  if (stored && reuse?.ok) {
    input.logger.info({ groupId: input.group.id, fromRunId: stored.runId }, 'llm narrative reused');
    return { engine: stored.engine, narrative: { ...reuse.narrative, nextSteps: input.template.nextSteps }, reusedFrom: { runId: stored.runId }, ...none };
  }
  const told = await narrateWithLlm({
    llm: input.llm.client, group: input.group, ledger: input.ledger, templateNarrative: input.template,
    tools: readOnlyTools(input.ledger, input.runbookIndex), budget: input.llm.budget, maxSteps: input.llm.maxSteps,
    logger: input.logger, cap: input.cap, abortSignal: input.signal,
  });
  if (!reuse || reuse.ok || told.engine !== 'template') return told;
  return { ...told, rejection: { reasons: [reuse.reason, ...(told.rejection?.reasons ?? [])] } };
}

/** Read-only tools: look up the group's evidence rows and search the runbooks. Nothing else. */
export function readOnlyTools(ledger: readonly EvidenceRow[], runbooks: RunbookIndex): LlmTool[] {
  const byId = new Map(ledger.map((r) => [r.id, r]));
  return [
    {
      name: 'read_evidence',
      description: 'Read one evidence row of this incident group by id (query, time range, excerpt, data).',
      inputSchema: { type: 'object', properties: { id: { type: 'string' } }, required: ['id'] },
      async run(input) {
        const row = byId.get(String((input as { id?: unknown })?.id ?? ''));
        if (!row) throw new Error('no evidence row with that id in this group');
        // redacted field by field before it is JSON: in the encoded text a log line's "password":"…"
        // is \"password\":\"…\", which the key-value rules no longer see (guardTools redacts again)
        return JSON.stringify(redactValue({ id: row.id, source: row.source, query: row.query, startMs: row.startMs, endMs: row.endMs, excerpt: row.excerpt, data: row.data }));
      },
    },
    {
      name: 'search_runbooks',
      description: 'Search the runbooks; returns up to 3 sections (runbook id, section, line, excerpt).',
      inputSchema: { type: 'object', properties: { query: { type: 'string' } }, required: ['query'] },
      async run(input) {
        const query = String((input as { query?: unknown })?.query ?? '').slice(0, 500);
        return JSON.stringify(runbooks.search(query, 3));
      },
    },
  ];
}
