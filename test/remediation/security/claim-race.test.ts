import { describe, expect, it } from 'vitest';
import { checkGuardrails, OPERATION_STATES, recentOperationsFrom } from '../../../src/remediation/guardrails/index.js';
import { claimExecution } from '../../../src/remediation/proposals/claim-execution.js';
import { createGuardrailGate, type GuardrailGate, type GuardrailPhase } from '../../../src/remediation/proposals/guardrail-gate.js';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { releaseUnstartedClaim } from '../../../src/remediation/proposals/proposal-state.js';
import { reconcileProposed } from '../../../src/remediation/proposals/reconcile-proposed.js';
import { runExecution } from '../../../src/remediation/proposals/run-execution.js';
import { SafetyViolationError } from '../../../src/core/errors.js';
import { healthyWorld, readerOf } from '../guardrails/world.js';
import { auditOf, createWorld, draft, propose, reply, runProposalsJob, type World } from '../proposals/harness.js';

/**
 * The real guardrails over the store's operations. In each of `phases` a check waits until the other
 * run has checked too: two overlapping proposals runs that both judged before either wrote.
 */
function racingGate(parts: { store: World['store']; clock: World['clock'] }, limits: Record<string, number> = {}, phases: readonly GuardrailPhase[] = ['execution']): GuardrailGate {
  const w = healthyWorld();
  w.workload = { ...w.workload, namespace: 'kube-system', name: 'coredns' };
  const real = createGuardrailGate(checkGuardrails, async () => ({
    nowMs: parts.clock.nowMs(), reader: readerOf(w), freezeWindows: [], argoCdConfigured: false, cluster: { environment: 'prod' }, limits,
    recentOperations: recentOperationsFrom(await parts.store.proposals.list({ states: [...OPERATION_STATES] }), parts.clock.nowMs()),
  }));
  const barriers = new Map(phases.map((phase) => {
    let judged = 0;
    let bothJudged!: () => void;
    const barrier = new Promise<void>((resolve) => { bothJudged = resolve; });
    return [phase, async () => { if (++judged === 2) bothJudged(); await barrier; }];
  }));
  return {
    async check(op, req, phase, proposal) {
      const verdict = await real.check(op, req, phase, proposal);
      await barriers.get(phase)?.();
      return verdict;
    },
  };
}

/** Two proposals for the same cluster, approved, then claimed by two runs whose checks overlapped. */
async function raced(world: World, second: ReturnType<typeof draft>) {
  const a = await propose(world, draft());
  const b = await propose(world, second);
  if (a.status !== 'proposed' || b.status !== 'proposed') throw new Error(`${a.status} ${b.status}`);
  await runProposalsJob(world);
  await reply(world, a.proposal.id, 'UONCALL1', `approve ${shortId(a.proposal.id)}`);
  await reply(world, b.proposal.id, 'UONCALL1', `approve ${shortId(b.proposal.id)}`);
  const approvedA = await reconcileProposed(world.deps('run-a'), (await world.store.proposals.get(a.proposal.id))!);
  const approvedB = await reconcileProposed(world.deps('run-b'), (await world.store.proposals.get(b.proposal.id))!);
  const [claimedA, claimedB] = await Promise.all([claimExecution(world.deps('run-a'), approvedA!), claimExecution(world.deps('run-b'), approvedB!)]);
  // both passed the check before execution: neither saw the other executing
  expect([claimedA?.state, claimedB?.state]).toEqual(['executing', 'executing']);
  return { a: claimedA!, b: claimedB! };
}

describe('security: two proposals runs that overlap', () => {
  it('two approved proposals of one operation on one object, claimed by overlapping runs: it runs once, the other claim is handed back and then refused', async () => {
    // symptom answers: two proposals, two checks before execution, the verification, the later run's check
    const world = await createWorld({
      gate: (parts) => racingGate(parts),
      verify: ['not-recovered', 'not-recovered', 'not-recovered', 'not-recovered', 'recovered', 'not-recovered'],
    });
    const { a, b } = await raced(world, draft({ groupId: 'g-2026-11-30-coredns-rerun' }));

    // run A looks again after its claim and sees B's; B then sees A handed back, and runs
    const resultA = await runExecution(world.deps('run-a'), a);
    const resultB = await runExecution(world.deps('run-b'), b);

    // before: both executed (the restart ran twice)
    expect([resultA, resultB]).toEqual(['deferred', 'succeeded']);
    expect(world.ops.calls.filter((c) => c.kind === 'execute').map((c) => c.step)).toEqual(['rollout-restart:coredns']);
    const released = (await auditOf(world.store, a.id)).find((e) => e.action === 'proposal.claim-released');
    expect(released?.actor).toBe('run-a');
    expect(released?.details.failures).toContainEqual({ guardrail: 'no-repeat', reason: `rollout-restart of Deployment kube-system/coredns in c-eu-west-1-0001 is already executing (proposal ${shortId(b.id)})` });
    expect((await world.store.proposals.get(a.id))).toMatchObject({ state: 'approved', checkpoint: {} });

    // the next run judges the handed-back proposal anew: the restart already succeeded, so it is refused
    await runProposalsJob(world);
    expect((await world.store.proposals.get(a.id))?.state).toBe('rejected');
    expect(world.ops.calls.filter((c) => c.kind === 'execute')).toHaveLength(1);
  });

  it('holds max-concurrent-operations when both runs judged before either claimed: both hand back while each sees the other, and a later run starts one', async () => {
    const world = await createWorld({
      gate: (parts) => racingGate(parts, { maxConcurrentOperations: 1 }, ['execution', 'claim']),
      verify: ['not-recovered'],
    });
    const { a, b } = await raced(world, draft({ groupId: 'g-2026-11-30-other', target: { cluster: 'c-eu-west-1-0002', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' } }));
    const before = (await world.store.proposals.list({ states: ['executing'] })).length;

    // each looks after both claims are written: each sees the other executing
    const results = await Promise.all([runExecution(world.deps('run-a'), a), runExecution(world.deps('run-b'), b)]);

    expect(before).toBe(2);
    expect(results).toEqual(['deferred', 'deferred']);
    expect(world.ops.calls).toEqual([]);
    expect((await world.store.proposals.list({ states: ['approved'] })).map((p) => p.id).sort()).toEqual([a.id, b.id].sort());

    // a later run, alone, starts one; the other then waits behind the limit (refused, as before execution)
    await runProposalsJob(world);
    expect(world.ops.calls.filter((c) => c.kind === 'execute')).toHaveLength(1);
    expect((await world.store.proposals.list({ states: ['executing'] }))).toHaveLength(1);
  });

  it('never hands back a claim whose execution has begun', async () => {
    const world = await createWorld();
    const row = { id: 'p1', groupId: 'g', operation: 'rollout-restart', cluster: 'c1', target: {}, params: {}, risk: 'low' as const, state: 'executing' as const, createdAtMs: 0, expiresAtMs: 1, updatedAtMs: 0 };

    for (const checkpoint of [{ phase: 'executing', attempts: 1 }, { phase: 'verifying', attempts: 0 }, { phase: 'executing', attempts: 0, ops: { done: ['x'] } }]) {
      await expect(releaseUnstartedClaim(world.store, { ...row, checkpoint }, 'run-a', 0, {})).rejects.toBeInstanceOf(SafetyViolationError);
    }
    await expect(releaseUnstartedClaim(world.store, { ...row, state: 'approved', checkpoint: {} }, 'run-a', 0, {})).rejects.toBeInstanceOf(SafetyViolationError);
  });
});
