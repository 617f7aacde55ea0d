import { describe, expect, it } from 'vitest';
import { selectShard, shardOf } from '../../src/fleet/sharding.js';

const clusters = Array.from({ length: 2000 }, (_, i) => ({ id: `c-eu-west-${String(i).padStart(4, '0')}` }));

describe('rendezvous sharding', () => {
  it('assigns every cluster to exactly one shard', () => {
    const shards = Array.from({ length: 8 }, (_, i) => selectShard(clusters, i, 8));

    const ids = shards.flat().map((c) => c.id).sort();

    expect(ids).toEqual(clusters.map((c) => c.id).sort());
  });

  it('balances shards within 20% of the mean', () => {
    const sizes = Array.from({ length: 8 }, (_, i) => selectShard(clusters, i, 8).length);

    for (const size of sizes) expect(Math.abs(size - 250)).toBeLessThan(50);
  });

  it('moves only about 1/n of clusters when a shard is added', () => {
    const moved = clusters.filter((c) => shardOf(c.id, 8) !== shardOf(c.id, 9)).length;

    expect(moved / clusters.length).toBeGreaterThan(0.05);
    expect(moved / clusters.length).toBeLessThan(0.16);
  });

  it('is stable for a given id and count', () => {
    expect(shardOf('c-us-east-0001', 16)).toBe(shardOf('c-us-east-0001', 16));
  });
});
