import { describe, expect, it } from 'vitest';
import { median, pearson, robustBaseline, robustZ } from '../../../src/rca/ranking/robust-stats.js';

describe('robust statistics', () => {
  it.each([
    [[3, 1, 2], 2],
    [[4, 1, 3, 2], 2.5],
    [[NaN, 5, 1], 3],
    [[], NaN],
  ])('median of %j is %s', (values, expected) => {
    expect(median(values)).toBe(expected);
  });

  it('scores against median and unscaled MAD', () => {
    const baseline = robustBaseline([1, 2, 3, 4, 100], { relativeFloor: 0 });

    expect(baseline).toEqual({ center: 3, scale: 1, count: 5 });
    expect(robustZ(8, baseline)).toBe(5);
  });

  it('falls back to the relative floor when MAD is 0 (availability pinned at 100)', () => {
    const baseline = robustBaseline([100, 100, 100, 99], { relativeFloor: 0.001 });

    expect(baseline.scale).toBeCloseTo(0.1);
    expect(robustZ(99, baseline)).toBeCloseTo(-10);
  });

  it('bounds the score of a series that was flat at zero', () => {
    const baseline = robustBaseline([0, 0, 0], { relativeFloor: 0.001 });

    expect(robustZ(5, baseline, 0.001)).toBeCloseTo(1000);
  });

  it.each([
    [[1, 2, 3, 4], [2, 4, 6, 8], 1],
    [[1, 2, 3, 4], [8, 6, 4, 2], -1],
    [[1, 1, 1, 1], [1, 2, 3, 4], 0],
    [[1, 2, NaN, 4, 5], [1, 2, 99, 4, 5], 1],
  ])('pearson(%j, %j) = %s', (a, b, expected) => {
    expect(pearson(a, b)).toBeCloseTo(expected);
  });
});
