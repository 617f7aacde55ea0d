import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ClusterOps } from '../../src/adapters/cluster-ops/types.js';
import { claimExecution } from '../../src/remediation/proposals/claim-execution.js';
import { reconcileProposed } from '../../src/remediation/proposals/reconcile-proposed.js';
import { runExecution } from '../../src/remediation/proposals/run-execution.js';
import { approvedProposal, auditOf, createWorld } from './proposals/harness.js';

afterEach(() => { vi.useRealTimers(); });

describe('an execution whose runs keep stopping mid-way', () => {
  it('is given up after remediation.maxExecutionAttempts attempts that ended without a result, not started again every run', async () => {
    // heartbeats frozen: each abandoned run stands for a process killed while the operation ran
    vi.useFakeTimers({ toFake: ['setInterval', 'clearInterval'] });
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending', 'pending'] });
    const p = await approvedProposal(world);
    const approved = await reconcileProposed(world.deps('run-0'), (await world.store.proposals.get(p.id))!);
    expect(await claimExecution(world.deps('run-0'), approved!)).toBeDefined();
    let starts = 0;
    // the first three attempts never answer; a fourth would succeed
    const dies: ClusterOps = { ...world.ops, execute: async () => (++starts <= 3 ? new Promise(() => undefined) : { status: 'succeeded', calls: [], message: 'ok' }) };

    for (let i = 0; i < 3; i++) {
      void runExecution({ ...world.deps(`run-${i}`), clusterOps: dies }, (await world.store.proposals.get(p.id))!);
      while (starts <= i) await new Promise((resolve) => setTimeout(resolve, 5));
      world.clock.advance(61_000); // past the 60 s lease: the next run takes over
    }
    const last = await runExecution({ ...world.deps('run-3'), clusterOps: dies }, (await world.store.proposals.get(p.id))!);

    // before: a fourth attempt started (and one every run after it: the count of attempts never ended one)
    expect(starts).toBe(3);
    expect(last).toBe('rolled-back');
    const row = await world.store.proposals.get(p.id);
    expect(row?.state).toBe('rolled-back');
    const actions = (await auditOf(world.store, p.id)).map((e) => e.action);
    expect(actions.filter((a) => a === 'execution.started' || a === 'execution.resumed')).toHaveLength(3);
    expect(actions).toContain('execution.error');
  });
});
