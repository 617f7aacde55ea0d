import { describe, expect, it } from 'vitest';
import type { Episode } from '../../src/correlate/episodes.js';
import { largestBurst, poissonTail } from '../../src/correlate/residual-burst.js';

describe('poissonTail', () => {
  it.each([
    [0, 2, 1],
    [1, 0, 0],
    [1, 1, 1 - Math.exp(-1)],
    [3, 0.5, 1 - Math.exp(-0.5) * (1 + 0.5 + 0.125)],
    [6, 0.25, 2.738135633828e-7],
    [1, 1000, 1],
    [1000, 1000, 0.50420524418],
    [2000, 1000, 0],
  ])('P(X ≥ %i | λ = %s) = %s, without underflow of e^-λ', (n, lambda, expected) => {
    const p = poissonTail(n, lambda);

    expect(Math.abs(p - expected)).toBeLessThanOrEqual(1e-12 + 1e-9 * expected);
  });
});

describe('largestBurst', () => {
  const MIN = 60_000;
  const ep = (cluster: string, minute: number): Episode => ({ cluster, startMs: minute * MIN, endMs: (minute + 30) * MIN, findings: [] });
  /** 10 episodes of the key a day. */
  const test = { rateOf: () => 10 / (24 * 60 * MIN), residualBurstP: 1e-3, minClusters: 3 };

  it('takes the whole set, a cluster\'s second episode included, when it is a burst', () => {
    const es = [ep('a', 20), ep('c', 2), ep('b', 1), ep('a', 0)];

    const burst = largestBurst(es, 'coredns', test);

    expect(burst?.map((e) => `${e.cluster}@${e.startMs / MIN}`)).toEqual(['a@0', 'b@1', 'c@2', 'a@20']);
  });

  it('takes the earliest of two equally tight runs when the whole set (6 clusters over 5 hours) is none', () => {
    const es = [ep('d', 300), ep('e', 301), ep('f', 302), ep('a', 0), ep('b', 1), ep('c', 2)];

    const burst = largestBurst(es, 'coredns', test);

    expect(burst?.map((e) => e.cluster)).toEqual(['a', 'b', 'c']);
    expect(largestBurst(es.filter((e) => !burst?.includes(e)), 'coredns', test)?.map((e) => e.cluster)).toEqual(['d', 'e', 'f']);
  });

  it('finds none among fewer than minClusters clusters, however tight', () => {
    expect(largestBurst([ep('a', 0), ep('b', 0), ep('a', 1)], 'coredns', test)).toBeUndefined();
  });
});
