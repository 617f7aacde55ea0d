import { PROPOSAL_EXPIRY_MS } from '../../src/digest/record-proposal.js';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ProposalState } from '../../src/adapters/store/types.js';
import { FleetopsConfig } from '../../src/core/config/schema.js';
import { runJob } from '../../src/core/run-job.js';
import { availabilityDigestJob, type DigestSummary } from '../../src/digest/availability-digest-job.js';
import { formatDigestSummary } from '../../src/digest/format-digest-summary.js';
import { transitionProposal } from '../../src/remediation/proposals/proposal-state.js';
import type { DigestLlm } from '../../src/digest/narrate-group.js';
import type { DigestEngine } from '../../src/digest/rca-contract.js';
import { countingLlm, constantMetrics, DAY, dipFindings, END_MS, handEngine, harness, moreClusters, type Harness } from './digest-fixtures.js';

const CHANNEL = 'fleet-availability';
const PARENT = `digest:${DAY}:parent`;
const ROLLOUT = { id: 'rollout-restart', target: { cluster: 'c-eu-west-1-0002', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' }, params: {} };

let h: Harness | undefined;
afterEach(async () => {
  await h?.store.close();
  h = undefined;
});

/** Six groups; the digest's order is g-5 (3 clusters), g-4 (2), g-1, g-2, g-3, g-0 (a warning). */
const SINGLES = dipFindings(6, 1);
const FINDINGS = [...SINGLES, ...moreClusters(5, [6, 7]), ...moreClusters(4, [8])];

/** The hand engine (g-2 proposes a rollout restart), recording whose evidence it collects and what it analyses; `rename` regroups a group. */
function countingEngine(rename: Record<string, string> = {}) {
  const engine = handEngine({ excerpt: () => 'availability fell to 97.0%', rca: (_g, _e, i) => (i === 2 ? { operation: ROLLOUT } : {}) });
  const collected: string[] = [];
  const analysed = new Set<string>();
  const correlate = engine.correlate.bind(engine);
  engine.correlate = (f, c, o) => correlate(f, c, o).map((g) => ({ ...g, id: rename[g.id] ?? g.id, severity: g.id === 'g-0' ? 'warning' as const : g.severity }));
  const collect = engine.collectEvidence.bind(engine);
  // evidence ids are content hashes, and the content names the group
  engine.collectEvidence = async (g, ...rest) => (collected.push(g.id), (await collect(g, ...rest)).map((e) => (g.id.endsWith('-b') ? { ...e, id: `${e.id}-b` } : e)));
  const analyse = engine.analyseGroup.bind(engine);
  engine.analyseGroup = (g, ...rest) => (analysed.add(g.id), analyse(g, ...rest));
  return { engine, collected, analysed };
}

interface LogLine { level: number; msg: string; [k: string]: unknown }

async function digest(hh: Harness, maxAnalysedGroups: number, opts: { engine: DigestEngine; llm?: DigestLlm; failures?: string[] }) {
  hh.deps.config = FleetopsConfig.parse({ digest: { maxAnalysedGroups } });
  const logs: LogLine[] = [];
  const logger = pino({ level: 'info' }, { write: (line: string) => void logs.push(JSON.parse(line) as LogLine) });
  let summary: DigestSummary | undefined;
  const result = await runJob({ job: 'availability-digest', logger, clock: hh.clock, deadlineSeconds: 600, store: hh.store }, async (ctx) => (
    summary = await availabilityDigestJob(hh.deps, ctx, { day: DAY, endMs: END_MS, engine: opts.engine, llm: opts.llm, concurrency: 1 })
  ));
  expect(result.failures.map((f) => f.part)).toEqual(opts.failures ?? []);
  return { summary: summary!, logs, runId: result.runId };
}

const doc = (hh: Harness) => readFileSync(join(hh.dir, 'docs', `digest_${DAY}.md`), 'utf8');
/** The groups the document has a section for, in order. */
const sections = (hh: Harness) => [...readFileSync(join(hh.dir, 'docs', `digest_${DAY}.html`), 'utf8').matchAll(/ id="group-(g-[\w-]+)"/g)].map((x) => x[1]);
/** The groups the document lists as not analysed, in order. */
const notAnalysedRows = (hh: Harness) => doc(hh).split('\n').filter((l) => l.includes('| not analysed |')).map((r) => /`(g-[\w-]+)`/.exec(r)?.[1]);
const messages = (hh: Harness) => hh.outbox.readAll(CHANNEL);
const keyOf = (m: ReturnType<typeof messages>[number]) => String(m.metadata?.payload.idempotency_key);
const replyOf = (hh: Harness, group: string) => messages(hh).find((m) => keyOf(m) === `digest:${DAY}:group:${group}`);
/** Thread replies of analysed groups (not those a rerun marked superseded). */
const repliedGroups = (hh: Harness) => messages(hh).filter((m) => m.threadTs && !JSON.stringify(m.blocks).includes('Superseded')).map((m) => keyOf(m).split(':group:')[1]);

describe('a rerun of a day keeps the analysis an earlier run made', () => {
  it('shows the groups an earlier run analysed as analysed when a rerun has a smaller budget, with no evidence query or model call for them', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9, metrics: constantMetrics(() => 0.9) });
    const llm = countingLlm();
    const first = await digest(h, 5, { engine: countingEngine().engine, llm });
    const firstMessages = messages(h).map((m) => [keyOf(m), m.ts, JSON.stringify(m.blocks)]);
    const [proposal] = await h.store.proposals.list({ groupId: 'g-2' });
    const callsBefore = llm.calls();
    expect(sections(h)).toEqual(['g-5', 'g-4', 'g-1', 'g-2', 'g-3']);

    const again = countingEngine();
    const second = await digest(h, 2, { engine: again.engine, llm });

    // before: g-1, g-2 and g-3 were listed as not analysed while their replies and proposal stayed in the thread
    expect(again.collected).toEqual(['g-5', 'g-4']);
    expect([...again.analysed]).toEqual(['g-5', 'g-4']);
    expect(llm.calls() - callsBefore).toBe(2);
    expect(second.summary).toMatchObject({ groups: 6, notAnalysed: 1, reusedAnalyses: 3, maxAnalysedGroups: 2, rootCauses: 5, proposals: 1, failedGroups: 0, superseded: 0 });
    expect(second.summary.publication).toMatchObject({ docCreated: false, repliesPosted: 0, repliesEdited: 5 });
    // the document and the thread agree: a section and a reply for each analysed group, the same replies as before
    expect(sections(h)).toEqual(['g-5', 'g-4', 'g-1', 'g-2', 'g-3']);
    expect(notAnalysedRows(h)).toEqual(['g-0']);
    expect(repliedGroups(h)).toEqual(sections(h));
    expect(doc(h)).toContain('1 of 6 groups were not analysed');
    expect(doc(h)).toContain(proposal.id.slice(0, 8));
    expect(messages(h).map((m) => [keyOf(m), m.ts])).toEqual(firstMessages.map(([key, ts]) => [key, ts]));
    for (const g of ['g-1', 'g-2', 'g-3']) {
      expect(JSON.stringify(replyOf(h, g)?.blocks)).toEqual(firstMessages.find(([key]) => key === `digest:${DAY}:group:${g}`)?.[2]);
    }
    expect(JSON.stringify(messages(h).find((m) => keyOf(m) === PARENT)?.blocks)).toContain('*1* of them were not analysed');
    // the store: nothing added, the earlier RCA rows kept; the incident rows of reused groups not marked
    expect((await h.store.proposals.list({})).map((p) => p.id)).toEqual([proposal.id]);
    for (const g of ['g-1', 'g-2', 'g-3']) expect((await h.store.rcas.get(g))?.runId).toBe(first.runId);
    const rows = new Map((await h.store.incidents.list({ day: DAY })).map((r) => [r.id, r.attributes.notAnalysed]));
    expect(Object.fromEntries(rows)).toEqual({ 'g-5': undefined, 'g-4': undefined, 'g-1': undefined, 'g-2': undefined, 'g-3': undefined, 'g-0': { maxAnalysedGroups: 2 } });
    // the counts say how many were reused
    expect(second.logs.filter((l) => l.msg.includes('maxAnalysedGroups'))).toEqual([expect.objectContaining({
      level: 40, msg: 'digest groups past digest.maxAnalysedGroups not analysed', groups: 6, analysed: 2, reused: 3, notAnalysed: 1, maxAnalysedGroups: 2,
    })]);
    expect(formatDigestSummary(second.summary, { outDir: 'out', channel: '#c' })).toContain('1 not analysed: past digest.maxAnalysedGroups (2), 3 analyses of an earlier run reused');
  });

  it('does not spend the budget on them: new groups ahead of them in the order are analysed', async () => {
    h = await harness({ findings: SINGLES, clusterCount: 9 });
    await digest(h, 3, { engine: countingEngine().engine });
    expect(sections(h)).toEqual(['g-1', 'g-2', 'g-3']);
    // findings that arrived later make g-5 and g-4 the largest groups: the order changed, the budget did not
    await h.store.anomalies.upsertMany([...moreClusters(5, [6, 7]), ...moreClusters(4, [8])]);

    const again = countingEngine();
    const { summary } = await digest(h, 3, { engine: again.engine });

    expect(again.collected).toEqual(['g-5', 'g-4', 'g-1']);
    expect(summary).toMatchObject({ groups: 6, notAnalysed: 1, reusedAnalyses: 2 });
    expect(sections(h)).toEqual(['g-5', 'g-4', 'g-1', 'g-2', 'g-3']);
    expect(notAnalysedRows(h)).toEqual(['g-0']);
    expect(repliedGroups(h).sort()).toEqual([...sections(h)].sort());
  });

  it('reruns with the same budget as before: only the first groups analysed again, nothing posted or proposed twice', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9, metrics: constantMetrics(() => 0.9) });
    await digest(h, 5, { engine: countingEngine().engine });
    await digest(h, 2, { engine: countingEngine().engine });
    const before = messages(h).map((m) => [keyOf(m), m.ts]);

    const again = countingEngine();
    const { summary } = await digest(h, 2, { engine: again.engine });

    expect(again.collected).toEqual(['g-5', 'g-4']);
    expect(summary).toMatchObject({ notAnalysed: 1, reusedAnalyses: 3, proposals: 1, publication: { repliesPosted: 0, repliesEdited: 5 } });
    expect(messages(h).map((m) => [keyOf(m), m.ts])).toEqual(before);
    expect(await h.store.proposals.list({})).toHaveLength(1);
  });

  it('keeps today\'s behaviour for a group regrouped since: listed as not analysed, the earlier group superseded', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    await digest(h, 5, { engine: countingEngine().engine });

    const again = countingEngine({ 'g-2': 'g-2-b' });
    const { summary } = await digest(h, 2, { engine: again.engine });

    expect(again.collected).toEqual(['g-5', 'g-4']);
    expect(summary).toMatchObject({ groups: 6, notAnalysed: 2, reusedAnalyses: 2, superseded: 1 });
    expect(sections(h)).toEqual(['g-5', 'g-4', 'g-1', 'g-3']);
    expect(notAnalysedRows(h)).toEqual(['g-2-b', 'g-0']);
    expect(JSON.stringify(replyOf(h, 'g-2')?.blocks)).toContain('Superseded');
    expect(repliedGroups(h)).toEqual(sections(h));
  });

  it('lists a group as not analysed when its stored RCA row cannot be read back as an analysis', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    await digest(h, 5, { engine: countingEngine().engine });
    const stored = (await h.store.rcas.get('g-3'))!;
    await h.store.rcas.upsert({ ...stored, body: { narrative: 'not an object' } });

    const { summary, logs } = await digest(h, 2, { engine: countingEngine().engine });

    expect(summary).toMatchObject({ notAnalysed: 2, reusedAnalyses: 2 });
    expect(notAnalysedRows(h)).toEqual(['g-3', 'g-0']);
    expect(logs.find((l) => l.msg === 'digest stored analysis not reused')).toMatchObject({ level: 40, groupId: 'g-3', reason: expect.stringContaining('body') });
  });

  it('counts a reused model narrative as reused without a call', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    await digest(h, 5, { engine: countingEngine().engine });
    const stored = (await h.store.rcas.get('g-3'))!;
    await h.store.rcas.upsert({ ...stored, engine: 'bedrock', body: { ...stored.body, llm: { used: true, toolCalls: [{ name: 'read_evidence', allowed: true }] } } });
    const llm = countingLlm();

    const { summary } = await digest(h, 2, { engine: countingEngine().engine, llm });

    expect(llm.calls()).toBe(2);
    expect(summary).toMatchObject({ notAnalysed: 1, reusedAnalyses: 3, llmCalls: 2, llmReused: 1 });
  });

  it.each([
    ['a model narrative that asked for a refused tool', { engine: 'bedrock' as const, llm: { used: true, toolCalls: [{ name: 'restart_pod', allowed: false }] } }, 'asked for a tool outside the read-only list'],
    ['evidence rows that are gone', { evidenceIds: ['ev-3-1', 'ev-3-2', 'ev-3-gone'] }, '1 of the 3 evidence rows of run'],
  ])('lists a group as not analysed when its stored analysis has %s', async (_case, patch, reason) => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    await digest(h, 5, { engine: countingEngine().engine });
    const stored = (await h.store.rcas.get('g-3'))!;
    const { engine, ...body } = patch as { engine?: 'bedrock' } & Record<string, unknown>;
    await h.store.rcas.upsert({ ...stored, engine: engine ?? stored.engine, body: { ...stored.body, ...body } });

    const { summary, logs } = await digest(h, 2, { engine: countingEngine().engine });

    expect(summary).toMatchObject({ notAnalysed: 2, reusedAnalyses: 2 });
    expect(notAnalysedRows(h)).toEqual(['g-3', 'g-0']);
    expect(logs.find((l) => l.msg === 'digest stored analysis not reused')?.reason).toContain(reason);
  });

  it('records a group whose stored analysis fails to load as failed, and leaves its rows as they were', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    await digest(h, 5, { engine: countingEngine().engine });
    const incident = await h.store.incidents.get('g-3');
    const get = h.store.rcas.get.bind(h.store.rcas);
    h.store.rcas.get = async (id) => (id === 'g-3' ? Promise.reject(new Error('database is locked')) : get(id));

    const { summary } = await digest(h, 2, { engine: countingEngine().engine, failures: ['group:g-3'] });

    expect(summary).toMatchObject({ failedGroups: 1, notAnalysed: 1, reusedAnalyses: 2, superseded: 0 });
    expect(notAnalysedRows(h)).toEqual(['g-0']);
    expect(await h.store.incidents.get('g-3')).toEqual(incident);
  });
});

describe('a reused group\'s incident rows and proposal', () => {
  it('rewrites the reused groups\' incident rows in one upsertMany, the same rows one upsert each wrote', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    await digest(h, 5, { engine: countingEngine().engine });
    const upsert = vi.spyOn(h.store.incidents, 'upsert');
    const upsertMany = vi.spyOn(h.store.incidents, 'upsertMany');

    const { runId } = await digest(h, 2, { engine: countingEngine().engine });

    // before: one upsert (one transaction) per reused group
    expect(upsert.mock.calls.map(([row]) => row.id)).toEqual(['g-5', 'g-4']);
    expect(upsertMany).toHaveBeenCalledTimes(2);
    const [reusedRows, notAnalysedRows] = upsertMany.mock.calls.map(([rows]) => rows);
    expect(reusedRows.map((r) => r.id)).toEqual(['g-1', 'g-2', 'g-3']);
    expect(notAnalysedRows.map((r) => r.id)).toEqual(['g-0']);
    for (const row of reusedRows) {
      const i = row.id.split('-')[1];
      expect(row).toEqual({
        id: row.id, runId, day: DAY, title: `comp-${i} availability dips on 1 clusters`, startMs: SINGLES[+i].startMs, endMs: SINGLES[+i].endMs,
        clusters: [SINGLES[+i].cluster], anomalyIds: [SINGLES[+i].id],
        attributes: { severity: 'critical', components: [`comp-${i}`], signals: ['availability'], sharedAttributes: [expect.objectContaining({ name: 'version:coredns' })] },
      });
      expect(await h.store.incidents.get(row.id)).toEqual(row);
    }
  });

  it('records a failing write of the reused rows and still shows the groups, their earlier rows kept', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9 });
    const first = await digest(h, 5, { engine: countingEngine().engine });
    const upsertMany = h.store.incidents.upsertMany.bind(h.store.incidents);
    h.store.incidents.upsertMany = async (rows) => (rows[0]?.id === 'g-1' ? Promise.reject(new Error('database is locked')) : upsertMany(rows));

    const { summary } = await digest(h, 2, { engine: countingEngine().engine, failures: ['incidents:reused:g-1..g-3'] });

    expect(summary).toMatchObject({ failedGroups: 0, reusedAnalyses: 3, notAnalysed: 1 });
    expect(sections(h)).toEqual(['g-5', 'g-4', 'g-1', 'g-2', 'g-3']);
    expect((await h.store.incidents.get('g-2'))?.runId).toBe(first.runId);
  });

  it('proposes again, as an analysed group would, when the reused group\'s proposal expired and the symptom is still there; a rerun changes nothing', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9, metrics: constantMetrics(() => 0.9) });
    await digest(h, 5, { engine: countingEngine().engine });
    const [expired] = await h.store.proposals.list({ groupId: 'g-2' });
    await transitionProposal(h.store, expired, 'expired', h.clock.nowMs(), { actor: 'fleetops' });
    const metrics = constantMetrics(() => 0.9);
    h.deps.metrics = () => metrics;

    const again = countingEngine();
    const second = await digest(h, 2, { engine: again.engine });
    const shown = { doc: doc(h).replaceAll(second.runId, 'RUN'), replies: messages(h).map((m) => [keyOf(m), m.ts, JSON.stringify(m.blocks).replaceAll(second.runId, 'RUN')]) };
    const third = await digest(h, 2, { engine: countingEngine().engine });

    // before: the expired proposal was shown, and nothing proposed until g-2 was back within the budget
    const rows = await h.store.proposals.list({ groupId: 'g-2' });
    expect(rows.map((p) => p.state).sort()).toEqual(['expired', 'proposed']);
    const next = rows.find((p) => p.state === 'proposed')!;
    expect(again.collected).toEqual(['g-5', 'g-4']);
    // one symptom check, by the second run: the third finds the open round and shows it as it stands
    expect(metrics.requests.map((r) => [r.component, r.clusters])).toEqual([['comp-2', ['c-eu-west-1-0002']]]);
    expect(second.summary).toMatchObject({ reusedAnalyses: 3, proposals: 1 });
    const reply = JSON.stringify(replyOf(h, 'g-2')?.blocks);
    expect(reply).toContain(`\`${next.id.slice(0, 8)}\``);
    expect(reply).toContain('proposed, expires');
    expect(reply).not.toContain(expired.id.slice(0, 8));
    expect(doc(h)).toContain(`Next: Review proposal ${next.id.slice(0, 8)}:`);
    expect(doc(h)).not.toContain(expired.id.slice(0, 8));
    // the earlier run's RCA row is not rewritten
    expect((await h.store.rcas.get('g-2'))?.body.proposalId).toBe(expired.id);
    // idempotent: the third run found the new round and posted, proposed and wrote nothing new
    expect(third.summary).toMatchObject({ reusedAnalyses: 3, proposals: 1, publication: { repliesPosted: 0 } });
    expect(doc(h).replaceAll(third.runId, 'RUN')).toBe(shown.doc);
    expect(messages(h).map((m) => [keyOf(m), m.ts, JSON.stringify(m.blocks).replaceAll(third.runId, 'RUN')])).toEqual(shown.replies);
    expect(await h.store.proposals.list({ groupId: 'g-2' })).toEqual(rows);
  });

  it('keeps showing the new round a rerun proposed, with no symptom check, after the symptom went', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9, metrics: constantMetrics(() => 0.9) });
    await digest(h, 5, { engine: countingEngine().engine });
    const [expired] = await h.store.proposals.list({ groupId: 'g-2' });
    await transitionProposal(h.store, expired, 'expired', h.clock.nowMs(), { actor: 'fleetops' });
    await digest(h, 2, { engine: countingEngine().engine });
    const next = (await h.store.proposals.list({ groupId: 'g-2' })).find((p) => p.state === 'proposed')!;
    // the symptom recovers while the new round is open in the thread
    const metrics = constantMetrics(() => 1);
    h.deps.metrics = () => metrics;

    const { summary } = await digest(h, 2, { engine: countingEngine().engine });

    // before: the RCA row still named the expired round, so the rerun checked the symptom again and showed no proposal
    expect(metrics.requests).toEqual([]);
    expect(summary).toMatchObject({ reusedAnalyses: 3, proposals: 1 });
    const reply = JSON.stringify(replyOf(h, 'g-2')?.blocks);
    expect(reply).toContain(`\`${next.id.slice(0, 8)}\`: rollout-restart on Deployment kube-system/coredns in c-eu-west-1-0002, risk low, proposed, expires`);
    expect(reply).not.toContain('No proposal');
    expect(doc(h)).toContain(`Next: Review proposal ${next.id.slice(0, 8)}:`);
    expect((await h.store.proposals.list({ groupId: 'g-2' })).map((p) => [p.id, p.state]).sort()).toEqual([[expired.id, 'expired'], [next.id, 'proposed']].sort());
  });

  it('shows no proposal for a reused group whose proposal expired after the symptom went, and says why', async () => {
    h = await harness({ findings: FINDINGS, clusterCount: 9, metrics: constantMetrics(() => 0.9) });
    await digest(h, 5, { engine: countingEngine().engine });
    const [expired] = await h.store.proposals.list({ groupId: 'g-2' });
    await transitionProposal(h.store, expired, 'expired', h.clock.nowMs(), { actor: 'fleetops' });
    h.deps.metrics = () => constantMetrics(() => 1);

    const { summary } = await digest(h, 2, { engine: countingEngine().engine });

    // before: the expired proposal and the first run's 'symptom still present'
    expect(summary).toMatchObject({ reusedAnalyses: 3, proposals: 0 });
    const reply = JSON.stringify(replyOf(h, 'g-2')?.blocks);
    expect(reply).toContain('*No proposal:* symptom not present in the last 15 minutes (recovered)');
    expect(reply).not.toContain(expired.id.slice(0, 8));
    expect(doc(h)).not.toContain(expired.id.slice(0, 8));
    expect(await h.store.proposals.list({ groupId: 'g-2' })).toEqual([{ ...expired, state: 'expired', updatedAtMs: h.clock.nowMs() }]);
  });

  it.each<[ProposalState]>([['proposed'], ['rejected'], ['recovered']])('shows a reused group\'s %s proposal as it stands, with no symptom check or new proposal', async (state) => {
    h = await harness({ findings: FINDINGS, clusterCount: 9, metrics: constantMetrics(() => 0.9) });
    await digest(h, 5, { engine: countingEngine().engine });
    const [stored] = await h.store.proposals.list({ groupId: 'g-2' });
    if (state !== 'proposed') await transitionProposal(h.store, stored, state, h.clock.nowMs(), { actor: 'U-sre' });
    const metrics = constantMetrics(() => 0.9);
    h.deps.metrics = () => metrics;

    const { summary } = await digest(h, 2, { engine: countingEngine().engine });

    expect(summary).toMatchObject({ reusedAnalyses: 3 });
    expect(metrics.requests).toEqual([]);
    const id8 = stored.id.slice(0, 8);
    expect(JSON.stringify(replyOf(h, 'g-2')?.blocks)).toContain(`\`${id8}\`: rollout-restart on Deployment kube-system/coredns in c-eu-west-1-0002, risk low, ${state}${state === 'proposed' ? ', expires' : ': nothing to approve.'}`);
    // before: the stored next step asked to approve it whatever its state
    const next = doc(h).split('\n').filter((l) => l.includes(`Next: `) && l.includes(id8));
    expect(next).toEqual([state === 'proposed'
      ? `- Next: Review proposal ${id8}: rollout-restart on Deployment kube-system/coredns in c-eu-west-1-0002 (approve in this thread).`
      : `- Next: Proposal ${id8} (rollout-restart on Deployment kube-system/coredns in c-eu-west-1-0002) ${state === 'rejected' ? 'was rejected' : 'was not run: the symptom recovered'}: nothing to approve.`]);
    expect((await h.store.proposals.list({ groupId: 'g-2' })).map((p) => [p.id, p.state])).toEqual([[stored.id, state]]);
  });

  it.each([[5, 'analysed again'], [2, 'reused']])('shows a proposal still proposed past its expiry as expired, with nothing to approve (budget %i: %s)', async (budget) => {
    h = await harness({ findings: FINDINGS, clusterCount: 9, metrics: constantMetrics(() => 0.9) });
    await digest(h, 5, { engine: countingEngine().engine });
    const [stored] = await h.store.proposals.list({ groupId: 'g-2' });
    // the proposals job has not closed it yet: its row still says proposed
    h.clock.advance(PROPOSAL_EXPIRY_MS + 60_000);

    await digest(h, budget, { engine: countingEngine().engine });

    const id8 = stored.id.slice(0, 8);
    const reply = JSON.stringify(replyOf(h, 'g-2')?.blocks);
    // before: "proposed, expires …. Approval happens in this thread." though an approval after expiry is refused
    expect(reply).toContain(`\`${id8}\`: rollout-restart on Deployment kube-system/coredns in c-eu-west-1-0002, risk low, expired: nothing to approve.`);
    expect(doc(h).split('\n').filter((l) => l.includes('Next: ') && l.includes(id8))).toEqual([`- Next: Proposal ${id8} (rollout-restart on Deployment kube-system/coredns in c-eu-west-1-0002) expired: nothing to approve.`]);
    expect((await h.store.proposals.list({ groupId: 'g-2' })).map((p) => [p.id, p.state])).toEqual([[stored.id, 'proposed']]);
  });
});

