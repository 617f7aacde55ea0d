import { describe, expect, it } from 'vitest';
import { REQUIRED_SECTIONS, loadRunbooks, sectionSimilarity, tokenize, type Runbook } from '../../src/runbooks/index.js';

const runbooks = loadRunbooks('runbooks');

/** The documented formula, written plainly: mean over shared fixed sections of TF-IDF cosines. */
function reference(rbs: Runbook[]): number[][] {
  const sections = rbs.map((rb) => new Map(rb.sections.filter((s) => (REQUIRED_SECTIONS as readonly string[]).includes(s.name)).map((s) => [s.name, tokenize(s.lines.join('\n'))])));
  const docs = sections.flatMap((m) => [...m.values()]);
  const idf = (t: string): number => Math.log((1 + docs.length) / (1 + docs.filter((d) => d.includes(t)).length)) + 1;
  const vector = (tokens: string[]): Map<string, number> => {
    const v = new Map<string, number>();
    for (const t of tokens) v.set(t, (v.get(t) ?? 0) + idf(t));
    return v;
  };
  const cos = (a: Map<string, number>, b: Map<string, number>): number => {
    const dot = [...a].reduce((s, [t, w]) => s + w * (b.get(t) ?? 0), 0);
    const norm = (v: Map<string, number>): number => Math.sqrt([...v.values()].reduce((s, w) => s + w * w, 0));
    return dot === 0 ? 0 : dot / (norm(a) * norm(b));
  };
  return sections.map((a) => sections.map((b) => {
    const shared = [...a.keys()].filter((n) => b.has(n));
    return shared.length === 0 ? 0 : shared.reduce((s, n) => s + cos(vector(a.get(n)!), vector(b.get(n)!)), 0) / shared.length;
  }));
}

/** n runbooks of five sections, ~40 words each from a 2,000-word vocabulary. */
function synthetic(n: number): Runbook[] {
  let seed = 7;
  const word = (): string => `w${((seed = (seed * 48_271) % 2_147_483_647) % 2_000).toString(36)}x`;
  return Array.from({ length: n }, (_, i) => ({
    id: `rb-${i}`, file: `rb-${i}.md`, meta: {} as Runbook['meta'],
    sections: REQUIRED_SECTIONS.map((name, k) => ({ name, line: k * 10 + 1, lines: [Array.from({ length: 40 }, word).join(' ')] })),
  }));
}

describe('sectionSimilarity', () => {
  it('matches the documented formula on the shipped runbooks', () => {
    const got = sectionSimilarity(runbooks);

    const want = reference(runbooks);
    got.forEach((row, i) => row.forEach((value, j) => expect(value).toBeCloseTo(want[i][j], 10)));
  });

  it('gives 0 for runbooks with no fixed section in common, 1 on the diagonal', () => {
    const [a, b] = synthetic(2);
    const onlySymptoms = { ...a, sections: a.sections.slice(0, 1) };
    const onlyEscalation = { ...b, sections: b.sections.slice(4) };

    expect(sectionSimilarity([onlySymptoms, onlyEscalation])).toEqual([[1, 0], [0, 1]]);
  });

  it('fills both halves of the matrix from one comparison per pair', () => {
    const rbs = synthetic(300);

    const matrix = sectionSimilarity(rbs);

    expect(matrix.every((row, i) => row.every((v, j) => v === matrix[j][i]))).toBe(true);
  });
});
