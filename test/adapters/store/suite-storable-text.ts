import { describe, expect, it } from 'vitest';
import { computeAuditHash, verifyAuditChain } from '../../../src/adapters/store/audit-chain.js';
import { anomaly, evidence, proposal, T0 } from './fixtures.js';
import { count, failure, type Call } from './refusal-helpers.js';
import type { StoreContext } from './store-suite.js';

/** Text from logs, events and Slack that PostgreSQL refuses and SQLite stores as given. */
const NUL = 'a\u0000b';
const HIGH = 'a\ud800b';
const LOW = '\udc00b';
const CUT = 'ab\ud83d';
/** A paired surrogate (an emoji) is valid text: kept. */
const EMOJI = 'a\ud83d\ude00b';
/** What each reads back as: NUL and unpaired surrogates as U+FFFD. */
const R = '\ufffd';

export function registerStorableTextTests(ctx: StoreContext): void {
  describe('text both backends store alike', () => {
    it('stores NUL and unpaired surrogates in evidence text as U+FFFD, reads that back, and sees the same evidence again as unchanged', async () => {
      const row = evidence('e1', {
        query: `q ${NUL}`, excerpt: `${NUL} ${HIGH} ${LOW} ${CUT} ${EMOJI}`, link: `https://x/${HIGH}`,
        data: { line: NUL, [`label${HIGH}`]: [LOW, { deep: CUT }], ok: EMOJI, asIs: `C:\\u0000 ${R}` },
      });

      const inserted = [await ctx.store.evidence.insertMany([row]), await ctx.store.evidence.insertMany([row])];

      expect(inserted).toEqual([1, 0]);
      expect(await ctx.store.evidence.get(['e1'])).toEqual([evidence('e1', {
        query: `q a${R}b`, excerpt: `a${R}b a${R}b ${R}b ab${R} ${EMOJI}`, link: `https://x/a${R}b`,
        data: { line: `a${R}b`, [`labela${R}b`]: [`${R}b`, { deep: `ab${R}` }], ok: EMOJI, asIs: `C:\\u0000 ${R}` },
      })]);
    });

    it('stores such text in the other repositories\' data fields as U+FFFD', async () => {
      await ctx.store.anomalies.upsertMany([anomaly('a1', { details: { labels: { pod: NUL, [HIGH]: 'x' } } })]);
      await ctx.store.incidents.upsert({ id: 'g1', runId: 'r1', day: '2026-11-29', title: `api ${NUL}`, startMs: T0, endMs: T0, clusters: ['eu-1'], anomalyIds: ['a1'], attributes: { msg: LOW } });
      await ctx.store.rcas.upsert({ groupId: 'g1', runId: 'r1', engine: 'template', verdict: 'inconclusive', body: { quote: CUT }, createdAtMs: T0 });
      await ctx.store.runs.start({ id: 'r1', job: 'digest', startedAtMs: T0, status: 'running', summary: { error: HIGH } });
      await ctx.store.approvals.record({ proposalId: 'p1', userId: 'U1', decision: 'reject', messageTs: '1.1', reason: `no ${NUL}`, recordedAtMs: T0 });
      await ctx.store.proposals.insert(proposal('p1', { checkpoint: { reason: NUL } }));
      await ctx.store.proposals.insert(proposal('p2'));
      await ctx.store.proposals.transition('p2', ['approved'], 'executing', { checkpoint: { reason: HIGH } }, T0);
      await ctx.store.proposals.acquireLease('p2', 'w1', T0, 60_000);
      await ctx.store.proposals.saveCheckpoint('p2', 'w1', { reason: LOW, step: 2 }, T0 + 1);

      expect((await ctx.store.anomalies.list({ startMs: 0, endMs: Number.MAX_SAFE_INTEGER }))[0].details).toEqual({ labels: { pod: `a${R}b`, [`a${R}b`]: 'x' } });
      expect(await ctx.store.incidents.get('g1')).toMatchObject({ title: `api a${R}b`, attributes: { msg: `${R}b` } });
      expect((await ctx.store.rcas.get('g1'))?.body).toEqual({ quote: `ab${R}` });
      expect((await ctx.store.runs.get('r1'))?.summary).toEqual({ error: `a${R}b` });
      await ctx.store.runs.finish('r1', { status: 'failed', exitCode: 1, finishedAtMs: T0 + 1, summary: { error: NUL } });
      expect((await ctx.store.runs.get('r1'))?.summary).toEqual({ error: `a${R}b` });
      expect((await ctx.store.approvals.list('p1'))[0].reason).toBe(`no a${R}b`);
      expect((await ctx.store.proposals.get('p1'))?.checkpoint).toEqual({ reason: `a${R}b` });
      expect((await ctx.store.proposals.get('p2'))?.checkpoint).toEqual({ reason: `${R}b`, step: 2 });
    });

    it('hashes audit details as stored, so the chain verifies after the round trip', async () => {
      const details = { reason: `no ${NUL} ${HIGH}`, [`from${LOW}`]: CUT, ok: EMOJI, nested: [{ line: NUL }] };
      const stored = { reason: `no a${R}b a${R}b`, [`from${R}b`]: `ab${R}`, ok: EMOJI, nested: [{ line: `a${R}b` }] };

      const appended = await ctx.store.audit.append({ atMs: T0, actor: 'U1', action: 'approval.reject', subject: 'p1', details });
      await ctx.store.audit.append({ atMs: T0 + 1, actor: 'fleetops', action: 'proposal.rejected', subject: 'p1', details: {} });

      const listed = await ctx.store.audit.list({});
      expect(appended.details).toEqual(stored);
      expect(listed[0]).toEqual(appended);
      expect(listed[0].hash).toBe(computeAuditHash({ ...listed[0], details: stored }));
      expect(verifyAuditChain(listed)).toEqual({ ok: true });
    });

    it('refuses two JSON keys that become the same, naming them, and writes nothing', async () => {
      const appending = ctx.store.audit.append({ atMs: T0, actor: 'a', action: 'x', subject: 's', details: { labels: { [NUL]: 1, [HIGH]: 2 } } });

      expect((await failure(appending)).message).toMatch(/^Audit entry \(a x s\) has keys "a\\u0000b" and "a\\ud800b" in details\.labels that are the same once NUL and unpaired surrogates are stored as U\+FFFD/);
      expect(await count(ctx, 'audit')).toBe(0);
    });

    it.each<[string, string, Call, RegExp]>([
      ['a run id', 'runs', (s) => s.runs.start({ id: `r${NUL}`, job: 'scan', startedAtMs: T0, status: 'running' }),
        /^Run ra\\u0000b has a NUL \(U\+0000\) in id at index 2: ids, keys and names are stored as given/],
      ['an anomaly cluster (in a batch)', 'anomalies', (s) => s.anomalies.upsertMany([anomaly('a-ok'), anomaly('a-bad', { cluster: `eu${HIGH}` })]),
        /^Anomaly a-bad \(eua\\ud800b availability dip\) has an unpaired surrogate \(U\+D800\) in cluster at index 3/],
      ['an incident\'s anomaly id', 'incident_groups', (s) => s.incidents.upsert({ id: 'g1', runId: 'r1', day: '2026-11-29', title: 't', startMs: T0, endMs: T0, clusters: ['eu-1'], anomalyIds: ['a1', LOW], attributes: {} }),
        /^Incident group g1 has an unpaired surrogate \(U\+DC00\) in anomalyIds\[1\] at index 0/],
      ['an evidence group id (in a batch)', 'evidence', (s) => s.evidence.insertMany([evidence('e1'), evidence('e2', { groupId: CUT })]),
        /^Evidence e2 has an unpaired surrogate \(U\+D83D\) in groupId at index 2/],
      ['a proposal target', 'proposals', (s) => s.proposals.insert(proposal('p1', { target: { namespace: NUL, deployment: 'api' } })),
        /^Proposal p1 has a NUL \(U\+0000\) in target\.namespace at index 1/],
      ['a proposal parameter name', 'proposals', (s) => s.proposals.insert(proposal('p1', { params: { [HIGH]: 1 } })),
        /^Proposal p1 has an unpaired surrogate \(U\+D800\) in a key of params at index 1/],
      ['an approval message ts', 'approvals', (s) => s.approvals.record({ proposalId: 'p1', userId: 'U1', decision: 'approve', messageTs: `1.${NUL}`, recordedAtMs: T0 }),
        /^Approval of proposal p1 \(message 1\.a\\u0000b\) has a NUL \(U\+0000\) in messageTs at index 3/],
      ['an audit subject', 'audit', (s) => s.audit.append({ atMs: T0, actor: 'U1', action: 'x', subject: NUL, details: {} }),
        /^Audit entry \(U1 x a\\u0000b\) has a NUL \(U\+0000\) in subject at index 1/],
      ['a feedback user', 'feedback', (s) => s.feedback.record({ id: 'f1', signature: 's', subjectKind: 'rca', subjectId: 'g1', userId: HIGH, value: 1, atMs: T0 }),
        /^Feedback f1 has an unpaired surrogate \(U\+D800\) in userId at index 1/],
      ['a publication key', 'publications', (s) => s.publications.put({ key: `digest:${NUL}`, sink: 'slack', externalId: '1.1', contentHash: 'h', updatedAtMs: T0 }),
        /^Publication digest:a\\u0000b has a NUL \(U\+0000\) in key at index 8/],
      ['a baseline key (in a batch)', 'baselines', (s) => s.baselines.putMany([{ key: 'ok', state: Uint8Array.from([1]), throughMs: T0, updatedAtMs: T0 }, { key: CUT, state: Uint8Array.from([1]), throughMs: T0, updatedAtMs: T0 }]),
        /^Baseline ab\\ud83d has an unpaired surrogate \(U\+D83D\) in key at index 2/],
    ])('refuses NUL or an unpaired surrogate in %s, naming the field and index, and writes nothing', async (_name, table, call, message) => {
      expect((await failure(call(ctx.store))).message).toMatch(message);

      expect(await count(ctx, table)).toBe(0);
    });

    it.each<[string, Call, RegExp]>([
      ['a run', (s) => s.runs.get(NUL), /^Run lookup has a NUL \(U\+0000\) in id at index 1/],
      ['anomalies of a cluster', (s) => s.anomalies.list({ startMs: T0, endMs: T0 + 1, cluster: HIGH }), /^Anomaly list has an unpaired surrogate \(U\+D800\) in cluster at index 1/],
      ['evidence', (s) => s.evidence.get(['e1', NUL]), /^Evidence lookup has a NUL \(U\+0000\) in ids\[1\] at index 1/],
      ['a proposal', (s) => s.proposals.get(NUL), /^Proposal lookup has a NUL/],
      ['a publication', (s) => s.publications.get(NUL), /^Publication lookup has a NUL/],
      ['baselines', (s) => s.baselines.getMany(['k', LOW]), /^Baseline lookup has an unpaired surrogate \(U\+DC00\) in keys\[1\] at index 0/],
    ])('refuses to look up %s by a key it could never have stored, the same way', async (_name, call, message) => {
      expect((await failure(call(ctx.store))).message).toMatch(message);
    });
  });
}
