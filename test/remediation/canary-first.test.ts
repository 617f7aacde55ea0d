import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../src/adapters/cluster-ops/types.js';
import type { ProposalRow } from '../../src/adapters/store/types.js';
import { checkGuardrails, loadFleetAction, OPERATION_STATES, recentOperationsFrom, type ClusterFacts } from '../../src/remediation/guardrails/index.js';
import { proposalsJob } from '../../src/remediation/proposals-job.js';
import { createProposal, type SymptomStatus } from '../../src/remediation/proposals/create-proposal.js';
import { createGuardrailGate } from '../../src/remediation/proposals/guardrail-gate.js';
import { shortId } from '../../src/remediation/proposals/proposal-id.js';
import { findProposalPost } from '../../src/remediation/proposals/proposal-thread.js';
import { healthyWorld, readerOf } from './guardrails/world.js';
import { auditOf, createFakeClusterOps, createWorld, draft, reply, U, type World } from './proposals/harness.js';

const CANARY = 'c-staging-canary';
const PROD_1 = 'c-eu-west-1-0001';
const PROD_2 = 'c-eu-west-1-0002';
const REGISTRY: Record<string, ClusterFacts> = { [CANARY]: { canary: true, environment: 'staging' }, [PROD_1]: { environment: 'prod' }, [PROD_2]: { environment: 'prod' } };
const MIN = 60_000;

/** The real guardrails, with the state built as the proposals wiring builds it: store operations, the fleet action of the proposal. */
function fleetGate({ store, clock }: { store: World['store']; clock: World['clock'] }) {
  const w = healthyWorld();
  w.workload = { ...w.workload, namespace: 'kube-system', name: 'coredns' };
  return createGuardrailGate(checkGuardrails, async (req: OperationRequest) => ({
    nowMs: clock.nowMs(), reader: readerOf(w), freezeWindows: [], argoCdConfigured: false, cluster: REGISTRY[req.target.cluster] ?? {},
    recentOperations: recentOperationsFrom(await store.proposals.list({ states: [...OPERATION_STATES] }), clock.nowMs()),
    fleetAction: await loadFleetAction(store.proposals, req.operationId, (c) => REGISTRY[c] ?? {}),
  }));
}

/**
 * A world on the real guardrails where each proposal's symptom is present until it executed, then
 * `after[cluster]` (default recovered); executions are recorded per cluster.
 */
async function fleetWorld() {
  const world = await createWorld({ gate: fleetGate });
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
  const propose = async (cluster: string, over: Parameters<typeof draft>[0] = {}) => {
    const environment = REGISTRY[cluster]?.environment ?? 'prod';
    const d = draft({ groupId: 'g-2026-11-30-coredns', target: { ...draft().target, cluster }, context: { ...draft().context, environment }, ...over });
    const r = await createProposal(d, { store: world.store, catalog: world.jobDeps().catalog, guardrails: world.guardrails, verify, clock: world.clock, expiryMinutes: world.config.expiryMinutes });
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
  return { world, executed, after, run, propose, approve, state, notes, audits };
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
    expect((await f.audits(prod1, 'execution.waiting')).map((e) => e.details.failures)).toEqual([[{ guardrail: 'canary-first', reason: `fleet-wide action: canary cluster(s) ${CANARY} not yet verified` }]]);
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

  it('holds the other clusters for good once the canary failed: rejected, audited and said in their threads', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'not-recovered';
    const { canary, prod1, prod2 } = await approvedFleet(f);
    await f.run();

    await f.run(16 * MIN);
    await f.run();

    expect(await f.state(canary)).toBe('failed');
    expect(f.executed).toEqual([CANARY]);
    expect([await f.state(prod1), await f.state(prod2)]).toEqual(['rejected', 'rejected']);
    const reason = `fleet-wide action: rollout-restart failed or was rolled back on canary cluster(s) ${CANARY}, so it does not go on to other clusters`;
    expect((await f.audits(prod2, 'execution.refused')).map((e) => e.details.failures)).toEqual([[{ guardrail: 'canary-first', reason }]]);
    expect(await f.notes(prod2, 'Not executed')).toEqual([`Not executed: guardrail failed at execution time (canary-first: ${reason}). Nothing was changed.`]);
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

  it('is idempotent over reruns: one waiting note and audit while held, one refusal after the canary failed', async () => {
    const f = await fleetWorld();
    f.after[CANARY] = 'not-recovered';
    const { prod1 } = await approvedFleet(f);

    for (let i = 0; i < 4; i += 1) await f.run();
    await f.run(10 * MIN);
    for (let i = 0; i < 4; i += 1) await f.run();

    expect(await f.state(prod1)).toBe('rejected');
    expect(await f.notes(prod1, 'waits')).toHaveLength(1);
    expect(await f.notes(prod1, 'Not executed')).toHaveLength(1);
    expect(await f.audits(prod1, 'execution.waiting')).toHaveLength(1);
    expect(await f.audits(prod1, 'execution.refused')).toHaveLength(1);
    expect((await f.audits(prod1, 'proposal.rejected'))).toHaveLength(1);
  });
});
