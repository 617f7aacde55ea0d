import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArgoWorkflowsClusterOps, workflowName } from '../../src/adapters/cluster-ops/argo-workflows/index.js';
import type { ClusterOps } from '../../src/adapters/cluster-ops/types.js';
import { verifyAuditChain } from '../../src/adapters/store/audit-chain.js';
import { silentLogger } from '../../src/core/logger.js';
import { OPERATION_STATES, recentOperationsFrom } from '../../src/remediation/guardrails/index.js';
import { proposalsJob } from '../../src/remediation/proposals-job.js';
import { takeLease } from '../../src/remediation/proposals/execution-lease.js';
import { deployment, kubeOps, startCluster, type FakeCluster } from '../adapters/cluster-ops/fixtures.js';
import { startArgoFake, type ArgoFake } from '../fakes/argo-fake.js';
import { approvedProposal, auditOf, CHANNEL, createWorld, draft, runProposalsJob, type World } from './proposals/harness.js';

/** Runs of the proposals job every 2 minutes for `minutes`. */
async function runFor(world: World, minutes: number, run: (w: World) => Promise<unknown> = (w) => runProposalsJob(w)): Promise<void> {
  for (let t = 0; t < minutes; t += 2) await run(world);
}

async function executingOperations(world: World) {
  return recentOperationsFrom(await world.store.proposals.list({ states: [...OPERATION_STATES] }), world.clock.nowMs()).filter((o) => o.state === 'executing');
}

const thread = (world: World) => world.chat.readAll(CHANNEL).map((m) => m.text).join('\n');

/** A run of the proposals job two minutes after the last, on the given executor; a recorded failure throws. */
function everyTwoMinutesOn(clusterOps: ClusterOps): (w: World) => Promise<void> {
  return async (w) => {
    w.clock.advance(120_000);
    const ctx = w.ctx();
    await proposalsJob({ ...w.jobDeps(), clusterOps }, ctx);
    if (ctx.failuresOut.length) throw new Error(ctx.failuresOut.map((f) => f.message).join('; '));
  };
}

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
  const rollbackSubmits = () => argo.submittedNames().filter((name) => /-rollback(-\d+)?$/.test(name));

  const withArgo = (world: World) => {
    const clusterOps = createArgoWorkflowsClusterOps({ baseUrl: argo.url, token: 'wf-token', namespace: 'fleetops', workflowTemplate: 'fleetops-safe-operation', clock: world.clock, logger: silentLogger });
    return everyTwoMinutesOn(clusterOps);
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

  /** What the Workflow's `ops run` saves on the proposal, under its lease, as the operation goes. */
  async function opsRunSaves(world: World, id: string, ops: Record<string, unknown>) {
    const lease = await takeLease(world.store, world.clock, id, 'ops-run:test', 60_000);
    const cp = (await world.store.proposals.get(id))?.checkpoint ?? {};
    await lease!.saveCheckpoint({ ...cp, ops: { ...(cp.ops as Record<string, unknown>), ...ops } });
    await lease!.release();
  }

  it('a stopped restart that still holds its strategy has it released by a rollback Workflow', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withArgo(world);
    const p = await approvedProposal(world, draft());
    await run(world);
    await opsRunSaves(world, p.id, { restartedAt: '2026-11-30T09:04:00.000Z', heldStrategy: { original: { maxUnavailable: '25%', maxSurge: '25%' }, held: { maxUnavailable: 0, maxSurge: 1 } } });

    await runFor(world, 62, run);
    argo.completeShutdowns();
    await run(world);
    const releasing = await world.store.proposals.get(p.id);
    // `ops run --mode rollback` of a restart exits 1 (it cannot be undone) after putting the strategy back
    argo.setWorkflowPhase(workflowName(p.id, 'rollback'), 'Failed', 'Error (exit code 1)');
    await opsRunSaves(world, p.id, { strategyRestored: true });
    await run(world);

    expect(argo.stops).toHaveLength(1);
    expect(releasing).toMatchObject({ state: 'executing', checkpoint: { phase: 'rolling-back', releasing: true } });
    expect(rollbackSubmits()).toHaveLength(2); // submitted, then on the next run answered 409 and read back
    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    const actions = (await auditOf(world.store, p.id)).map((e) => e.action).filter((a) => a.startsWith('release.') || a.startsWith('rollback.'));
    expect(actions).toEqual(['release.started', 'release.in-progress', 'release.finished']);
  });

  it('a release whose first rollback Workflow failed without restoring is retried on the next run in a second Workflow, which releases it', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withArgo(world);
    const p = await approvedProposal(world, draft());
    await run(world);
    await opsRunSaves(world, p.id, { restartedAt: '2026-11-30T09:04:00.000Z', heldStrategy: { original: { maxUnavailable: '25%', maxSurge: '25%' }, held: { maxUnavailable: 0, maxSurge: 1 } } });
    await runFor(world, 62, run);
    argo.completeShutdowns();
    await run(world);
    const [first, second] = [workflowName(p.id, 'rollback'), workflowName(p.id, 'rollback', 2)];

    // its pod could not reach the cluster: the strategy is still held
    argo.setWorkflowPhase(first, 'Failed', 'Error (exit code 1)');
    await run(world);
    const refused = await world.store.proposals.get(p.id);
    await run(world);
    const retrying = await world.store.proposals.get(p.id);
    argo.setWorkflowPhase(second, 'Failed', 'Error (exit code 1)');
    await opsRunSaves(world, p.id, { strategyRestored: true });
    await run(world);

    expect(refused).toMatchObject({ state: 'executing', checkpoint: { phase: 'rolling-back', releasing: true } });
    expect(retrying).toMatchObject({ state: 'executing', checkpoint: { phase: 'rolling-back', releasing: true, ops: { rollbackWorkflowAttempt: 2 } } });
    expect(rollbackSubmits()).toEqual([first, first, second, second]);
    expect(argo.workflow(second)?.spec.arguments.parameters).toContainEqual({ name: 'mode', value: 'rollback' });
    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    const entries = (await auditOf(world.store, p.id)).filter((e) => e.action.startsWith('release.') || e.action.startsWith('rollback.'));
    expect(entries.map((e) => e.action)).toEqual(['release.started', 'release.in-progress', 'release.failed', 'release.in-progress', 'release.finished']);
    expect(entries[3].details.message).toBe(`Argo Workflow ${second} is Running (retry: ${first} failed); check again on the next run`);
    expect(thread(world)).toMatch(new RegExp(`could not release what it holds only while running, .*: Argo Workflow ${first} Failed: Error \\(exit code 1\\).*\\. fleetops tries again on its next runs`));
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

describe('a rollout restart holding its strategy when its rollout outlasts the deadline (Kubernetes API fake)', () => {
  // draft(): rollout-restart of Deployment kube-system/coredns in c-eu-west-1-0001, approved 0 % unavailable / 25 % surge
  let cluster: FakeCluster;
  beforeEach(async () => {
    cluster = await startCluster('c-eu-west-1-0001', 'token-c');
    // its own 25 %/25 % of 4 pods is 1 unavailable: the restart holds 0 unavailable / 1 surge; the fake's rollout never moves
    const coredns = deployment('kube-system', 'coredns', { replicas: 4 }) as { spec: Record<string, unknown> };
    coredns.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } };
    cluster.fake.add('deployments', coredns);
  });
  afterEach(async () => {
    expect(cluster.fake.unexpected).toEqual([]);
    await cluster.fake.close();
  });
  const PATH = '/apis/apps/v1/namespaces/kube-system/deployments/coredns';
  const strategy = () => (cluster.fake.get('deployments', 'kube-system', 'coredns') as { spec: { strategy: { rollingUpdate: unknown } } }).spec.strategy.rollingUpdate;
  const strategyWrites = () => cluster.fake.writes().filter((r) => JSON.stringify(r.body).includes('"strategy"'));

  /** A run of the proposals job every 2 minutes on the Kubernetes executor (wrapped by `wrap`). */
  const withKube = (world: World, wrap: (ops: ClusterOps) => ClusterOps = (ops) => ops) => {
    const clusterOps = wrap(kubeOps([cluster], { clock: world.clock }).ops);
    return everyTwoMinutesOn(clusterOps);
  };

  it('puts the original strategy back when it is given up, audits it and says so in the thread', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withKube(world);
    const p = await approvedProposal(world, draft());

    await runFor(world, 60, run);
    const held = strategy();
    await runFor(world, 4, run);
    await runFor(world, 4, run); // closed: nothing more is written

    expect(held).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    expect(strategy()).toEqual({ maxUnavailable: '25%', maxSurge: '25%' });
    expect(strategyWrites().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH ${PATH}`, `PATCH ${PATH}`]);
    expect(strategyWrites()[1].body).toEqual({ metadata: { resourceVersion: expect.any(String) }, spec: { strategy: { rollingUpdate: { maxUnavailable: '25%', maxSurge: '25%' } } } });
    const entries = await auditOf(world.store, p.id);
    expect(entries.map((e) => e.action).filter((a) => a.startsWith('release.') || a === 'execution.deadline')).toEqual(['execution.deadline', 'release.started', 'release.finished']);
    expect(entries.find((e) => e.action === 'release.started')?.details.holding).toBe("the rolling-update strategy held at maxUnavailable 0, maxSurge 1 (the workload's own: maxUnavailable 25%, maxSurge 25%)");
    expect(entries.find((e) => e.action === 'release.finished')?.details.message).toBe('a rollout restart of coredns cannot be undone (its rollout is under way); its own strategy maxUnavailable 25%, maxSurge 25% was restored: the rest of the rollout runs under it');
    expect(entries.find((e) => e.action === 'proposal.failed')?.details).toMatchObject({ reason: 'no result within 60 min', rollback: 'not-possible', release: expect.stringMatching(/was restored/) });
    expect(verifyAuditChain(await world.store.audit.list({}))).toMatchObject({ ok: true });
    expect(thread(world)).toMatch(/has not finished within 60 min .*kubernetes executor cannot stop it\. fleetops stopped waiting and did not roll it back; it now releases .*held at maxUnavailable 0, maxSurge 1/);
    expect(thread(world)).toMatch(/failed \(no result within 60 min\) and was not rolled back; .*its own strategy maxUnavailable 25%, maxSurge 25% was restored.*A person must check c-eu-west-1-0001/);
  });

  it.each([
    { when: 'before the restore', crash: 'before' as const, message: /its own strategy maxUnavailable 25%, maxSurge 25% was restored/ },
    { when: 'after the restore, before it was recorded', crash: 'after' as const, message: /its own strategy maxUnavailable 25%, maxSurge 25% was already back$/ },
  ])('a run cut short $when restores on the next run, once', async ({ crash, message }) => {
    const world = await createWorld({ verify: ['not-recovered'] });
    let crashes = 1;
    const run = withKube(world, (ops) => ({
      ...ops,
      async rollback(req) {
        if (crashes-- <= 0) return ops.rollback(req);
        if (crash === 'after') await ops.rollback({ ...req, onCheckpoint: undefined });
        throw new Error('the run died');
      },
    }));
    const p = await approvedProposal(world, draft());
    await runFor(world, 62, run); // the next run is past the deadline

    await expect(run(world)).rejects.toThrow(/the run died/);
    const between = await world.store.proposals.get(p.id);
    await runFor(world, 4, run);

    expect(between).toMatchObject({ state: 'executing', checkpoint: { phase: 'rolling-back', releasing: true } });
    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    expect(strategy()).toEqual({ maxUnavailable: '25%', maxSurge: '25%' });
    expect(strategyWrites()).toHaveLength(2); // the restart, one restore
    const actions = (await auditOf(world.store, p.id)).map((e) => e.action);
    expect(actions.filter((a) => a.startsWith('release.') || a === 'execution.deadline')).toEqual(['execution.deadline', 'release.started', 'release.finished']);
    expect((await auditOf(world.store, p.id)).find((e) => e.action === 'release.finished')?.details.message).toMatch(message);
  });

  it('leaves a strategy someone changed during the rollout as they set it, and says so', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withKube(world);
    const p = await approvedProposal(world, draft());
    await runFor(world, 30, run);

    (cluster.fake.get('deployments', 'kube-system', 'coredns') as { spec: { strategy: { rollingUpdate: unknown } } }).spec.strategy.rollingUpdate = { maxUnavailable: 2, maxSurge: 0 };
    await runFor(world, 38, run);

    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    expect(strategy()).toEqual({ maxUnavailable: 2, maxSurge: 0 });
    expect(strategyWrites()).toHaveLength(1);
    const left = /the strategy it held \(maxUnavailable 0, maxSurge 1\) was changed by someone else since \(now maxUnavailable 2, maxSurge 0\) and is left as it is/;
    expect((await auditOf(world.store, p.id)).find((e) => e.action === 'release.finished')?.details.message).toMatch(left);
    expect(thread(world)).toMatch(left);
  });

  it('a restore the API server refuses is audited, said in the thread and tried again on the next run', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withKube(world);
    const p = await approvedProposal(world, draft());
    await runFor(world, 62, run); // the next run is past the deadline
    cluster.fake.conflict('PATCH', PATH, 3); // one try reads again and patches 3 times

    await run(world);
    const refused = await world.store.proposals.get(p.id);
    const heldThen = strategy();
    await runFor(world, 4, run);

    expect(refused).toMatchObject({ state: 'executing', checkpoint: { phase: 'rolling-back', releasing: true } });
    expect(heldThen).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect(strategy()).toEqual({ maxUnavailable: '25%', maxSurge: '25%' });
    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    const entries = (await auditOf(world.store, p.id)).filter((e) => e.action.startsWith('release.'));
    expect(entries.map((e) => e.action)).toEqual(['release.started', 'release.failed', 'release.finished']);
    expect(entries[1].details.message).toMatch(/^conflict on Deployment kube-system\/coredns in cluster c-eu-west-1-0001/);
    expect(thread(world)).toMatch(/could not release what it holds only while running, the rolling-update strategy held at maxUnavailable 0, maxSurge 1 .*: conflict on .*fleetops tries again on its next runs/);
  });

  it('a restore still refused after maxInProgressMinutes is left to a person, audited once, with what to set back', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const run = withKube(world);
    const p = await approvedProposal(world, draft());
    await runFor(world, 60, run);
    cluster.fake.forbid('PATCH', PATH);

    await runFor(world, 70, run);

    expect((await world.store.proposals.get(p.id))?.state).toBe('failed');
    expect(strategy()).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    const entries = await auditOf(world.store, p.id);
    expect(entries.map((e) => e.action).filter((a) => a.startsWith('release.'))).toEqual(['release.started', 'release.failed']);
    expect(entries.find((e) => e.action === 'proposal.failed')?.details).toMatchObject({ rollback: 'not-possible', release: expect.stringMatching(/^failed: forbidden/) });
    expect(thread(world)).toMatch(/releasing the rolling-update strategy held at maxUnavailable 0, maxSurge 1 \(the workload's own: maxUnavailable 25%, maxSurge 25%\) kept failing for 60 min \(forbidden: .*\): a person must set it back on c-eu-west-1-0001 now/);
  });
});
