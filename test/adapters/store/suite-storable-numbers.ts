import { describe, expect, it } from 'vitest';
import { evidence, proposal, T0 } from './fixtures.js';
import { count, failure, type Call } from './refusal-helpers.js';
import type { StoreContext } from './store-suite.js';

const WHOLE = 'times must be whole epoch milliseconds';

const group = { id: 'g1', runId: 'r1', day: '2026-11-29', title: 't', startMs: T0, endMs: T0, clusters: ['eu-1'], anomalyIds: ['a1'], attributes: {} };
const state = Uint8Array.from([1]);

/**
 * PostgreSQL refuses a fractional, NaN or infinite BIGINT, an INTEGER beyond 32 bits and a negative
 * LIMIT, where SQLite stores or reads them (and rounds nothing): every repository refuses them up front.
 */
export function registerStorableNumberTests(ctx: StoreContext): void {
  describe('numbers both backends store alike', () => {
    it.each<[string, string, Call, RegExp]>([
      ['a fractional run start', 'runs', (s) => s.runs.start({ id: 'r1', job: 'scan', startedAtMs: T0 + 0.5, status: 'running' }),
        new RegExp(`^Run r1 has startedAtMs 1795953600000\\.5: ${WHOLE}`)],
      ['a run exit code beyond 32 bits', 'runs', (s) => s.runs.start({ id: 'r1', job: 'scan', startedAtMs: T0, status: 'ok', exitCode: 2 ** 31 }),
        /^Run r1 has exitCode 2147483648: it must be a whole number from -2147483648 to 2147483647/],
      ['an infinite incident end', 'incident_groups', (s) => s.incidents.upsert({ ...group, endMs: Infinity }), new RegExp(`^Incident group g1 has endMs Infinity: ${WHOLE}`)],
      ['a fractional evidence time (in a batch)', 'evidence', (s) => s.evidence.insertMany([evidence('e1'), evidence('e2', { createdAtMs: T0 + 1e-3 })]),
        new RegExp(`^Evidence e2 has createdAtMs 1795953600000\\.001: ${WHOLE}`)],
      ['a NaN RCA time', 'rcas', (s) => s.rcas.upsert({ groupId: 'g1', runId: 'r1', engine: 'template', verdict: 'inconclusive', body: {}, createdAtMs: Number.NaN }),
        new RegExp(`^RCA of group g1 has createdAtMs NaN: ${WHOLE}`)],
      ['a fractional proposal expiry', 'proposals', (s) => s.proposals.insert(proposal('p1', { expiresAtMs: T0 + 0.5 })), new RegExp(`^Proposal p1 has expiresAtMs 1795953600000\\.5: ${WHOLE}`)],
      ['a NaN proposal lease', 'proposals', (s) => s.proposals.insert(proposal('p1', { leaseOwner: 'w1', leaseUntilMs: Number.NaN })), /^Proposal p1 has leaseUntilMs NaN/],
      ['an approval time beyond 2^53', 'approvals', (s) => s.approvals.record({ proposalId: 'p1', userId: 'U1', decision: 'approve', messageTs: '1.1', recordedAtMs: 1e20 }),
        new RegExp(`^Approval of proposal p1 \\(message 1\\.1\\) has recordedAtMs 100000000000000000000: ${WHOLE}`)],
      ['a fractional audit time', 'audit', (s) => s.audit.append({ atMs: T0 + 0.5, actor: 'a', action: 'x', subject: 's', details: {} }),
        new RegExp(`^Audit entry \\(a x s\\) has atMs 1795953600000\\.5: ${WHOLE}`)],
      ['a fractional feedback value', 'feedback', (s) => s.feedback.record({ id: 'f1', signature: 's', subjectKind: 'rca', subjectId: 'g1', userId: 'U1', value: 0.5 as 1, atMs: T0 }),
        /^Feedback f1 has value 0\.5: it must be a whole number/],
      ['a fractional publication time', 'publications', (s) => s.publications.put({ key: 'k', sink: 'slack', externalId: '1', contentHash: 'h', updatedAtMs: T0 + 0.25 }),
        new RegExp(`^Publication k has updatedAtMs 1795953600000\\.25: ${WHOLE}`)],
      ['a fractional baseline time', 'baselines', (s) => s.baselines.put('scan:c1', state, T0 + 0.5, T0), new RegExp(`^Baseline scan:c1 has throughMs 1795953600000\\.5: ${WHOLE}`)],
      ['a NaN baseline time (in a batch)', 'baselines', (s) => s.baselines.putMany([{ key: 'a', state, throughMs: T0, updatedAtMs: T0 }, { key: 'b', state, throughMs: T0, updatedAtMs: Number.NaN }]),
        new RegExp(`^Baseline b has updatedAtMs NaN: ${WHOLE}`)],
    ])('refuses %s the same way, writing nothing', async (_name, table, call, message) => {
      expect((await failure(call(ctx.store))).message).toMatch(message);

      expect(await count(ctx, table)).toBe(0);
    });

    it('refuses such numbers in updates of existing rows, leaving the rows as they were', async () => {
      await ctx.store.runs.start({ id: 'r1', job: 'scan', startedAtMs: T0, status: 'running' });
      await ctx.store.proposals.insert(proposal('p1', { state: 'executing' }));
      await ctx.store.proposals.acquireLease('p1', 'w1', T0, 60_000);

      const finishing = ctx.store.runs.finish('r1', { status: 'ok', exitCode: 0, finishedAtMs: T0 + 0.5 });
      expect((await failure(finishing)).message).toMatch(new RegExp(`^Run r1 has finishedAtMs 1795953600000\\.5: ${WHOLE}`));
      const moving = ctx.store.proposals.transition('p1', ['executing'], 'succeeded', {}, T0 + 0.5);
      expect((await failure(moving)).message).toMatch(new RegExp(`^Proposal p1 has nowMs 1795953600000\\.5: ${WHOLE}`));
      const renewing = ctx.store.proposals.renewLease('p1', 'w1', T0 + 1, 0.5);
      expect((await failure(renewing)).message).toMatch(/^Proposal p1 has ttlMs 0\.5: durations must be whole milliseconds/);
      const saving = ctx.store.proposals.saveCheckpoint('p1', 'w1', { step: 1 }, Number.NaN);
      expect((await failure(saving)).message).toMatch(/^Proposal p1 has nowMs NaN/);
      const releasing = ctx.store.proposals.releaseLease('p1', 'w1', Infinity);
      expect((await failure(releasing)).message).toMatch(/^Proposal p1 has nowMs Infinity/);

      expect(await ctx.store.runs.get('r1')).toEqual({ id: 'r1', job: 'scan', startedAtMs: T0, status: 'running' });
      expect(await ctx.store.proposals.get('p1')).toEqual(proposal('p1', { state: 'executing', leaseOwner: 'w1', leaseUntilMs: T0 + 60_000 }));
    });

    it.each<[string, Call, RegExp]>([
      ['anomalies from a fractional time', (s) => s.anomalies.list({ startMs: 0.5, endMs: T0 }), new RegExp(`^Anomaly list has startMs 0\\.5: ${WHOLE}`)],
      ['incidents up to NaN', (s) => s.incidents.list({ endMs: Number.NaN }), new RegExp(`^Incident group list has endMs NaN: ${WHOLE}`)],
      ['feedback since a fractional time', (s) => s.feedback.list({ sinceMs: T0 + 0.5 }), new RegExp(`^Feedback list has sinceMs 1795953600000\\.5: ${WHOLE}`)],
      ['audit since a fractional time', (s) => s.audit.list({ sinceMs: T0 + 0.5 }), new RegExp(`^Audit list has sinceMs 1795953600000\\.5: ${WHOLE}`)],
      ['audit with a negative limit', (s) => s.audit.list({ limit: -1 }), /^Audit list has limit -1: limits must be whole numbers from 0/],
      ['runs with a fractional limit', (s) => s.runs.list({ limit: 2.5 }), /^Run list has limit 2\.5: limits must be whole numbers from 0/],
    ])('refuses to list %s the same way', async (_name, call, message) => {
      expect((await failure(call(ctx.store))).message).toMatch(message);
    });
  });
}
