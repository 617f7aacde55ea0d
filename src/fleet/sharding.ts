/**
 * Rendezvous (highest-random-weight) hashing of cluster ids onto shards: stable, and when the shard
 * count changes only about 1/n of the clusters move. FNV-1a 32-bit + a murmur finaliser, so the
 * assignment is the same on every machine and in every process.
 */
function hash32(s: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

/** The shard (0-based) that owns a cluster id among `count` shards. */
export function shardOf(clusterId: string, count: number): number {
  let best = 0;
  let bestWeight = -1;
  for (let s = 0; s < count; s++) {
    const w = hash32(clusterId, s * 0x9e3779b1);
    if (w > bestWeight) {
      bestWeight = w;
      best = s;
    }
  }
  return best;
}

/** The clusters owned by shard `index` of `count`. */
export function selectShard<T extends { id: string }>(clusters: T[], index: number, count: number): T[] {
  return count <= 1 ? clusters : clusters.filter((c) => shardOf(c.id, count) === index);
}
