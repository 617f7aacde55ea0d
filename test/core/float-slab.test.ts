import { describe, expect, it } from 'vitest';
import { floatSlab } from '../../src/core/float-slab.js';

describe('floatSlab', () => {
  it('hands out zero-filled, non-overlapping views of shared chunks, a new chunk when one is full', () => {
    const alloc = floatSlab(100);
    const a = alloc(20);
    const b = alloc(20);
    a.fill(1);
    expect(Array.from(b)).toEqual(new Array(20).fill(0));
    expect(b.buffer).toBe(a.buffer);
    expect(b.byteOffset).toBe(a.byteOffset + 20 * 8);
    const views = [alloc(25), alloc(25), alloc(25)];
    expect(views[1].buffer).toBe(a.buffer); // 90 of 100 used
    expect(views[2].buffer).not.toBe(a.buffer); // 25 more do not fit: a fresh chunk
    expect(views[2].byteOffset).toBe(0);
    views[1].fill(7);
    expect(Array.from(views[0])).toEqual(new Array(25).fill(0));
  });

  it('gives arrays longer than a quarter chunk their own buffer', () => {
    const alloc = floatSlab(100);
    const small = alloc(10);
    const big = alloc(30);
    expect(big.length).toBe(30);
    expect(big.buffer).not.toBe(small.buffer);
    expect(big.buffer.byteLength).toBe(240);
  });
});
