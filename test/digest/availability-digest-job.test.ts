import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import { transitionProposal } from '../../src/remediation/proposals/proposal-state.js';
import { createWorld, runProposalsJob } from '../remediation/proposals/harness.js';
import { readStoreFacts } from '../../src/report/sources/store-source.js';
import { DAY, DAY_START_MS, dipFindings, END_MS, handEngine, harness, constantMetrics, type Harness } from './digest-fixtures.js';

const CHANNEL = 'fleet-availability';
const ROLLOUT = { id: 'rollout-restart', target: { cluster: 'c-eu-west-1-0000', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

async function digest(hh: Harness, engine = handEngine(), extra: { day?: string } = {}) {
  let summary: DigestSummary | undefined;
  const result = await hh.run(async (ctx) => (summary = await availabilityDigestJob(hh.deps, ctx, { day: extra.day ?? DAY, endMs: END_MS, engine })));
  return { result, summary: summary! };
}

describe('availabilityDigestJob (hand-made engine, outbox and files)', () => {
  it('writes the document with every group and one parent plus one thread reply per group', async () => {
    h = await harness({ findings: dipFindings(3, 4), clusterCount: 12 });

    const { result, summary } = await digest(h);

    expect(result.exitCode).toBe(0);
    expect(summary.groups).toBe(3);
    const doc = readFileSync(join(h.dir, 'docs', `digest_${DAY}.md`), 'utf8');
    for (const g of ['g-0', 'g-1', 'g-2']) expect(doc).toContain(`\`${g}\``);
    expect(doc).toMatch(/Checked and rejected/);
    expect(doc).toContain('ev-1-2');
    const msgs = h.outbox.readAll(CHANNEL);
    const parent = msgs.filter((m) => !m.threadTs);
    expect(parent).toHaveLength(1);
    expect(msgs.filter((m) => m.threadTs === parent[0].ts)).toHaveLength(3);
    expect(JSON.stringify(parent[0].blocks)).toContain('digest_2026-11-29.html');
    expect(await h.store.incidents.list({ day: DAY })).toHaveLength(3);
    expect((await h.store.rcas.get('g-1'))?.verdict).toBe('root-cause');
    expect(await h.store.evidence.listByGroup('g-2')).toHaveLength(2);
  });

  it('edits on a rerun for the same day: no new messages, the same document', async () => {
    h = await harness({ findings: dipFindings(2, 3), clusterCount: 6 });
    const first = await digest(h);
    const before = h.outbox.readAll(CHANNEL).map((m) => m.ts);

    const second = await digest(h);

    expect(second.result.exitCode).toBe(0);
    expect(h.outbox.readAll(CHANNEL).map((m) => m.ts)).toEqual(before);
    expect(second.summary.publication).toMatchObject({ docCreated: false, repliesPosted: 0, repliesEdited: 2, docUrl: first.summary.publication.docUrl });
    expect((await h.store.publications.get(`digest:${DAY}:parent`))?.externalId).toBe(`#${CHANNEL}:${before[0]}`);
  });

  it('marks the replies of groups a rerun regrouped as superseded: one current reply per incident, their proposals withdrawn', async () => {
    h = await harness({ findings: dipFindings(3, 2), clusterCount: 6, metrics: constantMetrics(() => 0.9) });
    await digest(h, handEngine({ rca: (_g, _e, i) => (i === 2 ? { operation: { ...ROLLOUT, target: { ...ROLLOUT.target, cluster: 'c-eu-west-1-0004' } } } : {}) }));
    const [oldProposal] = await h.store.proposals.list({ groupId: 'g-2' });
    // a finding that arrived later changed group 2's seeds: the rerun gives it another id
    const regrouped = handEngine({ rca: (_g, _e, i) => (i === 2 ? { operation: { ...ROLLOUT, target: { ...ROLLOUT.target, cluster: 'c-eu-west-1-0004' } } } : {}) });
    const correlate = regrouped.correlate.bind(regrouped);
    regrouped.correlate = (f, c) => correlate(f, c).map((g) => (g.id === 'g-2' ? { ...g, id: 'g-2-b' } : g));
    // evidence ids are content hashes, and the content names the group
    const collect = regrouped.collectEvidence.bind(regrouped);
    regrouped.collectEvidence = async (g, ...rest) => (await collect(g, ...rest)).map((e) => (g.id === 'g-2-b' ? { ...e, id: `${e.id}-b` } : e));

    const { result, summary } = await digest(h, regrouped);

    expect(result.failures).toEqual([]);
    expect(summary.superseded).toBe(1);
    const replies = h.outbox.readAll(CHANNEL).filter((m) => m.threadTs);
    const text = (key: string) => JSON.stringify(replies.find((m) => m.metadata?.payload.idempotency_key === key)?.blocks);
    expect(replies).toHaveLength(4);
    expect(text(`digest:${DAY}:group:g-2`)).toContain('Superseded');
    expect(text(`digest:${DAY}:group:g-2`)).toContain(oldProposal.id.slice(0, 8));
    expect(text(`digest:${DAY}:group:g-2-b`)).not.toContain('Superseded');
    // the proposals job withdraws the old proposal (test/remediation/proposals-job.test.ts)
    expect((await h.store.proposals.list({ groupId: 'g-2-b' }))[0]?.state).toBe('proposed');
    // the old row is kept, marked; the weekly report reads three incidents, not four
    const rows = await h.store.incidents.list({ day: DAY });
    expect(rows.map((g) => [g.id, g.attributes.supersededByRunId !== undefined]).sort()).toEqual([['g-0', false], ['g-1', false], ['g-2', true], ['g-2-b', false]]);
    const facts = await readStoreFacts(h.store, { startMs: DAY_START_MS, endMs: END_MS + 86_400_000 });
    expect(facts.incidents.map((g) => g.id).sort()).toEqual(['g-0', 'g-1', 'g-2-b']);
    expect(facts.proposals.map((p) => p.groupId)).toEqual(['g-2-b']);

    // a third run with the same grouping supersedes nothing more and edits the superseded reply no further
    const third = await digest(h, regrouped);
    expect(third.summary.superseded).toBe(0);
    expect(h.outbox.readAll(CHANNEL).filter((m) => m.threadTs)).toHaveLength(4);
  });

  it('supersedes nothing in a rerun where a group failed, and marks a row only once its reply is edited', async () => {
    h = await harness({ findings: dipFindings(3, 2), clusterCount: 6 });
    await digest(h);
    const regrouped = (failing: number[] = []) => {
      const e = handEngine({ failing });
      const correlate = e.correlate.bind(e);
      e.correlate = (f, c) => correlate(f, c).map((g) => (g.id === 'g-2' ? { ...g, id: 'g-2-b' } : g));
      const collect = e.collectEvidence.bind(e);
      e.collectEvidence = async (g, ...rest) => (await collect(g, ...rest)).map((ev) => (g.id === 'g-2-b' ? { ...ev, id: `${ev.id}-b` } : ev));
      return e;
    };

    // the replacing group's analysis fails: the earlier group stays current
    const failed = await digest(h, regrouped([2]));
    expect(failed.summary.superseded).toBe(0);
    expect((await h.store.incidents.get('g-2'))?.attributes.supersededByRunId).toBeUndefined();

    // the chat sink fails: no thread to edit in, so the row stays current for the next run
    const chat = h.deps.chat;
    h.deps.chat = () => ({ ...chat(), upsertMessage: async () => { throw new Error('slack down'); } });
    const noChat = await digest(h, regrouped());
    expect(noChat.summary.superseded).toBe(0);
    h.deps.chat = chat;

    const fixed = await digest(h, regrouped());
    expect(fixed.summary.superseded).toBe(1);
    const reply = h.outbox.readAll(CHANNEL).find((m) => m.metadata?.payload.idempotency_key === `digest:${DAY}:group:g-2`);
    expect(JSON.stringify(reply?.blocks)).toContain('Superseded');
  });

  it.each([
    { name: 'symptom still present', value: 0.95, proposals: 1 },
    { name: 'symptom recovered', value: 1, proposals: 0 },
  ])('records a proposal only when the $name', async ({ value, proposals }) => {
    const metrics = constantMetrics(() => value);
    h = await harness({ findings: dipFindings(2, 2), clusterCount: 4, metrics });
    const engine = handEngine({ rca: (_g, _e, i) => (i === 0 ? { operation: ROLLOUT } : {}) });

    const { summary } = await digest(h, engine);

    expect(summary.proposals).toBe(proposals);
    const rows = await h.store.proposals.list({ groupId: 'g-0' });
    expect(rows).toHaveLength(proposals);
    expect(metrics.requests.every((r) => r.endMs === END_MS && r.endMs - r.startMs === 15 * 60_000)).toBe(true);
    const reply = JSON.stringify(h.outbox.readAll(CHANNEL).find((m) => m.metadata?.payload.idempotency_key === `digest:${DAY}:group:g-0`)?.blocks);
    expect(reply.includes(`Proposal* \`${rows[0]?.id.slice(0, 8)}\``)).toBe(proposals === 1);
    if (proposals) expect(rows[0]).toMatchObject({ state: 'proposed', risk: 'low', operation: 'rollout-restart', expiresAtMs: rows[0].createdAtMs + 30 * 60_000 });
  });

  it('keeps one proposal across reruns (content-hash id)', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2, metrics: constantMetrics(() => 0.9) });
    const engine = handEngine({ rca: () => ({ operation: ROLLOUT }) });

    await digest(h, engine);
    await digest(h, engine);

    expect(await h.store.proposals.list({})).toHaveLength(1);
  });

  it('proposes an action again, as a new round with its own id, when its proposal expired unanswered and the symptom is still there', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2, metrics: constantMetrics(() => 0.9) });
    const engine = handEngine({ rca: () => ({ operation: ROLLOUT }) });
    await digest(h, engine);
    const [first] = await h.store.proposals.list({});
    await transitionProposal(h.store, first, 'expired', h.clock.nowMs(), { actor: 'fleetops' });

    const { summary } = await digest(h, engine);
    await digest(h, engine);

    const rows = await h.store.proposals.list({});
    expect(rows.map((p) => p.state).sort()).toEqual(['expired', 'proposed']);
    const again = rows.find((p) => p.state === 'proposed')!;
    expect(again.id).not.toBe(first.id);
    expect(again).toMatchObject({ groupId: first.groupId, operation: first.operation, target: first.target, params: first.params });
    expect(summary.proposals).toBe(1);
    const reply = JSON.stringify(h.outbox.readAll(CHANNEL).find((m) => m.metadata?.payload.idempotency_key === `digest:${DAY}:group:${first.groupId}`)?.blocks);
    expect(reply).toContain(again.id.slice(0, 8));
    expect(reply).not.toContain(first.id.slice(0, 8));
    const audit = (await h.store.audit.list({})).filter((e) => e.action === 'proposal.proposed' && e.subject === again.id);
    expect(audit.map((e) => e.details)).toEqual([expect.objectContaining({ round: 1, previous: first.id })]);
  });

  it('gives a group that comes back after being superseded a proposal people can approve (A, B, A with the proposals job between)', async () => {
    h = await harness({ findings: dipFindings(3, 2), clusterCount: 6, metrics: constantMetrics(() => 0.9) });
    const operation = { ...ROLLOUT, target: { ...ROLLOUT.target, cluster: 'c-eu-west-1-0004' } };
    const grouping = (renamed: boolean) => {
      const e = handEngine({ rca: (_g, _e, i) => (i === 2 ? { operation } : {}) });
      if (!renamed) return e;
      const correlate = e.correlate.bind(e);
      e.correlate = (f, c) => correlate(f, c).map((g) => (g.id === 'g-2' ? { ...g, id: 'g-2-b' } : g));
      const collect = e.collectEvidence.bind(e);
      e.collectEvidence = async (g, ...rest) => (await collect(g, ...rest)).map((x) => (g.id === 'g-2-b' ? { ...x, id: `${x.id}-b` } : x));
      return e;
    };
    const world = await createWorld({ store: h.store, clock: h.clock });
    await digest(h, grouping(false));
    await digest(h, grouping(true));
    await runProposalsJob(world, 60_000);

    await digest(h, grouping(false));
    await runProposalsJob(world, 60_000);

    const states = (await h.store.proposals.list({})).map((p) => [p.groupId, p.state]).sort();
    expect(states).toEqual([['g-2', 'expired'], ['g-2', 'proposed'], ['g-2-b', 'expired']]);
  });

  it.each(['rejected', 'recovered'] as const)('does not propose an action again once its proposal was %s', async (state) => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2, metrics: constantMetrics(() => 0.9) });
    const engine = handEngine({ rca: () => ({ operation: ROLLOUT }) });
    await digest(h, engine);
    const [first] = await h.store.proposals.list({});
    await transitionProposal(h.store, first, state, h.clock.nowMs(), { actor: 'UONCALL' });

    await digest(h, engine);

    expect((await h.store.proposals.list({})).map((p) => [p.id, p.state])).toEqual([[first.id, state]]);
  });

  it('records a failing group and publishes the others', async () => {
    h = await harness({ findings: dipFindings(3, 2), clusterCount: 6 });

    const { result, summary } = await digest(h, handEngine({ failing: [1] }));

    expect(result.exitCode).toBe(1);
    expect(result.failures.map((f) => f.part)).toEqual(['group:g-1']);
    expect(summary).toMatchObject({ groups: 2, failedGroups: 1 });
    expect(h.outbox.readAll(CHANNEL)).toHaveLength(3);
    expect(readFileSync(join(h.dir, 'docs', `digest_${DAY}.md`), 'utf8')).toContain('evidence source down for group 1');
  });

  it('still posts to Slack when the document sink fails', async () => {
    h = await harness({ findings: dipFindings(2, 2), clusterCount: 4, docs: { upsertDocument: async () => { throw new Error('docs down'); } } });

    const { result } = await digest(h);

    expect(result.failures.map((f) => f.part)).toEqual(['sink:docs']);
    expect(h.outbox.readAll(CHANNEL)).toHaveLength(3);
  });

  it('keeps a group\'s analysis when its symptom check fails: the failure is recorded, the reply posted, no proposal', async () => {
    const metrics = { query: async () => { throw new Error('prometheus: HTTP 503'); } };
    h = await harness({ findings: dipFindings(2, 2), clusterCount: 4, metrics });
    const engine = handEngine({ rca: (_g, _e, i) => (i === 0 ? { operation: ROLLOUT } : {}) });

    const { result, summary } = await digest(h, engine);

    expect(result.exitCode).toBe(1);
    expect(result.failures.map((f) => f.part)).toEqual(['group:g-0:symptom']);
    expect(summary).toMatchObject({ groups: 2, failedGroups: 0, proposals: 0 });
    expect(h.outbox.readAll(CHANNEL)).toHaveLength(3);
    expect((await h.store.rcas.get('g-0'))?.body).toMatchObject({ symptom: { present: false, detail: expect.stringMatching(/symptom check failed: prometheus: HTTP 503/) } });
  });

  it('keeps linking the document an earlier run wrote when the docs sink fails on a rerun', async () => {
    const findings = dipFindings(2, 2);
    h = await harness({ findings, clusterCount: 4 });
    const first = await digest(h);
    const url = first.summary.publication.docUrl!;
    const failing = await harness({ findings, clusterCount: 4, docs: { upsertDocument: async () => { throw new Error('docs down'); } } });
    await failing.store.close();
    Object.assign(h.deps, { docs: failing.deps.docs });

    const { result } = await digest(h);

    expect(result.failures.map((f) => f.part)).toEqual(['sink:docs']);
    const texts = h.outbox.readAll(CHANNEL).map((m) => JSON.stringify(m.blocks));
    expect(texts.every((t) => !/document not available|could not be written/.test(t))).toBe(true);
    expect(texts[0]).toContain(url);
  });

  it('says "inconclusive — needs a human" with what is missing', async () => {
    h = await harness({ findings: dipFindings(1, 2), clusterCount: 2 });
    const engine = handEngine({ rca: () => ({ verdict: 'inconclusive', missing: ['no logs for coredns in the window'] }) });

    const { summary } = await digest(h, engine);

    expect(summary.inconclusive).toBe(1);
    const rca = await h.store.rcas.get('g-0');
    expect(JSON.stringify(rca?.body)).toContain('inconclusive — needs a human: no logs for coredns in the window');
  });

  it('rejects a malformed --day with a clear error (exit 2)', async () => {
    h = await harness({ findings: [], clusterCount: 1 });

    const { result } = await digest(h, handEngine(), { day: '2026-02-30' });

    expect(result.exitCode).toBe(2);
    expect(result.failures[0].message).toMatch(/--day: expected a calendar date YYYY-MM-DD/);
  });

  it('fetches the topology of the clusters the analysis reads (first, least critical, the top cause\'s target), not of every cluster in the group', async () => {
    h = await harness({ findings: dipFindings(1, 40), clusterCount: 40 });
    const fetched: string[] = [];
    const inventory = h.deps.inventory();
    h.deps.inventory = () => ({ ...inventory, getTopology: async (cluster, signal) => (fetched.push(cluster), inventory.getTopology(cluster, signal)) });
    const engine = handEngine({ rca: () => ({ top: { failureMode: 'workload.oom-after-config', entity: { cluster: 'c-eu-west-1-0017' }, score: 9, supporting: [], contradicting: [] } }) });
    const seen: string[][] = [];
    const analyse = engine.analyseGroup.bind(engine);
    engine.analyseGroup = (group, evidence, ctx) => (seen.push([...ctx.topology.keys()].sort()), analyse(group, evidence, ctx));

    const { result } = await digest(h, engine);

    expect(result.exitCode).toBe(0);
    // before: one inventory call per cluster of the group (40 here, 901 for a regional group at 7,000 clusters)
    expect(new Set(fetched).size).toBeLessThanOrEqual(3);
    expect(fetched).toContain('c-eu-west-1-0017');
    // the last analysis (the one stored) had the target's topology
    expect(seen.at(-1)).toContain('c-eu-west-1-0017');
  });
});
