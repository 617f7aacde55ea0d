import { tokenize } from './tokenize.js';
import { REQUIRED_SECTIONS, sectionText, type Runbook } from './runbook-schema.js';

type Vector = Map<string, number>;

function cosine(a: Vector, b: Vector): number {
  let dot = 0;
  let normA = 0;
  let normB = 0;
  for (const [term, weight] of a) {
    normA += weight * weight;
    dot += weight * (b.get(term) ?? 0);
  }
  for (const weight of b.values()) normB += weight * weight;
  return normA === 0 || normB === 0 ? 0 : dot / Math.sqrt(normA * normB);
}

function termCounts(text: string): Vector {
  const counts: Vector = new Map();
  for (const token of tokenize(text)) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/**
 * Pairwise similarity of runbooks: the mean, over the fixed sections both have, of the cosine
 * between TF-IDF vectors of that section's text. Smoothed IDF (sklearn's) keeps shared words
 * from vanishing when the corpus is tiny. Returns a symmetric matrix in input order.
 */
export function sectionSimilarity(runbooks: Runbook[]): number[][] {
  const counts = runbooks.map((rb) => new Map(rb.sections
    .filter((s) => (REQUIRED_SECTIONS as readonly string[]).includes(s.name))
    .map((s) => [s.name, termCounts(sectionText(s))] as const)));
  const docs = counts.flatMap((bySection) => [...bySection.values()]);
  const df = new Map<string, number>();
  for (const doc of docs) for (const term of doc.keys()) df.set(term, (df.get(term) ?? 0) + 1);
  const idf = (term: string): number => Math.log((1 + docs.length) / (1 + (df.get(term) ?? 0))) + 1;
  const vectors = counts.map((bySection) => new Map([...bySection].map(([name, tf]) =>
    [name, new Map([...tf].map(([term, n]) => [term, n * idf(term)]))] as const)));
  return vectors.map((a) => vectors.map((b) => {
    const shared = [...a.keys()].filter((name) => b.has(name));
    if (shared.length === 0) return 0;
    return shared.reduce((sum, name) => sum + cosine(a.get(name)!, b.get(name)!), 0) / shared.length;
  }));
}
