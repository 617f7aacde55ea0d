import { describe, expect, it } from 'vitest';
import { mapLimit } from '../../src/core/map-limit.js';

const tick = () => new Promise<void>((resolve) => setImmediate(resolve));

describe('mapLimit', () => {
  it('keeps at most `limit` calls in flight and returns results in input order', async () => {
    let inFlight = 0;
    let peak = 0;
    const out = await mapLimit([5, 1, 4, 2, 3, 0, 6], 3, async (x, i) => {
      peak = Math.max(peak, ++inFlight);
      for (let t = 0; t < x; t++) await tick(); // later items finish first
      inFlight--;
      return `${i}:${x * 10}`;
    });
    expect(out).toEqual(['0:50', '1:10', '2:40', '3:20', '4:30', '5:0', '6:60']);
    expect(peak).toBe(3);
  });

  it('starts nothing after a rejection and rejects with it', async () => {
    const started: number[] = [];
    await expect(mapLimit([0, 1, 2, 3, 4, 5], 2, async (x) => {
      started.push(x);
      await tick();
      if (x === 1) throw new Error('item 1 failed');
      return x;
    })).rejects.toThrow('item 1 failed');
    expect(started).toEqual([0, 1, 2]);
  });

  it('handles an empty list and a limit above the length', async () => {
    expect(await mapLimit([], 4, async () => 1)).toEqual([]);
    expect(await mapLimit([1, 2], 10, async (x) => x + 1)).toEqual([2, 3]);
  });
});
