import { describe, expect, it } from 'vitest';
import { RETENTION_KINDS, type RetentionKind } from '../../../src/adapters/store/types.js';
import { OPEN_STATES } from '../../../src/remediation/proposals/proposal-state.js';
import { verifyAuditLog } from '../../../src/remediation/audit/audit-log-tools.js';
import { proposal } from './fixtures.js';
import { everything, OLD, policy, present, purgeAll, RECENT, seedIncident } from './retention-fixtures.js';
import type { StoreContext } from './store-suite.js';

const none = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])) as Record<RetentionKind, number>;

export function registerRetentionTests(ctx: StoreContext): void {
  describe('retention: what stays', () => {
    it.each(OPEN_STATES)('keeps a %s proposal and everything it references however old, and a closed round of its group', async (state) => {
      const open = await seedIncident(ctx.store, 'open', '2025-07-01', state, OLD);
      const recent = await seedIncident(ctx.store, 'recent', '2026-11-20', 'rejected', RECENT);
      // rounds of one proposal are counted from round 0: a deleted expired round 0 would be proposed again
      await ctx.store.proposals.insert(proposal('pround0', { groupId: open.group, state: 'expired', createdAtMs: OLD, updatedAtMs: OLD }));

      await purgeAll(ctx.store);

      expect(await present(ctx.store, open)).toEqual(everything(true));
      expect(await ctx.store.proposals.get('pround0')).toBeDefined();
      expect(await present(ctx.store, recent)).toEqual(everything(true));
    });

    it('keeps a closed group\'s old rounds while a later round is recent: a deleted round 0 would be proposed again as new', async () => {
      const closed = await seedIncident(ctx.store, 'rounds', '2025-07-03', 'expired', OLD);
      await ctx.store.proposals.insert(proposal('pround1', { groupId: closed.group, state: 'rejected', createdAtMs: OLD, updatedAtMs: RECENT }));

      await purgeAll(ctx.store);
      const kept = { proposal: Boolean(await ctx.store.proposals.get(closed.proposal)), round1: Boolean(await ctx.store.proposals.get('pround1')) };
      const later = await purgeAll(ctx.store, policy({ beforeMs: { ...policy().beforeMs, proposals: RECENT + 1 } }));

      expect(kept).toEqual({ proposal: true, round1: true });
      expect(later.proposals).toBe(2);
      expect(await ctx.store.proposals.get(closed.proposal)).toBeUndefined();
    });

    it('deletes an old closed proposal with everything that hangs on it, its group\'s too', async () => {
      const closed = await seedIncident(ctx.store, 'closed', '2025-07-02', 'succeeded', OLD);

      const deleted = await purgeAll(ctx.store);

      expect(await present(ctx.store, closed)).toEqual(everything(false));
      expect(deleted).toEqual({
        ...none, approvals: 1, proposalContexts: 1, proposalReads: 1, auditKeys: 3, proposalPosts: 2, publications: 3,
        proposals: 1, evidence: 1, rcas: 1, incidents: 1, anomalies: 1,
      });
    });

    it('counts in a dry run exactly what it then deletes, and deletes nothing; a rerun finds nothing', async () => {
      const open = await seedIncident(ctx.store, 'open', '2025-07-01', 'proposed', OLD);
      const closed = await seedIncident(ctx.store, 'closed', '2025-07-02', 'rolled-back', OLD);

      const dry = await purgeAll(ctx.store, policy(), true);
      const afterDry = [await present(ctx.store, open), await present(ctx.store, closed)];
      const real = await purgeAll(ctx.store);
      const rerun = await purgeAll(ctx.store);

      expect(afterDry).toEqual([everything(true), everything(true)]);
      expect(dry).toEqual(real);
      expect(real.proposals).toBe(1);
      expect(rerun).toEqual(none);
    });

    it('never touches the audit log: every entry stays and `audit verify` passes', async () => {
      const closed = await seedIncident(ctx.store, 'closed', '2025-07-02', 'failed', OLD);
      for (let i = 0; i < 5; i += 1) {
        await ctx.store.audit.append({ atMs: OLD + i, actor: 'fleetops', action: 'proposal.failed', subject: closed.proposal, details: { i } });
      }
      const before = await ctx.store.audit.list({});

      await purgeAll(ctx.store);

      expect(await ctx.store.proposals.get(closed.proposal)).toBeUndefined();
      expect(await ctx.store.audit.list({})).toEqual(before);
      expect(await verifyAuditLog(ctx.store)).toMatchObject({ ok: true, entries: 5 });
    });

    it('deletes audit dedupe keys only with their subject: kept subjects, unknown kinds and recent keys stay', async () => {
      await ctx.store.proposals.insert(proposal('precent', { state: 'expired', updatedAtMs: RECENT }));
      await ctx.store.incidents.upsert({ id: 'ig-kept', runId: 'r1', day: '2026-11-27', title: 't', startMs: RECENT, endMs: RECENT, clusters: [], anomalyIds: [], attributes: {} });
      const keys = {
        'audit:refusal:precent:1.000100:not an approver': OLD,
        'audit:reaction:pmissing:+1:U1': RECENT,
        'audit:something-new:pgone:1': OLD,
        'audit:llm-tool-refused:ig-kept:0123456789abcdef': OLD,
        'audit:reaction:pgone:+1:U1': OLD,
        'audit:execution-waiting:pgone:1764000000000': OLD,
        'audit:llm-tool-refused:ig-gone:0123456789abcdef': OLD,
      };
      for (const [key, atMs] of Object.entries(keys)) await ctx.store.publications.put({ key, sink: 'audit', externalId: '1', contentHash: 'h', updatedAtMs: atMs });

      const result = await ctx.store.retention.purge('auditKeys', policy(), { batchSize: 2 });

      const left = [];
      for (const key of Object.keys(keys)) if (await ctx.store.publications.get(key)) left.push(key);
      expect(left).toEqual(Object.keys(keys).slice(0, 4));
      expect(result).toEqual({ rows: 3, batches: 2, complete: true });
    });

    it('keeps publication records it does not know and fleet-alert episode markers, deletes old digest, report, audit-head and fleet-alert ones', async () => {
      const put = (key: string, atMs: number) => ctx.store.publications.put({ key, sink: 'chat', externalId: 'C1:1.1', contentHash: 'h', updatedAtMs: atMs });
      for (const key of ['digest:2025-01-01:more', 'oncall-report:2025-01-06:document', 'audit-head:2025-01-01', 'scan-alert:dip:coredns:availability:2025-01-01T04:00:00.000Z']) await put(key, OLD);
      for (const key of ['scan-alert-open:dip:coredns:availability', 'future-kind:x']) await put(key, OLD);
      await put('digest:2026-11-27:parent', RECENT);

      const result = await ctx.store.retention.purge('publications', policy(), { batchSize: 100 });

      expect(result.rows).toBe(4);
      for (const key of ['scan-alert-open:dip:coredns:availability', 'future-kind:x', 'digest:2026-11-27:parent']) expect(await ctx.store.publications.get(key)).toBeDefined();
    });
  });
}
