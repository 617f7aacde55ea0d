/** A document with one token list per field (title, body, …). */
export interface Bm25Document {
  fields: Record<string, string[]>;
}

export interface Bm25Options {
  k1?: number;
  b?: number;
  /** Field name → weight; fields not listed weigh 1. */
  boosts?: Record<string, number>;
}

export interface Bm25Index {
  /** Scores every document against query tokens (repeated tokens weigh more); index order. */
  score(queryTokens: string[]): Float64Array;
}

function countTerms(tokens: string[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
  return counts;
}

/**
 * BM25F: per-field term frequencies are length-normalised against that field's average, weighted
 * by the field boost, summed, then saturated once with k1 — so a term in the title and the body
 * does not count twice at full strength.
 */
export function createBm25Index(docs: Bm25Document[], options: Bm25Options = {}): Bm25Index {
  const { k1 = 1.2, b = 0.75, boosts = {} } = options;
  const fieldNames = [...new Set(docs.flatMap((doc) => Object.keys(doc.fields)))];
  const avgLength = Object.fromEntries(fieldNames.map((f) => [f, docs.reduce((sum, d) => sum + (d.fields[f]?.length ?? 0), 0) / Math.max(docs.length, 1) || 1]));
  const termCounts = docs.map((doc) => Object.fromEntries(fieldNames.map((f) => [f, countTerms(doc.fields[f] ?? [])])));
  const docFrequency = new Map<string, number>();
  for (const doc of docs) {
    for (const term of new Set(Object.values(doc.fields).flat())) docFrequency.set(term, (docFrequency.get(term) ?? 0) + 1);
  }
  const idf = (term: string): number => {
    const df = docFrequency.get(term) ?? 0;
    return Math.log(1 + (docs.length - df + 0.5) / (df + 0.5));
  };
  const weightedTf = (i: number, term: string): number =>
    fieldNames.reduce((sum, f) => {
      const tf = termCounts[i][f].get(term) ?? 0;
      if (tf === 0) return sum;
      const norm = 1 - b + (b * (docs[i].fields[f]?.length ?? 0)) / avgLength[f];
      return sum + ((boosts[f] ?? 1) * tf) / norm;
    }, 0);
  return {
    score(queryTokens) {
      const scores = new Float64Array(docs.length);
      for (const [term, queryWeight] of countTerms(queryTokens)) {
        if (!docFrequency.has(term)) continue;
        const termIdf = idf(term);
        for (let i = 0; i < docs.length; i += 1) {
          const tf = weightedTf(i, term);
          if (tf > 0) scores[i] += queryWeight * termIdf * ((tf * (k1 + 1)) / (tf + k1));
        }
      }
      return scores;
    },
  };
}
