import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../../src/adapters/store/audit-chain.js';
import type { Store } from '../../../src/adapters/store/types.js';
import { anomaly, evidence, proposal, T0 } from './fixtures.js';
import type { StoreContext } from './store-suite.js';

/**
 * Same calls, same answers on every backend: what one process sees when it holds two stores on one
 * database (the scheduler runs different jobs at once in one process, each with its own store).
 */
export function registerParityTests(ctx: StoreContext, opened: Store[]): void {
  describe('backend parity', () => {
    it('two stores on one database in one process run overlapping transactions without stalling', async () => {
      const other = await ctx.harness.open(ctx.target);
      opened.push(other);
      const started = Date.now();

      await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 ? other : ctx.store).audit.append(
        { atMs: T0 + i, actor: 'a', action: 'write', subject: `s${i}`, details: { i } },
      )));

      const audit = await ctx.store.audit.list({});
      expect(audit.map((e) => e.seq)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
      expect(verifyAuditChain(audit)).toEqual({ ok: true });
      // SQLite blocked the event loop on the other connection's busy_timeout (10 s), then failed SQLITE_BUSY
      expect(Date.now() - started).toBeLessThan(5_000);
    }, 30_000);

    it('counts a new anomaly id as inserted once when two stores upsert it at the same time', async () => {
      const other = await ctx.harness.open(ctx.target);
      opened.push(other);
      const batch = (prefix: string) => Array.from({ length: 300 }, (_, i) => anomaly(`${prefix}${String(i).padStart(3, '0')}`));
      const rows = batch('a');
      const reversed = batch('b');

      // PostgreSQL: both transactions found no row before either inserted, and both counted all as new
      const same = await Promise.all([ctx.store.anomalies.upsertMany(rows), other.anomalies.upsertMany(rows)]);
      expect(same[0].inserted + same[1].inserted).toBe(300);
      expect(same[0].updated + same[1].updated).toBe(300);
      // PostgreSQL: in opposite orders each waited on a row the other had written: a deadlock (40P01)
      const opposite = await Promise.all([ctx.store.anomalies.upsertMany(reversed), other.anomalies.upsertMany([...reversed].reverse())]);
      expect(opposite[0].inserted + opposite[1].inserted).toBe(300);
      expect(opposite[0].updated + opposite[1].updated).toBe(300);
      expect(await ctx.store.anomalies.list({ startMs: 0, endMs: Number.MAX_SAFE_INTEGER })).toHaveLength(600);
    }, 30_000);

    it('lets two stores write the same evidence and baselines at once in opposite orders', async () => {
      const other = await ctx.harness.open(ctx.target);
      opened.push(other);
      const rows = Array.from({ length: 300 }, (_, i) => evidence(`e${String(i).padStart(3, '0')}`));
      const states = Array.from({ length: 300 }, (_, i) => ({ key: `scan:c-${i}`, state: Uint8Array.from([i % 256]), throughMs: T0, updatedAtMs: T0 }));

      // PostgreSQL: each transaction waited on a row the other had written first, and one was killed as a deadlock (40P01)
      const inserted = await Promise.all([ctx.store.evidence.insertMany(rows), other.evidence.insertMany([...rows].reverse())]);
      await Promise.all([ctx.store.baselines.putMany(states), other.baselines.putMany([...states].reverse())]);

      expect(inserted[0] + inserted[1]).toBe(300);
      expect((await ctx.store.baselines.getMany(states.map((e) => e.key))).size).toBe(300);
    }, 30_000);

    it.each([
      ['a NaN score', { score: Number.NaN }, /a-bad \(eu-1 availability dip\) has score NaN/],
      ['a fractional start', { startMs: T0 + 0.5 }, /a-bad .* has startMs 1795953600000\.5/],
      ['a fractional end', { endMs: T0 + 1e-3 }, /a-bad .* has endMs/],
    ])('refuses an anomaly with %s the same way, storing nothing of its batch', async (_name, over, message) => {
      const upserting = ctx.store.anomalies.upsertMany([anomaly('a-ok'), anomaly('a-bad', over)]);

      await expect(upserting).rejects.toThrow(message);
      expect(await ctx.store.anomalies.list({ startMs: 0, endMs: Number.MAX_SAFE_INTEGER })).toEqual([]);
    });

    it('orders text keys by their bytes, whatever the database collation', async () => {
      const ids = ['b-2', 'B1', 'a_1', 'a1', 'A2', 'z'];
      const binary = [...ids].sort();
      await ctx.store.anomalies.upsertMany(ids.map((id) => anomaly(id)));
      for (const id of ids) await ctx.store.runs.start({ id, job: 'scan', startedAtMs: T0, status: 'running' });
      for (const id of ids) await ctx.store.proposals.insert(proposal(id));
      await ctx.store.evidence.insertMany(ids.map((id) => evidence(id)));

      expect((await ctx.store.anomalies.list({ startMs: 0, endMs: Number.MAX_SAFE_INTEGER })).map((r) => r.id)).toEqual(binary);
      expect((await ctx.store.runs.list({ limit: 10 })).map((r) => r.id)).toEqual(binary);
      expect((await ctx.store.proposals.list({})).map((r) => r.id)).toEqual(binary);
      expect((await ctx.store.evidence.listByGroup('g-1')).map((r) => r.id)).toEqual(binary);
      expect((await ctx.store.evidence.get(ids)).map((r) => r.id)).toEqual(binary);
    });

    it('keeps audit hashes and evidence content stable for values JSON serialises via toJSON (dates)', async () => {
      const at = new Date(T0);
      const appended = await ctx.store.audit.append({ atMs: T0, actor: 'a', action: 'x', subject: 's', details: { at, nested: [{ at }] } });
      await ctx.store.audit.append({ atMs: T0 + 1, actor: 'a', action: 'y', subject: 's', details: {} });

      const listed = await ctx.store.audit.list({});
      expect(listed[0].hash).toBe(appended.hash);
      expect(listed[0].details).toEqual({ at: at.toISOString(), nested: [{ at: at.toISOString() }] });
      expect(verifyAuditChain(listed)).toEqual({ ok: true });

      // the same observation recorded again is not a "changed" evidence row
      const row = evidence('e1', { data: { observedAt: at } });
      expect(await ctx.store.evidence.insertMany([row])).toBe(1);
      expect(await ctx.store.evidence.insertMany([row])).toBe(0);
    });
  });
}
