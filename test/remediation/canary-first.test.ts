import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../src/adapters/cluster-ops/types.js';
import type { ProposalRow } from '../../src/adapters/store/types.js';
import { checkGuardrails, loadFleetAction, OPERATION_STATES, recentOperationsFrom, type ClusterFacts } from '../../src/remediation/guardrails/index.js';
import { proposalsJob } from '../../src/remediation/proposals-job.js';
import { createProposal, type SymptomStatus } from '../../src/remediation/proposals/create-proposal.js';
import { createGuardrailGate } from '../../src/remediation/proposals/guardrail-gate.js';
import { shortId } from '../../src/remediation/proposals/proposal-id.js';
import { findProposalPost } from '../../src/remediation/proposals/proposal-thread.js';
import { transitionProposal } from '../../src/remediation/proposals/proposal-state.js';
import { healthyWorld, readerOf } from './guardrails/world.js';
import { auditOf, createFakeClusterOps, createWorld, draft, reply, U, type World } from './proposals/harness.js';

const CANARY = 'c-staging-canary';
const PROD_1 = 'c-eu-west-1-0001';
const PROD_2 = 'c-eu-west-1-0002';
const REGISTRY: Record<string, ClusterFacts> = { [CANARY]: { canary: true, environment: 'staging' }, [PROD_1]: { environment: 'prod' }, [PROD_2]: { environment: 'prod' } };
const MIN = 60_000;
const utc = (ms: number) => new Date(ms).toISOString().slice(0, 16).replace('T', ' ');

/** The real guardrails, with the state built as the proposals wiring builds it: store operations, the fleet action of the proposal. */
function fleetGate({ store, clock }: { store: World['store']; clock: World['clock'] }) {
  const w = healthyWorld();
  w.workload = { ...w.workload, namespace: 'kube-system', name: 'coredns' };
  return createGuardrailGate(checkGuardrails, async (req: OperationRequest, _phase, proposal?: ProposalRow) => ({
    nowMs: clock.nowMs(), reader: readerOf(w), freezeWindows: [], argoCdConfigured: false, cluster: REGISTRY[req.target.cluster] ?? {},
    recentOperations: recentOperationsFrom(await store.proposals.list({ states: [...OPERATION_STATES] }), clock.nowMs()),
    fleetAction: await loadFleetAction(store.proposals, proposal ?? req.operationId, (c) => REGISTRY[c] ?? {}),
  }));
}

/**
 * A world on the real guardrails where each proposal's symptom is present until it executed, then
 * `after[cluster]` (default recovered); executions are recorded per cluster.
 */
async function fleetWorld(config: Record<string, unknown> = {}) {
  const world = await createWorld({ gate: fleetGate, config });
  const ops = createFakeClusterOps();
  const executed: string[] = [];
  const executedIds = new Set<string>();
  const after: Record<string, SymptomStatus> = {};
  const clusterOps = { ...ops, execute: async (req: OperationRequest) => { executed.push(req.target.cluster); executedIds.add(req.operationId); return ops.execute(req); } };
  const verify = async (p: ProposalRow): Promise<SymptomStatus> => (executedIds.has(p.id) ? after[p.cluster] ?? 'recovered' : 'not-recovered');
  const run = async (advanceMs = 2 * MIN) => {
    world.clock.advance(advanceMs);
    const ctx = world.ctx();
    await proposalsJob({ ...world.jobDeps(), clusterOps, verify }, ctx);
    expect(ctx.failuresOut).toEqual([]);
  };
  const tryPropose = async (cluster: string, over: Parameters<typeof draft>[0] = {}) => {
    const environment = REGISTRY[cluster]?.environment ?? 'prod';
    const d = draft({ groupId: 'g-2026-11-30-coredns', target: { ...draft().target, cluster }, context: { ...draft().context, environment }, ...over });
    return createProposal(d, { store: world.store, catalog: world.jobDeps().catalog, guardrails: world.guardrails, verify, clock: world.clock, expiryMinutes: world.config.expiryMinutes });
  };
  const propose = async (cluster: string, over: Parameters<typeof draft>[0] = {}) => {
    const r = await tryPropose(cluster, over);
    if (r.status !== 'proposed') throw new Error(`expected a proposal for ${cluster}, got ${r.status}`);
    return r.proposal;
  };
  const approve = async (...ps: ProposalRow[]) => {
    for (const p of ps) await reply(world, p.id, U.onCall, `approve ${shortId(p.id)}`);
  };
  const state = async (p: ProposalRow) => (await world.store.proposals.get(p.id))?.state;
  const notes = async (p: ProposalRow, text: string) => {
    const post = await findProposalPost(world.store, p);
    return post ? (await world.chat.listReplies(post.channel, post.threadTs)).filter((m) => m.text.includes(text)).map((m) => m.text) : [];
  };
  const audits = async (p: ProposalRow, action: string) => (await auditOf(world.store, p.id)).filter((e) => e.action === action);
  return { world, executed, after, run, tryPropose, propose, approve, state, notes, audits };
}

/** One incident group's rollout-restart of coredns proposed for the canary and two production clusters, all approved. */
async function approvedFleet(f: Awaited<ReturnType<typeof fleetWorld>>) {
  const canary = await f.propose(CANARY);
  const prod1 = await f.propose(PROD_1);
  const prod2 = await f.propose(PROD_2);
  await f.run();
  await f.approve(canary, prod1, prod2);
  return { canary, prod1, prod2 };
}

describe('canary-first through the proposals job', () => {
  it('holds approved non-canary clusters while the canary is still being verified, and says so once in their threads', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'pending';
    const { canary, prod1, prod2 } = await approvedFleet(f);

    await f.run();
    await f.run();

    expect(f.executed).toEqual([CANARY]);
    expect(await f.state(canary)).toBe('executing');
    expect([await f.state(prod1), await f.state(prod2)]).toEqual(['approved', 'approved']);
    const waits = await f.notes(prod1, 'waits');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toContain(`canary-first: fleet-wide action: canary cluster(s) ${CANARY} not yet verified`);
    expect(waits[0]).toContain('if not by 2026-11-30 09:40 UTC, it expires');
    // prod1 was first held while the canary was not yet started (a later projected deadline), then once it executed
    const waiting = await f.audits(prod1, 'execution.waiting');
    expect(waiting.map((e) => e.details.failures)).toEqual([1, 2].map(() => [{ guardrail: 'canary-first', reason: `fleet-wide action: canary cluster(s) ${CANARY} not yet verified` }]));
    expect(waiting.map((e) => utc(e.details.untilMs as number))).toEqual(['2026-11-30 11:25', '2026-11-30 09:40']);
    expect(await f.audits(prod1, 'execution.refused')).toEqual([]);
  });

  it('releases the other clusters once the canary succeeded and was verified', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'pending';
    const { canary, prod1, prod2 } = await approvedFleet(f);
    await f.run();
    expect(f.executed).toEqual([CANARY]);

    f.after[CANARY] = 'recovered';
    await f.run();
    await f.run();

    expect(await f.state(canary)).toBe('succeeded');
    expect(f.executed.slice(1).sort()).toEqual([PROD_1, PROD_2]);
    expect([await f.state(prod1), await f.state(prod2)]).toEqual(['succeeded', 'succeeded']);
  });

  it('holds the other clusters for good once the canary failed: rejected, audited and said in their threads, naming the canary', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'not-recovered';
    const { canary, prod1, prod2 } = await approvedFleet(f);
    await f.run();

    await f.run(16 * MIN);
    await f.run();

    expect(await f.state(canary)).toBe('failed');
    expect(f.executed).toEqual([CANARY]);
    expect([await f.state(prod1), await f.state(prod2)]).toEqual(['rejected', 'rejected']);
    expect((await f.audits(prod2, 'proposal.rejected')).map((e) => e.details)).toEqual([
      { from: 'approved', to: 'rejected', reason: 'the canary of its fleet action failed', canaryClusters: [CANARY], canaryProposals: [canary.id] },
    ]);
    expect(await f.notes(prod2, 'Closed without running')).toEqual([
      `Closed without running: the canary of this fleet action failed (\`${shortId(canary.id)}\` on ${CANARY} (failed)), so rollout-restart does not go on to ${PROD_2}. Nothing was changed there.`,
    ]);
  });

  it('closes the proposals of the fleet action still awaiting approval once the canary failed, and proposes no more clusters', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'not-recovered';
    const canary = await f.propose(CANARY);
    const prod1 = await f.propose(PROD_1);
    await f.run();
    await f.approve(canary);
    await f.run();
    expect(await f.state(canary)).toBe('executing');

    await f.run(16 * MIN);
    const late = await f.tryPropose(PROD_2);
    for (let i = 0; i < 3; i += 1) await f.run();

    expect(await f.state(canary)).toBe('failed');
    expect(await f.state(prod1)).toBe('rejected');
    expect(await f.notes(prod1, 'Closed without running')).toHaveLength(1);
    expect(await f.notes(prod1, `\`${shortId(canary.id)}\` on ${CANARY} (failed)`)).toHaveLength(1);
    expect(await f.audits(prod1, 'proposal.rejected')).toHaveLength(1);
    const reason = `fleet-wide action: rollout-restart failed or was rolled back on canary cluster(s) ${CANARY}, so it does not go on to other clusters`;
    expect(late).toEqual({ status: 'refused', failures: [{ guardrail: 'canary-first', reason }] });
    expect((await f.world.store.proposals.list({ groupId: canary.groupId })).map((p) => p.cluster).sort()).toEqual([PROD_1, CANARY].sort());
    expect(f.executed).toEqual([CANARY]);
  });

  it('closes a proposal still awaiting approval whose canary failed in a run that stopped before closing the others', async () => {
    const f = await fleetWorld();
    const canary = await f.propose(CANARY);
    const prod1 = await f.propose(PROD_1);
    await f.run();
    // the canary ran and failed in a run that stopped right after: no sweep closed prod1
    let row = (await f.world.store.proposals.get(canary.id))!;
    for (const to of ['approved', 'executing', 'failed'] as const) row = (await transitionProposal(f.world.store, row, to, f.world.clock.nowMs(), { actor: 'fleetops', details: {} }))!;
    expect(await f.state(prod1)).toBe('proposed');

    // the next run closes it, not a claim after someone approves it: until then it was still offered
    await f.run();

    expect(await f.state(prod1)).toBe('rejected');
    expect(await f.notes(prod1, `Closed without running: the canary of this fleet action failed (\`${shortId(canary.id)}\` on ${CANARY} (failed))`)).toHaveLength(1);
    expect((await f.audits(prod1, 'proposal.rejected')).map((e) => e.details.reason)).toEqual(['the canary of its fleet action failed']);
    expect(f.executed).toEqual([]);
  });

  it('keeps an approved cluster waiting past its own expiry until its slower canary is verified, and says until when', async () => {
    const f = await fleetWorld({ verifyWindowMinutes: 30 });
    f.after[CANARY] = 'pending';
    const canary = await f.propose(CANARY);
    const prod1 = await f.propose(PROD_1);
    await f.run();
    await f.approve(prod1);
    await f.run();
    // the canary is approved near its own expiry (09:30); its verification (30 min) ends after prod1's own deadline (09:40)
    await f.run(20 * MIN);
    await f.approve(canary);
    await f.run();
    const executedAtMs = (await f.world.store.proposals.get(canary.id))?.checkpoint?.executedAtMs as number;
    expect(typeof executedAtMs).toBe('number');

    for (let t = f.world.clock.nowMs(); t < Date.UTC(2026, 10, 30, 9, 46); t = f.world.clock.nowMs()) await f.run();
    expect(await f.state(prod1)).toBe('approved');
    f.after[CANARY] = 'recovered';
    await f.run();

    expect(await f.state(canary)).toBe('succeeded');
    expect(await f.state(prod1)).toBe('succeeded');
    expect(f.executed).toEqual([CANARY, PROD_1]);
    const deadline = utc(executedAtMs + (30 + 10 + 10) * MIN);
    expect((await f.audits(prod1, 'execution.waiting')).map((e) => utc(e.details.untilMs as number))).toEqual(['2026-11-30 11:40', deadline]);
    const waits = await f.notes(prod1, 'waits');
    expect(waits).toHaveLength(1);
    expect(waits[0]).toContain(`if not by ${deadline} UTC, it expires`);
  });

  it('leaves single-cluster proposals alone while a fleet action of another group waits for its canary', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'pending';
    const canary = await f.propose(CANARY);
    const fleetProd = await f.propose(PROD_1);
    const single = await f.propose(PROD_2, { groupId: 'g-2026-11-30-ingress' });
    const otherOp = await f.propose('c-eu-west-1-0003', { operation: 'scale-workload', params: { direction: 'up', replicas: 5 } });
    await f.run();
    await f.approve(canary, fleetProd, single, otherOp);

    await f.run();
    await f.run();

    expect(await f.state(fleetProd)).toBe('approved');
    expect(await f.state(single)).toBe('succeeded');
    expect(await f.state(otherOp)).toBe('succeeded');
    expect(await f.notes(single, 'waits')).toEqual([]);
    expect(await f.audits(single, 'execution.waiting')).toEqual([]);
  });

  it('is idempotent over reruns: one waiting note and audit per deadline while held, one closing after the canary failed', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'not-recovered';
    const { prod1 } = await approvedFleet(f);

    for (let i = 0; i < 4; i += 1) await f.run();
    await f.run(10 * MIN);
    for (let i = 0; i < 4; i += 1) await f.run();

    expect(await f.state(prod1)).toBe('rejected');
    expect(await f.notes(prod1, 'waits')).toHaveLength(1);
    expect(await f.notes(prod1, 'Closed without running')).toHaveLength(1);
    expect(await f.audits(prod1, 'execution.waiting')).toHaveLength(2);
    expect(await f.audits(prod1, 'execution.refused')).toEqual([]);
    expect((await f.audits(prod1, 'proposal.rejected'))).toHaveLength(1);
  });
});
