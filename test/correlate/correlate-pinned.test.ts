import { createHash } from 'node:crypto';
import { describe, expect, it, vi } from 'vitest';
import { syntheticDay } from '../../bench/digest/synthetic-day.js';
import { correlate } from '../../src/correlate/index.js';
import { largestBurst } from '../../src/correlate/residual-burst.js';

/**
 * Correlation's output pinned on fixed synthetic days (bench/digest/synthetic-day.ts): a rollout,
 * a regional degradation, residual bursts and dependency groups in background noise, with a
 * maintenance window. The hashes are of the groups the code gave before its performance changes:
 * a speed-up must leave every group, id, title, attribute and finding order as it was.
 */
const hashOf = (value: unknown) => createHash('sha256').update(JSON.stringify(value)).digest('hex');

describe('correlate on fixed synthetic days', () => {
  it.each([
    { clusters: 1500, perCluster: 1, groups: 934, multi: [93, 158, 6, 7, 17, 24], hash: '98a7e291f9cff791f0d22f3b3198a7c4df2035519085c43032e72997080fa957' },
    { clusters: 3000, perCluster: 0.25, groups: 467, multi: [118, 265, 4, 4, 26], hash: '4f3188fa3cd911d7d3ce9ca46a26e1ee0ef32f43d9d6d8470e754196723ce5fd' },
    { clusters: 600, perCluster: 3, groups: 1098, multi: [20, 32, 19, 6, 7, 5, 6, 6, 63, 7, 8, 7, 5], hash: '94d55213b4b43d518467d17002e66309828110ddd3a0415db05d8189b35539f2' },
  ])('gives the same groups as before on $clusters clusters × $perCluster findings', ({ clusters, perCluster, groups, multi, hash }) => {
    const day = syntheticDay({ clusters, findingsPerCluster: perCluster });

    const out = correlate(day.findings, day.clusters, { day: day.day, maintenance: day.maintenance });

    expect(out).toHaveLength(groups);
    expect(out.filter((g) => g.clusters.length > 1).map((g) => g.clusters.length)).toEqual(multi);
    expect(hashOf(out)).toBe(hash);
  });

  it('correlates a 7,000-cluster day of 28,734 findings into the same 12,982 groups (its speed: bench/digest/correlate-scale.ts)', () => {
    const day = syntheticDay({ clusters: 7000, findingsPerCluster: 4 });

    const out = correlate(day.findings, day.clusters, { day: day.day, maintenance: day.maintenance });

    expect(out).toHaveLength(12_982);
    expect(hashOf(out)).toBe('41c2fad8774333a85651c9013cdd495c4b2a0a9861808d1715cdb174e74cd7ce');
  });

  it('skips the burst search in the keying-only pass (residualBurstP 0: nothing can be a burst)', () => {
    const episodes = Array.from({ length: 50 }, (_, i) => ({ cluster: `c-${i}`, startMs: i * 60_000, endMs: i * 60_000 + 600_000, findings: [] }));
    const rateOf = vi.fn(() => 1e-9);

    const burst = largestBurst(episodes, 'coredns', { rateOf, residualBurstP: 0, minClusters: 3 });

    expect(burst).toBeUndefined();
    expect(rateOf).not.toHaveBeenCalled();
  });
});
