import { describe, expect, it } from 'vitest';
import type { PurgeOptions, RetentionKind } from '../../../src/adapters/store/types.js';
import { proposal } from './fixtures.js';
import { DAY, NOW, OLD, policy, RECENT } from './retention-fixtures.js';
import type { StoreContext } from './store-suite.js';

/** `n` finished runs of the proposals job from `startMs` on, in one statement (both dialects). */
const insertRuns = (n: number, prefix: string, startMs: number) => `WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${n})
  INSERT INTO runs (id, job, started_at_ms, finished_at_ms, status, exit_code) SELECT '${prefix}' || i, 'proposals', ${startMs} + i, ${startMs} + i + 1000, 'ok', 0 FROM n`;

const empty = new Uint8Array(0);

export function registerRetentionBatchTests(ctx: StoreContext): void {
  const purge = (kind: RetentionKind, o: Partial<PurgeOptions> = {}, p = policy()) => ctx.store.retention.purge(kind, p, { batchSize: 5000, ...o });

  describe('retention: batches, runs, read records, detector states', () => {
    it('deletes 12,000 old runs in DELETEs of at most batchSize rows, keeping newer runs and runs still running', async () => {
      await ctx.harness.raw(ctx.target, insertRuns(12_000, 'old-', OLD));
      await ctx.store.runs.start({ id: 'new', job: 'proposals', startedAtMs: RECENT, status: 'running' });
      await ctx.store.runs.finish('new', { status: 'ok', exitCode: 0, finishedAtMs: RECENT + 1000, summary: { open: 1 } });
      await ctx.store.runs.start({ id: 'stuck', job: 'fleet-scan', startedAtMs: OLD, status: 'running' });
      const sizes: number[] = [];

      const dry = await purge('runs', { dryRun: true });
      const result = await purge('runs', { onBatch: (rows) => sizes.push(rows) });

      expect(dry).toEqual({ rows: 12_000, batches: 3, complete: true });
      expect(result).toEqual({ rows: 12_000, batches: 3, complete: true });
      expect(sizes).toEqual([5000, 5000, 2000]);
      expect((await ctx.store.runs.list({ limit: 10 })).map((r) => r.id).sort()).toEqual(['new', 'stuck']);
      expect(await ctx.store.retention.held(policy())).toEqual({ openProposals: 0, runsLeftRunning: 1 });
    });

    it('stops between batches once its signal aborts, and a rerun deletes the rest', async () => {
      await ctx.harness.raw(ctx.target, insertRuns(250, 'old-', OLD));
      const stop = new AbortController();

      const first = await purge('runs', { batchSize: 100, signal: stop.signal, onBatch: () => stop.abort() });
      const rerun = await purge('runs', { batchSize: 100 });

      expect(first).toEqual({ rows: 100, batches: 1, complete: false });
      expect(rerun).toEqual({ rows: 150, batches: 2, complete: true });
    });

    it('deletes a proposal\'s read record some days after it closed, never while it is open; feedback reads after the lookback', async () => {
      await ctx.store.proposals.insert(proposal('popen', { state: 'proposed', updatedAtMs: NOW - 30 * DAY }));
      await ctx.store.proposals.insert(proposal('pclosed', { groupId: 'g-2', state: 'expired', updatedAtMs: NOW - 10 * DAY }));
      await ctx.store.proposals.insert(proposal('pjust', { groupId: 'g-3', state: 'rejected', updatedAtMs: NOW - 2 * DAY }));
      await ctx.store.baselines.putMany([
        { key: 'proposal-reads:popen', state: empty, throughMs: NOW - 30 * DAY, updatedAtMs: NOW - 30 * DAY },
        { key: 'proposal-reads:pclosed', state: empty, throughMs: NOW - 10 * DAY, updatedAtMs: NOW - 10 * DAY },
        { key: 'proposal-reads:pjust', state: empty, throughMs: NOW - 2 * DAY, updatedAtMs: NOW - 2 * DAY },
        { key: 'feedback-read:rca:ig-1', state: empty, throughMs: NOW - 30 * DAY, updatedAtMs: NOW - 30 * DAY },
        { key: 'feedback-read:proposal:pjust', state: empty, throughMs: NOW - 10 * DAY, updatedAtMs: NOW - 10 * DAY },
      ]);

      const reads = await purge('proposalReads');
      const feedback = await purge('feedbackReads');

      const left = await ctx.store.baselines.getMany(['proposal-reads:popen', 'proposal-reads:pclosed', 'proposal-reads:pjust', 'feedback-read:rca:ig-1', 'feedback-read:proposal:pjust']);
      expect([...left.keys()].sort()).toEqual(['feedback-read:proposal:pjust', 'proposal-reads:pjust', 'proposal-reads:popen']);
      expect([reads.rows, feedback.rows]).toEqual([1, 1]);
      expect(await ctx.store.proposals.get('pclosed')).toBeDefined();
    });

    it('deletes detector states of clusters gone from the inventory for longer than the lookback, and no other baselines row', async () => {
      const state = new Uint8Array(300_000).fill(7);
      const row = (key: string, atMs: number) => ({ key, state, throughMs: atMs, updatedAtMs: atMs });
      await ctx.store.baselines.putMany([
        row('scan:c-kept', OLD), row('scan:c-gone', NOW - 8 * DAY), row('scan:c-left-lately', NOW - 2 * DAY),
        row('peers:slot3:0/2', OLD), row('autonomy-demotion:restart|prod|gold', OLD),
      ]);
      const inventory = policy({ inventoryClusters: new Set(['c-kept', 'c-other']) });

      const unknown = await purge('detectorStates');
      const dry = await purge('detectorStates', { dryRun: true }, inventory);
      const result = await purge('detectorStates', {}, inventory);

      const left = await ctx.store.baselines.getMany(['scan:c-kept', 'scan:c-gone', 'scan:c-left-lately', 'peers:slot3:0/2', 'autonomy-demotion:restart|prod|gold']);
      expect([...left.keys()].sort()).toEqual(['autonomy-demotion:restart|prod|gold', 'peers:slot3:0/2', 'scan:c-kept', 'scan:c-left-lately']);
      expect([unknown.rows, dry.rows, result.rows]).toEqual([0, 1, 1]);
    });

    it('refuses a policy without open states, naming it, before deleting anything', async () => {
      await ctx.store.proposals.insert(proposal('p1', { state: 'approved', updatedAtMs: OLD }));

      await expect(purge('proposals', {}, policy({ openProposalStates: [] }))).rejects.toThrow(/openProposalStates/);

      expect(await ctx.store.proposals.get('p1')).toBeDefined();
    });
  });
}
