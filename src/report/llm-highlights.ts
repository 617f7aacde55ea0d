import type { LlmClient } from '../adapters/llm/types.js';
import type { Logger } from '../core/logger.js';
import { highlightFacts, reportNumberPool, templateHighlights, ungroundedNumbers, type Highlights } from '../reporting/report/highlights.js';
import type { WeeklyReport } from '../reporting/report/weekly-report.js';

const SYSTEM = `You write the highlights paragraph of a weekly on-call handoff report for a Kubernetes fleet.
Write one plain-text paragraph of at most five sentences for the next on-call engineer: what was noisy, what changed week over week,
what needs attention. Use only the facts given; every number you write must appear in the facts exactly. No lists, no markdown, no greetings.`;

const MAX_CHARS = 1200;

/**
 * The highlights paragraph: the LLM's when it is enabled, answers, and every number it states
 * appears in the report (model data or rendered text); otherwise the template's, with the reasons.
 */
export async function writeHighlights(
  report: WeeklyReport, renderedText: string, deps: { llm?: LlmClient; enabled: boolean; logger: Logger; signal?: AbortSignal },
): Promise<Highlights> {
  const template = templateHighlights(report);
  if (!deps.enabled || !deps.llm || deps.llm.kind === 'none') return { text: template, source: 'template' };
  let text: string;
  try {
    const res = await deps.llm.converse({ system: SYSTEM, user: JSON.stringify(highlightFacts(report)), tools: [], maxSteps: 1, maxOutputTokens: 400, abortSignal: deps.signal });
    text = res.text.replace(/\s+/g, ' ').trim();
  } catch (err) {
    deps.logger.warn({ err: (err as Error).message }, 'llm highlights failed; template used');
    return { text: template, source: 'template', rejected: [`LLM call failed: ${(err as Error).message}`] };
  }
  const reasons = text.length === 0 ? ['empty answer'] : text.length > MAX_CHARS ? [`answer longer than ${MAX_CHARS} characters`] : [];
  const pool = reportNumberPool(report, `${renderedText}\n${template}`);
  reasons.push(...ungroundedNumbers(text, pool).map((raw) => `states ${JSON.stringify(raw)}, which is not in the report`));
  if (reasons.length > 0) {
    deps.logger.warn({ reasons }, 'llm highlights rejected; template used');
    return { text: template, source: 'template', rejected: reasons };
  }
  return { text, source: 'llm' };
}
