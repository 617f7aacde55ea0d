import { createHash } from 'node:crypto';

/** Deterministic anomaly id: rescanning the same window yields the same ids, so stores upsert. */
export function findingId(parts: { cluster: string; component: string; signal: string; kind: string; startMs: number }): string {
  return createHash('sha256')
    .update(`${parts.cluster}\u0000${parts.component}\u0000${parts.signal}\u0000${parts.kind}\u0000${parts.startMs}`)
    .digest('hex')
    .slice(0, 24);
}
