import { createBm25Index } from './bm25.js';
import { chunkRunbook, failureModeKeyword, symptomKeywords, type RunbookChunk, type SymptomLike } from './chunk-runbook.js';
import { tokenize } from './tokenize.js';
import { compareText } from '../core/compare-text.js';
import type { Runbook } from './runbook-schema.js';

/** A structured look-up, as the digest makes it from an incident; every field is optional. */
export interface StructuredRunbookQuery extends SymptomLike {
  failureMode?: string;
  /** Several symptoms at once, e.g. all symptoms of a failure mode. */
  symptoms?: SymptomLike[];
  text?: string;
}

export type RunbookQuery = string | StructuredRunbookQuery;

export interface RunbookHit {
  runbookId: string;
  section: string;
  score: number;
  /** The section line that best matches the query (or its first line), trimmed. */
  excerpt: string;
  /** 1-based line of the excerpt in the runbook file. */
  line: number;
}

export interface SearchOptions {
  /** Hits per runbook; 1 (the default) gives k distinct runbooks. */
  maxPerRunbook?: number;
}

export interface RunbookIndex {
  search(query: RunbookQuery, k?: number, options?: SearchOptions): RunbookHit[];
  byId(id: string): Runbook | undefined;
}

const BOOSTS = { title: 3, meta: 2, heading: 1.5, body: 1 };
const FAILURE_MODE_WORD = /^[a-z0-9-]+\.[a-z0-9-]+$/;

function symptomQueryTokens(symptom: SymptomLike): string[] {
  const wildcard = symptom.component && symptom.component !== 'node' && symptom.component !== 'any'
    ? symptomKeywords({ ...symptom, component: 'any' }).filter((k) => k.startsWith('sym:')) : [];
  return [...symptomKeywords(symptom), ...wildcard, ...tokenize(`${symptom.component ?? ''} ${symptom.signal ?? ''}`)];
}

/** Turns a query into weighted tokens: text tokens, plus exact keywords for structured parts. */
export function queryTokens(query: RunbookQuery): string[] {
  if (typeof query === 'string') {
    const ids = query.split(/\s+/).filter((word) => FAILURE_MODE_WORD.test(word)).map(failureModeKeyword);
    return [...tokenize(query), ...ids];
  }
  const symptoms = [...(query.symptoms ?? []), ...(query.signal || query.component ? [query] : [])];
  // Section hints: a symptom look-up is best answered by `## Symptoms`, a cause by `## Diagnosis`.
  const hints = [...(symptoms.length > 0 ? tokenize('Symptoms') : []), ...(query.failureMode ? tokenize('Diagnosis') : [])];
  return [
    ...symptoms.flatMap(symptomQueryTokens),
    ...(query.failureMode ? [failureModeKeyword(query.failureMode), failureModeKeyword(query.failureMode), ...tokenize(query.failureMode)] : []),
    ...tokenize(query.text ?? ''),
    ...hints,
  ];
}

function bestLine(chunk: RunbookChunk, tokens: Set<string>): { excerpt: string; line: number } {
  const { section } = chunk;
  let best = { excerpt: section.name, line: section.line, matches: 0 };
  section.lines.forEach((text, i) => {
    const matches = tokenize(text).filter((t) => tokens.has(t)).length;
    const isFirstContent = best.line === section.line && text.trim().length > 0;
    if (matches > best.matches || (best.matches === 0 && isFirstContent)) {
      best = { excerpt: text.trim().slice(0, 240), line: section.line + 1 + i, matches };
    }
  });
  return { excerpt: best.excerpt, line: best.line };
}

/** Builds an in-memory BM25F index over runbook sections. */
export function createRunbookIndex(runbooks: Runbook[]): RunbookIndex {
  const chunks = runbooks.flatMap(chunkRunbook);
  const bm25 = createBm25Index(chunks, { k1: 1.2, b: 0.75, boosts: BOOSTS });
  const byId = new Map(runbooks.map((runbook) => [runbook.id, runbook]));
  return {
    byId: (id) => byId.get(id),
    search(query, k = 5, options = {}) {
      const tokens = queryTokens(query);
      const scores = bm25.score(tokens);
      const order = chunks.map((_, i) => i).filter((i) => scores[i] > 0)
        .sort((a, b) => scores[b] - scores[a] || compareText(chunks[a].runbookId, chunks[b].runbookId) || a - b);
      const perRunbook = new Map<string, number>();
      const hits: RunbookHit[] = [];
      for (const i of order) {
        const chunk = chunks[i];
        const taken = perRunbook.get(chunk.runbookId) ?? 0;
        if (hits.length >= k || taken >= (options.maxPerRunbook ?? 1)) continue;
        perRunbook.set(chunk.runbookId, taken + 1);
        hits.push({ runbookId: chunk.runbookId, section: chunk.section.name, score: scores[i], ...bestLine(chunk, new Set(tokens)) });
      }
      return hits;
    },
  };
}
