import { z } from 'zod';
import { describeIssues } from '../../core/config/format-issues.js';

const Text = (max: number) => z.string().trim().min(1).max(max);
const EvidenceIds = z.array(z.string().min(1).max(200)).max(12);
const Cited = z.strictObject({ text: Text(600), evidenceIds: EvidenceIds });

/**
 * The only shape an LLM answer may take. Strict objects: an extra field (say, `actions`) rejects the
 * whole answer, so nothing the model "suggests" outside these fields can reach the digest.
 */
export const LlmAnswer = z.strictObject({
  summary: Text(800),
  rootCause: z.strictObject({ statement: Text(600), evidenceIds: EvidenceIds }),
  claims: z.array(Cited).min(1).max(12),
  rejectedHypotheses: z.array(Cited).max(8),
  nextSteps: z.array(Text(300)).max(6),
});
export type LlmAnswer = z.infer<typeof LlmAnswer>;

export type ParsedAnswer = { ok: true; answer: LlmAnswer } | { ok: false; reasons: string[] };

/** Parses the model's text: one JSON object, optionally inside a single ```json fence; nothing else. */
export function parseLlmAnswer(raw: unknown): ParsedAnswer {
  let value = raw;
  if (typeof raw === 'string') {
    const fenced = /^\s*```(?:json)?\s*\n([\s\S]*?)\n?```\s*$/.exec(raw);
    try {
      value = JSON.parse(fenced ? fenced[1] : raw);
    } catch (err) {
      return { ok: false, reasons: [`answer is not valid JSON: ${(err as Error).message}`] };
    }
  }
  const parsed = LlmAnswer.safeParse(value);
  if (parsed.success) return { ok: true, answer: parsed.data };
  return { ok: false, reasons: describeIssues(parsed.error.issues, LlmAnswer, value).slice(0, 10).map((p) => `schema: ${p.field}: ${p.message}`) };
}
