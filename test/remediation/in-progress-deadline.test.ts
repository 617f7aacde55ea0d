import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArgoWorkflowsClusterOps, workflowName } from '../../src/adapters/cluster-ops/argo-workflows/index.js';
import { verifyAuditChain } from '../../src/adapters/store/audit-chain.js';
import { silentLogger } from '../../src/core/logger.js';
import { OPERATION_STATES, recentOperationsFrom } from '../../src/remediation/guardrails/index.js';
import { proposalsJob } from '../../src/remediation/proposals-job.js';
import { startArgoFake, type ArgoFake } from '../fakes/argo-fake.js';
import { approvedProposal, auditOf, CHANNEL, createWorld, runProposalsJob, type World } from './proposals/harness.js';

/** Runs of the proposals job every 2 minutes for `minutes`. */
async function runFor(world: World, minutes: number, run: (w: World) => Promise<unknown> = (w) => runProposalsJob(w)): Promise<void> {
  for (let t = 0; t < minutes; t += 2) await run(world);
}

async function executingOperations(world: World) {
  return recentOperationsFrom(await world.store.proposals.list({ states: [...OPERATION_STATES] }), world.clock.nowMs()).filter((o) => o.state === 'executing');
}

const thread = (world: World) => world.chat.readAll(CHANNEL).map((m) => m.text).join('\n');

describe('an operation that stays in progress (remediation.maxInProgressMinutes)', () => {
  it('is given up after the deadline instead of executing forever: failed, said in the thread, no longer counted as executing', async () => {
    // an executor that cannot stop what it started (no stop()): its operation never finishes
    const world = await createWorld({ verify: ['not-recovered'], ops: { executeInProgressCalls: 1_000 } });
    const p = await approvedProposal(world);

    await runFor(world, 50);
    const before = await world.store.proposals.get(p.id);
    await runFor(world, 20);

    expect(before?.state).toBe('executing');
    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    // still under way: never undone alongside it
    expect(world.ops.calls.filter((c) => c.kind === 'rollback')).toEqual([]);
    expect(thread(world)).toMatch(/has not finished within 60 min \(Workflow is Running; check again on the next run\).*did not roll it back: a person must check c-eu-west-1-0001/);
    expect(await executingOperations(world)).toEqual([]);
    const failed = (await auditOf(world.store, p.id)).find((e) => e.action === 'proposal.failed');
    expect(failed?.details).toMatchObject({ reason: 'no result within 60 min', rollback: 'not attempted: the operation may still be under way' });
  });

  it('audits an unchanged in-progress check once, not on every run', async () => {
    const world = await createWorld({ verify: ['not-recovered'], ops: { executeInProgressCalls: 1_000 } });
    const p = await approvedProposal(world);

    await runFor(world, 40);

    const actions = (await auditOf(world.store, p.id)).map((e) => e.action).filter((a) => a.startsWith('execution.'));
    expect(actions).toEqual(['execution.started', 'execution.in-progress']);
    expect(verifyAuditChain(await world.store.audit.list({}))).toMatchObject({ ok: true });
  });

  it('takes the deadline from the config and from when the execution started, as stored in the checkpoint', async () => {
    const world = await createWorld({ verify: ['not-recovered'], ops: { executeInProgressCalls: 1_000 }, config: { maxInProgressMinutes: 10 } });
    const p = await approvedProposal(world);
    await runProposalsJob(world);
    const startedAtMs = world.clock.nowMs();

    await runFor(world, 8);
    const before = await world.store.proposals.get(p.id);
    await runFor(world, 4);

    expect(before).toMatchObject({ state: 'executing', checkpoint: { startedAtMs } });
    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
  });

  it('a rollback that stays in progress past the deadline finishes as failed, asking a person to check', async () => {
    // symptom: proposal, before execution, then pending until the verification window is over (rolled back)
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending'], ops: { rollbackInProgressCalls: 1_000 } });
    const p = await approvedProposal(world);
    await runProposalsJob(world);
    await runProposalsJob(world, 16 * 60_000);
    expect((await world.store.proposals.get(p.id))?.checkpoint?.phase).toBe('rolling-back');

    await runFor(world, 62);

    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    expect(thread(world)).toMatch(/Rolling back `.{8}` has not finished within 60 min \(rollback Workflow is Running\).*a person must check c-eu-west-1-0001 now/);
    const actions = (await auditOf(world.store, p.id)).map((e) => e.action).filter((a) => a.startsWith('rollback.'));
    expect(actions).toEqual(['rollback.started', 'rollback.in-progress', 'rollback.deadline']);
  });
});

describe('an Argo Workflow that never leaves Running', () => {
  let argo: ArgoFake;
  beforeEach(async () => { argo = await startArgoFake({ token: 'wf-token' }); });
  afterEach(async () => { await argo.close(); });
  const rollbackSubmits = () => argo.requests.filter((r) => r.method === 'POST' && (r.body as { workflow?: { metadata?: { name?: string } } } | undefined)?.workflow?.metadata?.name?.endsWith('-rollback'));

  const withArgo = (world: World) => {
    const clusterOps = createArgoWorkflowsClusterOps({ baseUrl: argo.url, token: 'wf-token', namespace: 'fleetops', workflowTemplate: 'fleetops-safe-operation', clock: world.clock, logger: silentLogger });
    return async (w: World) => {
      w.clock.advance(120_000);
      const ctx = w.ctx();
      await proposalsJob({ ...w.jobDeps(), clusterOps }, ctx);
      if (ctx.failuresOut.length) throw new Error(ctx.failuresOut.map((f) => f.message).join('; '));
    };
  };

  it('is asked to stop at the deadline, and rolled back only once it has stopped', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withArgo(world);
    const p = await approvedProposal(world);
    const name = workflowName(p.id, 'execute');

    await runFor(world, 62, run);
    const atDeadline = await world.store.proposals.get(p.id);
    await runFor(world, 4, run); // Argo has not finished stopping it yet
    const rollbacksWhileStopping = rollbackSubmits();
    argo.completeShutdowns();
    await run(world);
    argo.setWorkflowPhase(workflowName(p.id, 'rollback'), 'Succeeded');
    await run(world);

    expect(atDeadline?.state).toBe('executing');
    expect(argo.stops).toEqual([{ name, strategy: 'stop', body: { name, namespace: 'fleetops', message: expect.stringMatching(/fleetops: no result within 60 min/) } }]);
    expect(rollbacksWhileStopping).toEqual([]);
    expect((await world.store.proposals.get(p.id))?.state).toBe('rolled-back');
    expect(thread(world)).toMatch(new RegExp(`has not finished within 60 min .*asked Argo to stop Workflow ${name}`));
    const actions = (await auditOf(world.store, p.id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'execution.deadline')).toHaveLength(1);
    expect(actions.filter((a) => a.startsWith('rollback.'))).toEqual(['rollback.started', 'rollback.in-progress', 'rollback.finished']);
    const failure = (await auditOf(world.store, p.id)).find((e) => e.action === 'rollback.started');
    expect(failure?.details.reason).toMatch(/^no result within 60 min, stopped: Argo Workflow .* Failed: Stopped with strategy 'Stop'/);
  });

  it('a Workflow that does not stop either is left to a person: failed, never rolled back alongside it', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withArgo(world);
    const p = await approvedProposal(world);

    await runFor(world, 64 + 12, run); // stop asked at 62 min, then 10 min of grace

    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    expect(argo.stops).toHaveLength(1);
    expect(rollbackSubmits()).toEqual([]);
    expect(thread(world)).toMatch(/did not stop within 10 min .*a person must check c-eu-west-1-0001/);
  });
});
