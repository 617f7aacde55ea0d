import { describe, expect, it } from 'vitest';
import { NotFoundError, SafetyViolationError } from '../../../src/core/errors.js';
import { anomaly, evidence, T0 } from './fixtures.js';
import type { StoreContext } from './store-suite.js';

export function registerRepoTests(ctx: StoreContext): void {
  describe('migrations', () => {
    it('are idempotent', async () => {
      await ctx.store.migrate();

      await ctx.store.migrate();

      const rows = await ctx.harness.raw(ctx.target, 'SELECT version FROM schema_migrations ORDER BY version');
      expect(rows.map((r) => Number(r.version))).toEqual([1, 2, 3, 4]);
    });
  });

  describe('runs', () => {
    it('round-trips start, finish, get and list', async () => {
      await ctx.store.runs.start({ id: 'r1', job: 'scan', startedAtMs: T0, status: 'running', shard: '0/2' });
      await ctx.store.runs.start({ id: 'r2', job: 'digest', startedAtMs: T0 + 1, status: 'running' });
      await ctx.store.runs.start({ id: 'r3', job: 'scan', startedAtMs: T0 + 2, status: 'running' });

      await ctx.store.runs.finish('r1', { status: 'ok', exitCode: 0, finishedAtMs: T0 + 500, summary: { anomalies: 3 } });

      expect(await ctx.store.runs.get('r1')).toEqual({
        id: 'r1', job: 'scan', startedAtMs: T0, finishedAtMs: T0 + 500, status: 'ok', exitCode: 0, shard: '0/2',
        summary: { anomalies: 3 },
      });
      expect(await ctx.store.runs.get('nope')).toBeUndefined();
      expect((await ctx.store.runs.list({ job: 'scan', limit: 10 })).map((r) => r.id)).toEqual(['r3', 'r1']);
      expect((await ctx.store.runs.list({ limit: 2 })).map((r) => r.id)).toEqual(['r3', 'r2']);
    });

    it('refuses to finish an unknown run', async () => {
      const finishing = ctx.store.runs.finish('ghost', { status: 'failed', exitCode: 1, finishedAtMs: T0 });

      await expect(finishing).rejects.toBeInstanceOf(NotFoundError);
    });
  });

  describe('anomalies', () => {
    it('upserts by id: the same id twice is one row, updated', async () => {
      const first = await ctx.store.anomalies.upsertMany([anomaly('a1'), anomaly('a2')]);

      const second = await ctx.store.anomalies.upsertMany([anomaly('a1', { score: 9, severity: 'critical' }), anomaly('a3')]);

      expect(first).toEqual({ inserted: 2, updated: 0 });
      expect(second).toEqual({ inserted: 1, updated: 1 });
      const rows = await ctx.store.anomalies.list({ startMs: T0, endMs: T0 + 1 });
      expect(rows.map((r) => r.id)).toEqual(['a1', 'a2', 'a3']);
      expect(rows[0]).toEqual(anomaly('a1', { score: 9, severity: 'critical' }));
    });

    it('filters by time overlap, cluster and kind', async () => {
      await ctx.store.anomalies.upsertMany([
        anomaly('early', { startMs: T0 - 10_000, endMs: T0 - 5_000 }),
        anomaly('overlap', { startMs: T0 - 10_000, endMs: T0 + 5_000, kind: 'level-shift' }),
        anomaly('inside', { startMs: T0 + 1_000, endMs: T0 + 2_000, cluster: 'us-1' }),
        anomaly('late', { startMs: T0 + 60_000, endMs: T0 + 70_000 }),
      ]);

      const ids = async (f: Parameters<typeof ctx.store.anomalies.list>[0]) =>
        (await ctx.store.anomalies.list(f)).map((r) => r.id);

      expect(await ids({ startMs: T0, endMs: T0 + 60_000 })).toEqual(['overlap', 'inside']);
      expect(await ids({ startMs: T0, endMs: T0 + 60_000, cluster: 'us-1' })).toEqual(['inside']);
      expect(await ids({ startMs: T0 - 20_000, endMs: T0 + 99_000, kinds: ['level-shift', 'peer-outlier'] })).toEqual(['overlap']);
    });
  });

  describe('incidents', () => {
    it('upserts, gets and lists by day and time', async () => {
      const group = {
        id: 'g1', runId: 'r1', day: '2026-11-29', title: 'api dip', startMs: T0, endMs: T0 + 60_000,
        clusters: ['eu-1', 'us-1'], anomalyIds: ['a1', 'a2'], attributes: { component: 'api' },
      };
      await ctx.store.incidents.upsert({ ...group, title: 'draft' });
      await ctx.store.incidents.upsert(group);
      await ctx.store.incidents.upsert({ ...group, id: 'g2', day: '2026-11-30', startMs: T0 + 86_400_000, endMs: T0 + 86_460_000 });

      expect(await ctx.store.incidents.get('g1')).toEqual(group);
      expect((await ctx.store.incidents.list({ day: '2026-11-30' })).map((g) => g.id)).toEqual(['g2']);
      expect((await ctx.store.incidents.list({ startMs: T0, endMs: T0 + 1_000 })).map((g) => g.id)).toEqual(['g1']);
      expect((await ctx.store.incidents.list({})).map((g) => g.id)).toEqual(['g1', 'g2']);
      expect(await ctx.store.incidents.get('nope')).toBeUndefined();
    });

    it('upserts many in one transaction, and writes none when one row is bad', async () => {
      const group = (id: string, title = `dip ${id}`) => ({
        id, runId: 'r1', day: '2026-11-29', title, startMs: T0, endMs: T0 + 60_000, clusters: ['eu-1'], anomalyIds: [`a-${id}`], attributes: { notAnalysed: { maxAnalysedGroups: 2 } },
      });
      await ctx.store.incidents.upsert(group('g2', 'draft'));

      await ctx.store.incidents.upsertMany([group('g3'), group('g1'), group('g2')]);
      await ctx.store.incidents.upsertMany([]);
      await expect(ctx.store.incidents.upsertMany([group('g4'), { ...group('g5'), day: 'x\u0000y' }])).rejects.toThrow(/g5/);

      expect((await ctx.store.incidents.list({})).map((g) => [g.id, g.title])).toEqual([['g1', 'dip g1'], ['g2', 'dip g2'], ['g3', 'dip g3']]);
      expect(await ctx.store.incidents.get('g3')).toEqual(group('g3'));
    });
  });

  describe('evidence', () => {
    it('inserts or ignores by id and reads back', async () => {
      const inserted = await ctx.store.evidence.insertMany([evidence('e1'), evidence('e2', { link: 'https://grafana/x' })]);

      const again = await ctx.store.evidence.insertMany([evidence('e1', { createdAtMs: T0 + 999 }), evidence('e3', { groupId: 'g-2' })]);

      expect([inserted, again]).toEqual([2, 1]);
      expect(await ctx.store.evidence.get(['e2', 'e1', 'missing'])).toEqual([evidence('e1'), evidence('e2', { link: 'https://grafana/x' })]);
      expect((await ctx.store.evidence.listByGroup('g-1')).map((e) => e.id)).toEqual(['e1', 'e2']);
      expect(await ctx.store.evidence.get([])).toEqual([]);
    });

    it('is immutable: the same id with different content is a safety violation and writes nothing', async () => {
      await ctx.store.evidence.insertMany([evidence('e1')]);

      const changing = ctx.store.evidence.insertMany([evidence('e9'), evidence('e1', { excerpt: 'rewritten' })]);

      await expect(changing).rejects.toBeInstanceOf(SafetyViolationError);
      expect(await ctx.store.evidence.get(['e1', 'e9'])).toEqual([evidence('e1')]);
    });
  });

  describe('rcas, approvals, feedback, publications, baselines', () => {
    it('round-trip rcas with upsert', async () => {
      const rca = { groupId: 'g1', runId: 'r1', engine: 'template' as const, verdict: 'inconclusive' as const, body: { text: 'x' }, createdAtMs: T0 };
      await ctx.store.rcas.upsert(rca);
      await ctx.store.rcas.upsert({ ...rca, verdict: 'root-cause', body: { cause: 'deploy' } });

      expect(await ctx.store.rcas.get('g1')).toEqual({ ...rca, verdict: 'root-cause', body: { cause: 'deploy' } });
      expect(await ctx.store.rcas.get('g2')).toBeUndefined();
    });

    it('records approvals once per (proposal, message)', async () => {
      const a = { proposalId: 'p1', userId: 'U1', decision: 'approve' as const, messageTs: '1.1', recordedAtMs: T0 };

      const results = [
        await ctx.store.approvals.record(a),
        await ctx.store.approvals.record({ ...a, decision: 'reject' }),
        await ctx.store.approvals.record({ ...a, userId: 'U2', decision: 'reject', messageTs: '1.2', reason: 'risky' }),
      ];

      expect(results).toEqual([true, false, true]);
      expect(await ctx.store.approvals.list('p1')).toEqual([a, { ...a, userId: 'U2', decision: 'reject', messageTs: '1.2', reason: 'risky' }]);
    });

    it('records feedback once per id and lists it', async () => {
      const f = { id: 'f1', signature: 'sig', subjectKind: 'rca' as const, subjectId: 'g1', userId: 'U1', value: 1 as const, atMs: T0 };

      const results = [await ctx.store.feedback.record(f), await ctx.store.feedback.record(f),
        await ctx.store.feedback.record({ ...f, id: 'f2', value: -1, atMs: T0 + 10, signature: 'other' })];

      expect(results).toEqual([true, false, true]);
      expect(await ctx.store.feedback.listBySignature('sig')).toEqual([f]);
      expect((await ctx.store.feedback.list({ sinceMs: T0 + 1 })).map((x) => x.id)).toEqual(['f2']);
    });

    it('puts publications by idempotency key', async () => {
      const p = { key: 'digest:2026-11-29:parent', sink: 'slack', externalId: '111.2', contentHash: 'h1', updatedAtMs: T0 };
      expect(await ctx.store.publications.get(p.key)).toBeUndefined();

      await ctx.store.publications.put(p);
      await ctx.store.publications.put({ ...p, contentHash: 'h2', url: 'https://slack/x', updatedAtMs: T0 + 1 });

      expect(await ctx.store.publications.get(p.key)).toEqual({ ...p, contentHash: 'h2', url: 'https://slack/x', updatedAtMs: T0 + 1 });
    });

    it('stores baseline blobs byte for byte', async () => {
      const state = Uint8Array.from([0, 1, 2, 254, 255, 0]);
      await ctx.store.baselines.put('eu-1/api/availability', Uint8Array.from([9]), T0 - 1, T0 - 1);

      await ctx.store.baselines.put('eu-1/api/availability', state, T0, T0 + 5);

      expect(await ctx.store.baselines.get('eu-1/api/availability')).toEqual({ state, throughMs: T0, updatedAtMs: T0 + 5 });
      expect(await ctx.store.baselines.get('missing')).toBeUndefined();
    });

    it('reads and writes many baselines at once (more keys than one statement takes)', async () => {
      const entries = Array.from({ length: 600 }, (_, i) => ({ key: `scan:c-${i}`, state: Uint8Array.from([i % 256, 7]), throughMs: T0 + i, updatedAtMs: T0 }));
      await ctx.store.baselines.putMany(entries);
      await ctx.store.baselines.putMany([{ ...entries[3], state: Uint8Array.from([42]), throughMs: T0 + 9_999 }]);
      await ctx.store.baselines.putMany([]);

      const got = await ctx.store.baselines.getMany([...entries.map((e) => e.key), 'scan:absent']);

      expect(got.size).toBe(600);
      expect(got.get('scan:c-599')).toEqual(entries[599]);
      expect(got.get('scan:c-3')).toEqual({ ...entries[3], state: Uint8Array.from([42]), throughMs: T0 + 9_999 });
      expect(got.has('scan:absent')).toBe(false);
      expect(await ctx.store.baselines.getMany([])).toEqual(new Map());
    });
  });
}
