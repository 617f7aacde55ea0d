import { describe, expect, it } from 'vitest';
import { proposal, T0 } from './fixtures.js';
import type { StoreContext } from './store-suite.js';

export function registerProposalTests(ctx: StoreContext): void {
  describe('proposals', () => {
    it('inserts or ignores by id, gets and lists', async () => {
      const inserted = [
        await ctx.store.proposals.insert(proposal('p1', { state: 'proposed' })),
        await ctx.store.proposals.insert(proposal('p1', { state: 'approved' })),
        await ctx.store.proposals.insert(proposal('p2', { groupId: 'g-2', createdAtMs: T0 + 1 })),
      ];

      expect(inserted).toEqual([true, false, true]);
      expect(await ctx.store.proposals.get('p1')).toEqual(proposal('p1', { state: 'proposed' }));
      expect((await ctx.store.proposals.list({ states: ['approved', 'executing'] })).map((p) => p.id)).toEqual(['p2']);
      expect((await ctx.store.proposals.list({ groupId: 'g-1' })).map((p) => p.id)).toEqual(['p1']);
      expect((await ctx.store.proposals.list({})).map((p) => p.id)).toEqual(['p1', 'p2']);
    });

    it('transitions atomically from an expected state, applying the patch', async () => {
      await ctx.store.proposals.insert(proposal('p1', { state: 'proposed' }));

      const posted = await ctx.store.proposals.transition('p1', ['proposed'], 'proposed', { channel: 'C1', threadTs: '1.5' }, T0 + 1);
      const approved = await ctx.store.proposals.transition('p1', ['proposed'], 'approved', {}, T0 + 2);
      const stale = await ctx.store.proposals.transition('p1', ['proposed', 'rejected'], 'expired', {}, T0 + 3);

      expect(posted).toEqual(proposal('p1', { state: 'proposed', channel: 'C1', threadTs: '1.5', updatedAtMs: T0 + 1 }));
      expect(approved?.state).toBe('approved');
      expect(approved?.channel).toBe('C1');
      expect(stale).toBeUndefined();
      expect(await ctx.store.proposals.transition('missing', ['approved'], 'executing')).toBeUndefined();
    });

    it('lets exactly one of two store instances claim a proposal', async () => {
      await ctx.store.proposals.insert(proposal('p1'));
      const other = await ctx.harness.open(ctx.target);

      const results = await Promise.all([
        ctx.store.proposals.transition('p1', ['approved'], 'executing', { checkpoint: { by: 'a' } }),
        other.proposals.transition('p1', ['approved'], 'executing', { checkpoint: { by: 'b' } }),
      ]);
      await other.close();

      expect(results.filter((r) => r !== undefined)).toHaveLength(1);
      const winner = results.find((r) => r !== undefined);
      expect((await ctx.store.proposals.get('p1'))?.checkpoint).toEqual(winner?.checkpoint);
    });
  });

  describe('leases', () => {
    it('is taken when free, renewed by its owner, refused to others until it expires', async () => {
      await ctx.store.proposals.insert(proposal('p1'));
      const lease = ctx.store.proposals;

      const steps = [
        await lease.acquireLease('p1', 'pod-a', T0, 60_000),
        await lease.acquireLease('p1', 'pod-b', T0 + 10_000, 60_000),
        await lease.acquireLease('p1', 'pod-a', T0 + 30_000, 60_000),
        await lease.acquireLease('p1', 'pod-b', T0 + 80_000, 60_000),
        await lease.acquireLease('p1', 'pod-b', T0 + 90_001, 60_000),
        await lease.acquireLease('missing', 'pod-a', T0, 60_000),
      ];

      expect(steps).toEqual([true, false, true, false, true, false]);
      expect(await lease.get('p1')).toMatchObject({ leaseOwner: 'pod-b', leaseUntilMs: T0 + 150_001 });
    });

    it('saves checkpoints only while the lease is ours and the proposal executes', async () => {
      await ctx.store.proposals.insert(proposal('p1', { state: 'executing' }));
      await ctx.store.proposals.insert(proposal('p2', { state: 'succeeded' }));
      await ctx.store.proposals.acquireLease('p1', 'pod-a', T0, 60_000);
      await ctx.store.proposals.acquireLease('p2', 'pod-a', T0, 60_000);

      const ours = await ctx.store.proposals.saveCheckpoint('p1', 'pod-a', { step: 2 }, T0 + 1_000);
      const notOurs = await ctx.store.proposals.saveCheckpoint('p1', 'pod-b', { step: 9 }, T0 + 1_000);
      const expired = await ctx.store.proposals.saveCheckpoint('p1', 'pod-a', { step: 3 }, T0 + 61_000);
      const finished = await ctx.store.proposals.saveCheckpoint('p2', 'pod-a', { step: 4 }, T0 + 1_000);

      expect([ours, notOurs, expired, finished]).toEqual([true, false, false, false]);
      expect((await ctx.store.proposals.get('p1'))?.checkpoint).toEqual({ step: 2 });
    });

    it('hands a claim back (executing → approved) only while the lease is ours, unexpired, and the proposal executes', async () => {
      await ctx.store.proposals.insert(proposal('p1', { state: 'executing', checkpoint: { phase: 'executing', attempts: 0 } }));
      await ctx.store.proposals.insert(proposal('p2', { state: 'executing' }));
      await ctx.store.proposals.insert(proposal('p3', { state: 'succeeded' }));
      for (const id of ['p1', 'p2', 'p3']) await ctx.store.proposals.acquireLease(id, 'pod-a', T0, 60_000);

      const notOurs = await ctx.store.proposals.releaseClaim('p1', 'pod-b', T0 + 1_000);
      const expired = await ctx.store.proposals.releaseClaim('p2', 'pod-a', T0 + 61_000);
      const finished = await ctx.store.proposals.releaseClaim('p3', 'pod-a', T0 + 1_000);
      const ours = await ctx.store.proposals.releaseClaim('p1', 'pod-a', T0 + 1_000);

      expect([notOurs, expired, finished]).toEqual([undefined, undefined, undefined]);
      expect(ours).toMatchObject({ id: 'p1', state: 'approved', checkpoint: {}, updatedAtMs: T0 + 1_000 });
      // the lease goes with it: the next run's claim takes it at once
      expect(ours!.leaseUntilMs).toBeLessThan(T0 + 1_000);
      expect((await ctx.store.proposals.get('p2'))?.state).toBe('executing');
      expect((await ctx.store.proposals.get('p3'))?.state).toBe('succeeded');
    });

    it('renews only an unexpired lease of its owner, never taking one back, and releases only its own', async () => {
      await ctx.store.proposals.insert(proposal('p1', { state: 'executing' }));
      const leases = ctx.store.proposals;
      await leases.acquireLease('p1', 'pod-a', T0, 60_000);

      const renewed = await leases.renewLease('p1', 'pod-a', T0 + 20_000, 60_000);
      const byOther = await leases.renewLease('p1', 'pod-b', T0 + 20_000, 60_000);
      // pod-a stalls past its TTL; pod-b takes over, then releases at the end of its run
      const takenOver = await leases.acquireLease('p1', 'pod-b', T0 + 81_000, 60_000);
      await leases.releaseLease('p1', 'pod-a', T0 + 82_000); // pod-a's release must not touch pod-b's lease
      const stillB = await leases.get('p1');
      await leases.releaseLease('p1', 'pod-b', T0 + 90_000);
      const afterRelease = await leases.renewLease('p1', 'pod-a', T0 + 91_000, 60_000);

      expect([renewed, byOther, takenOver, afterRelease]).toEqual([true, false, true, false]);
      expect(stillB).toMatchObject({ leaseOwner: 'pod-b', leaseUntilMs: T0 + 141_000 });
      expect((await leases.get('p1'))?.leaseUntilMs).toBeLessThan(T0 + 90_000);
    });
  });
}
