import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterOps, OperationRequest } from '../../src/adapters/cluster-ops/types.js';
import { createArgoWorkflowsClusterOps } from '../../src/adapters/cluster-ops/argo-workflows/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { proposalsJob } from '../../src/remediation/proposals-job.js';
import { claimExecution } from '../../src/remediation/proposals/claim-execution.js';
import { shortId } from '../../src/remediation/proposals/proposal-id.js';
import { reconcileProposed } from '../../src/remediation/proposals/reconcile-proposed.js';
import { runExecution } from '../../src/remediation/proposals/run-execution.js';
import { approvedProposal, auditOf, CHANNEL, createWorld, draft, propose, reply, runProposalsJob, stepsOf, U } from './proposals/harness.js';

afterEach(() => { vi.useRealTimers(); });

/** Faults a review of the execution path proved; each case failed on the code before its fix. */

describe('execution faults', () => {
  it('gives a symptom still present right after execution the verification window to recover, instead of rolling back at once', async () => {
    // symptom answers: proposal time, before execution, right after execution, 5 minutes later
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'not-recovered', 'recovered'] });
    const p = await approvedProposal(world);

    await runProposalsJob(world);
    const afterExecution = await world.store.proposals.get(p.id);
    await runProposalsJob(world, 5 * 60_000);

    expect(afterExecution?.state).toBe('executing');
    expect((await world.store.proposals.get(p.id))?.state).toBe('succeeded');
    expect(world.ops.calls.filter((c) => c.kind === 'rollback')).toEqual([]);
  });

  it('rolls back only once the window is over when the symptom stays', async () => {
    const world = await createWorld({ verify: ['not-recovered'] });
    const p = await approvedProposal(world);

    await runProposalsJob(world);
    await runProposalsJob(world, 10 * 60_000);
    const inWindow = (await world.store.proposals.get(p.id))?.state;
    await runProposalsJob(world, 6 * 60_000);

    expect(inWindow).toBe('executing');
    expect((await world.store.proposals.get(p.id))?.state).toBe('rolled-back');
    const verification = (await auditOf(world.store, p.id)).filter((e) => e.action === 'verification');
    expect(verification.map((e) => e.details)).toEqual([{ status: 'not-recovered', windowOver: true }]);
  });

  it('after a rolled-back execution, the next proposal of the scope needs at least as many approvals as before (level 2 demotes to 0, not 1)', async () => {
    // symptom answers: propose #1, before #1, then pending until the window is over (rolled back), then present
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending', 'pending', 'not-recovered'], config: { autonomy: { defaultLevel: 2 } } });
    const scale = (groupId: string, name: string) => draft({ groupId, operation: 'scale-workload', target: { cluster: 'c-eu-west-1-0001', kind: 'Deployment', namespace: 'shop', name }, params: { direction: 'up', replicas: 6 } });
    const first = await approvedProposal(world, scale('g-1', 'web'));
    await runProposalsJob(world);
    await runProposalsJob(world, 16 * 60_000);
    expect((await world.store.proposals.get(first.id))?.state).toBe('rolled-back');

    const second = await approvedProposal(world, scale('g-2', 'api'));
    await runProposalsJob(world);

    expect((await world.store.proposals.get(second.id))?.state).toBe('proposed');
    expect(world.ops.calls.filter((c) => c.kind === 'execute').map((c) => c.step)).toEqual(['scale-workload:web']);
    const demoted = (await auditOf(world.store)).filter((e) => e.action === 'autonomy.demoted');
    expect(demoted.map((e) => [e.details.from, e.details.to])).toEqual([[2, 0]]);
    expect(world.chat.readAll(CHANNEL).map((m) => m.text).join('\n')).toMatch(/lowered to level 0 \(suggest only\)/);
  });

  it('expires an automatic (level 3) proposal whose notice came too late, instead of approving and running it after expiry', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'recovered'], config: { autonomy: { defaultLevel: 3 } } });
    const r = await propose(world, draft());
    if (r.status !== 'proposed') throw new Error(r.status);

    await runProposalsJob(world, 29 * 60_000); // the notice is posted at T+29
    await runProposalsJob(world, 2 * 60_000); // T+31: past the expiry (T+30)

    expect((await world.store.proposals.get(r.proposal.id))?.state).toBe('expired');
    expect(world.ops.calls).toEqual([]);
    expect((await auditOf(world.store, r.proposal.id)).map((e) => e.action)).not.toContain('proposal.approved');
  });

  it('a run that lost the claim to another does not audit a refusal of the proposal the other executes', async () => {
    let executionChecks = 0;
    const world = await createWorld({
      verify: ['not-recovered'],
      gate: () => ({
        async check(_op, _req, phase) {
          // the second check sees the first run's execution (as no-repeat would)
          if (phase === 'execution' && ++executionChecks > 1) return { ok: false, failures: [{ guardrail: 'no-repeat', reason: 'already executing' }] };
          return { ok: true, failures: [] };
        },
      }),
    });
    const p = await approvedProposal(world);
    const approved = await reconcileProposed(world.deps('run-A'), (await world.store.proposals.get(p.id))!);

    const a = await claimExecution(world.deps('run-A'), approved!);
    const b = await claimExecution(world.deps('run-B'), approved!); // it listed the row as approved before A's claim

    expect(a?.state).toBe('executing');
    expect(b).toBeUndefined();
    expect((await world.store.proposals.get(p.id))?.state).toBe('executing');
    expect((await auditOf(world.store, p.id)).map((e) => e.action)).not.toContain('execution.refused');
  });

  it('audits a rollback still running elsewhere as started once, and an unchanged in-progress check once (not per run)', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending'], ops: { rollbackInProgressCalls: 2 } });
    const p = await approvedProposal(world);
    await runProposalsJob(world);

    await runProposalsJob(world, 16 * 60_000);
    await runProposalsJob(world);
    await runProposalsJob(world);

    const actions = (await auditOf(world.store, p.id)).map((e) => e.action).filter((a) => a.startsWith('rollback'));
    expect(actions).toEqual(['rollback.started', 'rollback.in-progress', 'rollback.finished']);
    expect((await world.store.proposals.get(p.id))?.state).toBe('rolled-back');
  });

  it('an owner that stalled past its lease, which another run took over and finished, never takes it back nor repeats a step', async () => {
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending', 'pending'] });
    const p = await approvedProposal(world);
    const depsA = world.deps('run-A');
    const approved = await reconcileProposed(depsA, (await world.store.proposals.get(p.id))!);
    const executing = await claimExecution(depsA, approved!);
    // run A cordons, then stalls (a paused process) before evicting
    let wake!: () => void;
    const stalled = new Promise<void>((resolve) => { wake = resolve; });
    let cordoned = false;
    const opsA: ClusterOps = {
      ...world.ops,
      async execute(req: OperationRequest) {
        const done = [...((req.checkpoint?.done as string[] | undefined) ?? [])];
        for (const step of stepsOf(req)) {
          if (done.includes(step)) continue;
          if (req.abortSignal?.aborted) throw new Error('aborted');
          world.ops.calls.push({ step, pid: 0, kind: 'execute' });
          done.push(step);
          await req.onCheckpoint?.({ done: [...done] });
          if (step === 'cordon') { cordoned = true; await stalled; }
        }
        return { status: 'succeeded', calls: [], message: 'ok', checkpoint: { done } };
      },
    };
    const runA = runExecution({ ...depsA, clusterOps: opsA }, executing!);
    while (!cordoned) await new Promise((resolve) => setTimeout(resolve, 5));

    world.clock.advance(61_000); // past the 60 s lease: run B takes over, finishes the drain and releases the lease
    await runExecution(world.deps('run-B'), (await world.store.proposals.get(p.id))!);
    const afterB = (await world.store.proposals.get(p.id))?.checkpoint;
    await vi.advanceTimersByTimeAsync(20_000); // A wakes up and its heartbeat fires
    wake();
    await runA.catch(() => undefined);

    expect(world.ops.calls.map((c) => c.step)).toEqual(['cordon', 'evict:pod-1', 'evict:pod-2', 'evict:pod-3', 'evict:pod-4']);
    expect((await world.store.proposals.get(p.id))?.checkpoint).toEqual(afterB);
  });

  it('a 503 from Argo Server on submit is retried, not taken as a refusal that rolls back (and demotes) an operation that never ran', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending'] });
    const requests: string[] = [];
    let posts = 0;
    const argoFetch = (async (url: URL, init: RequestInit) => {
      requests.push(`${init.method} ${url.pathname}`);
      if (init.method === 'POST') {
        posts += 1;
        if (posts === 1) return new Response(JSON.stringify({ code: 14, message: 'upstream connect error' }), { status: 503 });
        return new Response(JSON.stringify(JSON.parse(String(init.body)).workflow), { status: 200 });
      }
      const name = url.pathname.split('/').at(-1);
      return new Response(JSON.stringify({ metadata: { name }, status: { phase: 'Running' } }), { status: 200 });
    }) as unknown as typeof fetch;
    const argo = createArgoWorkflowsClusterOps({
      baseUrl: 'http://argo.invalid', token: 't', namespace: 'fleetops', workflowTemplate: 'fleetops-safe-operation', clock: world.clock, logger: silentLogger,
      fetch: argoFetch, sleep: async () => undefined,
    });
    const r = await propose(world, draft({ operation: 'scale-workload', target: { cluster: 'c-eu-west-1-0001', kind: 'Deployment', namespace: 'shop', name: 'web' }, params: { direction: 'up', replicas: 6 } }));
    if (r.status !== 'proposed') throw new Error(r.status);
    await runProposalsJob(world);
    await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`);
    world.clock.advance(120_000);

    await proposalsJob({ ...world.jobDeps(), clusterOps: argo }, world.ctx());

    expect((await world.store.proposals.get(r.proposal.id))?.state).toBe('executing');
    expect(requests.filter((q) => q.endsWith('-rollback'))).toEqual([]);
    expect(posts).toBe(2);
    expect((await auditOf(world.store)).map((e) => e.action)).not.toContain('autonomy.demoted');
  });
});
