import { describe, expect, it } from 'vitest';
import { GENESIS_HASH, verifyAuditChain } from '../../../src/adapters/store/audit-chain.js';
import { T0 } from './fixtures.js';
import type { StoreContext } from './store-suite.js';

function entry(i: number) {
  return { atMs: T0 + i * 1_000, actor: 'remediate', action: 'proposal.claimed', subject: `p${i}`, details: { i, z: 'last', a: [1, { y: 2, b: 3 }] } };
}

export function registerAuditTests(ctx: StoreContext): void {
  describe('audit', () => {
    it('appends a hash chain in seq order', async () => {
      const appended = [];
      for (let i = 1; i <= 5; i += 1) appended.push(await ctx.store.audit.append(entry(i)));

      const listed = await ctx.store.audit.list({});

      expect(listed).toEqual(appended);
      expect(listed.map((e) => e.seq)).toEqual([1, 2, 3, 4, 5]);
      expect(listed[0].prevHash).toBe(GENESIS_HASH);
      expect(listed[3].prevHash).toBe(listed[2].hash);
      expect(verifyAuditChain(listed)).toEqual({ ok: true });
      expect(await ctx.store.audit.head()).toEqual(appended[4]);
    });

    it('lists since a time, with a limit', async () => {
      for (let i = 1; i <= 5; i += 1) await ctx.store.audit.append(entry(i));

      const listed = await ctx.store.audit.list({ sinceMs: T0 + 2_000, limit: 2 });

      expect(listed.map((e) => e.seq)).toEqual([2, 3]);
      expect(verifyAuditChain(listed)).toEqual({ ok: true });
      expect(await ctx.store.audit.list({ limit: 0 })).toEqual([]);
    });

    it('lists a contiguous, verifiable segment since a time when writers appended times out of order', async () => {
      // concurrent writers stamp atMs before taking the append lock: seq 2 can be older than seq 1
      for (const ms of [2_000, 1_000, 3_000, 2_500]) await ctx.store.audit.append({ ...entry(1), atMs: T0 + ms });

      const listed = await ctx.store.audit.list({ sinceMs: T0 + 2_000 });

      expect(listed.map((e) => e.seq)).toEqual([1, 2, 3, 4]);
      expect(verifyAuditChain(listed)).toEqual({ ok: true });
      expect((await ctx.store.audit.list({ sinceMs: T0 + 2_800 })).map((e) => e.seq)).toEqual([3, 4]);
      expect(await ctx.store.audit.list({ sinceMs: T0 + 9_000 })).toEqual([]);
    });

    it('has no head when empty', async () => {
      expect(await ctx.store.audit.head()).toBeUndefined();
    });

    it('rejects UPDATE and DELETE of audit rows', async () => {
      await ctx.store.audit.append(entry(1));

      // one at a time: a second rejected promise left pending would be an unhandled rejection
      await expect(ctx.harness.raw(ctx.target, "UPDATE audit SET actor = 'mallory'")).rejects.toThrow(/append-only/);
      await expect(ctx.harness.raw(ctx.target, 'DELETE FROM audit')).rejects.toThrow(/append-only/);
      expect(await ctx.store.audit.list({})).toHaveLength(1);
    });

    it('detects tampering done around the triggers', async () => {
      for (let i = 1; i <= 4; i += 1) await ctx.store.audit.append(entry(i));
      const disable = ctx.harness.kind === 'postgres' ? 'ALTER TABLE audit DISABLE TRIGGER USER' : 'DROP TRIGGER audit_no_update';

      await ctx.harness.raw(ctx.target, disable);
      await ctx.harness.raw(ctx.target, "UPDATE audit SET actor = 'mallory' WHERE seq = 3");

      expect(verifyAuditChain(await ctx.store.audit.list({}))).toEqual({ ok: false, brokenAtSeq: 3 });
    });
  });
}
