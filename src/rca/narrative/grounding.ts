import type { EvidenceRow } from '../../adapters/store/types.js';
import { parseLlmAnswer, type LlmAnswer } from './llm-answer.js';
import { NumberPool, numberTokens, spelledNumberTokens } from './number-tokens.js';
import { unreadSourceProblems, unreadSources } from './unread-sources.js';

export type GroundingResult = { ok: true; answer: LlmAnswer } | { ok: false; reasons: string[] };

interface Statement {
  where: string;
  text: string;
  /** Undefined for summary and next steps: they are checked against everything the answer cites. */
  evidenceIds?: string[];
}

/**
 * Accepts an LLM answer only when it is valid JSON of the `LlmAnswer` schema, every cited id is in
 * the ledger, every claim, the root cause and every rejected hypothesis cites at least one id, and
 * every number it states appears in the evidence it cites (excerpt, query, data, time range) or in
 * the group facts with the same value and unit (`5.0m` = `5m`, `850 ms` = `850ms`, `1.11.3`); a number
 * in structured data grounds a bare number or one in the unit its key names (`p99LatencyMs` → ms);
 * the time range grounds only whole clock times (`14:05`) and dates. A name with a digit and a hyphen
 * (cluster `c-eu-west-1-0003`, node, pod, region) must be written in that evidence or the facts too.
 * Nothing may say a source not configured (a `source-not-configured` row) showed nothing ("no deploys").
 * Pure; the reasons are meant for people.
 */
export function checkGrounding(answer: unknown, ledger: readonly EvidenceRow[], facts: readonly string[]): GroundingResult {
  const parsed = parseLlmAnswer(answer);
  if (!parsed.ok) return parsed;
  const byId = new Map(ledger.map((row) => [row.id, row]));
  const statements = statementsOf(parsed.answer);
  const reasons = statements.flatMap((s) => citationProblems(s, byId));
  const cited = [...new Set(statements.flatMap((s) => s.evidenceIds ?? []))].filter((id) => byId.has(id));
  const unread = unreadSources(ledger);
  for (const s of statements) {
    const ids = s.evidenceIds ?? cited;
    reasons.push(...numberProblems(s, ids, byId, facts), ...nameProblems(s, ids, byId, facts), ...commandProblems(s), ...unreadSourceProblems(s.where, s.text, unread));
  }
  return reasons.length === 0 ? { ok: true, answer: parsed.answer } : { ok: false, reasons };
}

function statementsOf(a: LlmAnswer): Statement[] {
  return [
    { where: 'summary', text: a.summary },
    { where: 'rootCause', text: a.rootCause.statement, evidenceIds: a.rootCause.evidenceIds },
    ...a.claims.map((c, i) => ({ where: `claims[${i}]`, text: c.text, evidenceIds: c.evidenceIds })),
    ...a.rejectedHypotheses.map((c, i) => ({ where: `rejectedHypotheses[${i}]`, text: c.text, evidenceIds: c.evidenceIds })),
    ...a.nextSteps.map((text, i) => ({ where: `nextSteps[${i}]`, text })),
  ];
}

function citationProblems(s: Statement, byId: Map<string, EvidenceRow>): string[] {
  if (!s.evidenceIds) return [];
  if (s.evidenceIds.length === 0) return [`${s.where}: cites no evidence`];
  return s.evidenceIds.filter((id) => !byId.has(id)).map((id) => `${s.where}: cites evidence id ${JSON.stringify(id)} that is not in the ledger`);
}

function numberProblems(s: Statement, ids: string[], byId: Map<string, EvidenceRow>, facts: readonly string[]): string[] {
  const pool = new NumberPool();
  facts.forEach((f) => pool.addText(f));
  for (const id of ids) {
    const row = byId.get(id);
    if (row) pool.addText(evidenceText(row)).addData(row.data).addTime(row.startMs).addTime(row.endMs);
  }
  const missing = [...new Set([...numberTokens(s.text), ...spelledNumberTokens(s.text)].filter((t) => !pool.has(t)).map((t) => t.raw))];
  const problems = missing.map((raw) => `${s.where}: states ${JSON.stringify(raw)}, which appears neither in its cited evidence nor in the group facts`);
  // `９９%` would pass unread: digits the tokens do not know are refused outright
  return OTHER_DIGIT.test(s.text) ? [...problems, `${s.where}: writes digits other than 0-9, which cannot be checked against the evidence`] : problems;
}

const OTHER_DIGIT = /(?![0-9])\p{Nd}/u;

/**
 * Names of clusters, nodes, pods and regions (a letter first, a digit and a hyphen or underscore in
 * it): numbers alone do not ground them, since a cluster's digits are in most data. A component with
 * its version (`coredns-1.11.3`) is left to the number check.
 */
function nameProblems(s: Statement, ids: string[], byId: Map<string, EvidenceRow>, facts: readonly string[]): string[] {
  const texts = [...facts, ...ids.flatMap((id) => {
    const row = byId.get(id);
    return row ? [row.id, evidenceText(row), ...dataStrings(row.data)] : [];
  })].map((t) => t.toLowerCase());
  const names = [...s.text.matchAll(NAME)].map((m) => m[0].toLowerCase()).filter((n) => /\d/.test(n) && /[-_]/.test(n) && !VERSIONED.test(n));
  const missing = [...new Set(names)].filter((n) => !texts.some((t) => hasName(t, n)));
  return missing.map((n) => `${s.where}: names ${JSON.stringify(n)}, which appears neither in its cited evidence nor in the group facts`);
}

const NAME = /(?<![\w.-])[a-z][a-z\d]*(?:[-_.][a-z\d]+)*/gi;
const VERSIONED = /^[a-z][a-z-]*[-_]v?\d+(?:\.\d+)+$/;

/** `name` as a whole name in `text`: `ip-10-0-1-2` is in `ip-10-0-1-2.compute.internal`, `c-1` is not in `c-10`. */
function hasName(text: string, name: string): boolean {
  for (let i = text.indexOf(name); i >= 0; i = text.indexOf(name, i + 1)) {
    if (!/[\w-]/.test(text[i - 1] ?? '') && !/[\w-]/.test(text[i + name.length] ?? '')) return true;
  }
  return false;
}

function dataStrings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(dataStrings);
  return value && typeof value === 'object' ? Object.values(value).flatMap(dataStrings) : [];
}

/** Approvals are thread replies `approve <id8>`: an answer must never carry one, even quoted from a log. */
function commandProblems(s: Statement): string[] {
  return APPROVAL_COMMAND.test(s.text) ? [`${s.where}: contains an approval command, which an answer may never carry`] : [];
}

/** As the approval parser reads one: a short id or the whole one (8 to 64 hex digits). */
const APPROVAL_COMMAND = /\b(?:approve|reject)\s+[0-9a-f]{8,64}\b/i;

/** The row's time range enters the pool only as whole `HH:MM` times and dates: its digits would ground any count. */
function evidenceText(row: EvidenceRow): string {
  return [row.excerpt, row.query].join('\n');
}
