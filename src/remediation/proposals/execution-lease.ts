import type { Store } from '../../adapters/store/types.js';
import type { Clock } from '../../core/clock.js';

export interface HeldLease {
  /** Aborted when a renewal fails: another process may own the execution now. */
  signal: AbortSignal;
  saveCheckpoint(checkpoint: Record<string, unknown>): Promise<boolean>;
  release(): Promise<void>;
}

/**
 * Takes the execution lease of a proposal and renews it every third of its TTL (heartbeat). A
 * lost lease aborts the signal so the executor stops between steps. Undefined when another
 * process holds it.
 */
export async function takeLease(store: Store, clock: Clock, id: string, owner: string, ttlMs: number, parent?: AbortSignal): Promise<HeldLease | undefined> {
  if (!(await store.proposals.acquireLease(id, owner, clock.nowMs(), ttlMs))) return undefined;
  const lost = new AbortController();
  // renew, never re-take: a lease that expired while this process stalled may have been taken over
  // (and even released) by another run, which then owns the execution's progress
  const timer = setInterval(() => {
    store.proposals.renewLease(id, owner, clock.nowMs(), ttlMs)
      .then((ok) => { if (!ok) lost.abort(new Error('execution lease lost')); })
      .catch((err: unknown) => lost.abort(err));
  }, Math.max(1000, Math.floor(ttlMs / 3)));
  timer.unref();
  const signal = parent ? AbortSignal.any([lost.signal, parent]) : lost.signal;
  return {
    signal,
    async saveCheckpoint(checkpoint) {
      const ok = await store.proposals.saveCheckpoint(id, owner, checkpoint, clock.nowMs());
      if (!ok) lost.abort(new Error('execution lease lost'));
      return ok;
    },
    async release() {
      clearInterval(timer);
      // Expire our own lease at once so the next run need not wait for the TTL.
      await store.proposals.releaseLease(id, owner, clock.nowMs());
    },
  };
}
