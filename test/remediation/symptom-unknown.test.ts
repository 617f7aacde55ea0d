import { describe, expect, it } from 'vitest';
import { approvedProposal, auditOf, createWorld, runProposalsJob } from './proposals/harness.js';

describe('an approved proposal whose symptom cannot be read before execution', () => {
  it('waits, approved, and starts on a later run once the symptom check answers', async () => {
    // symptom answers: at proposal time, before execution (the metrics query failed), again, at verification
    const world = await createWorld({ verify: ['not-recovered', 'unknown', 'not-recovered', 'recovered'] });
    const p = await approvedProposal(world);

    await runProposalsJob(world);

    // before: a symptom check whose query failed read as recovered (the proposal closed unexecuted), then as pending (started blind)
    expect((await world.store.proposals.get(p.id))?.state).toBe('approved');
    expect(world.ops.calls).toEqual([]);
    const waiting = (await auditOf(world.store, p.id)).find((e) => e.action === 'execution.waiting');
    expect(waiting?.details.failures).toEqual([{ guardrail: 'symptom-check', reason: 'the symptom could not be read (its metrics query failed)' }]);

    await runProposalsJob(world);

    expect((await world.store.proposals.get(p.id))?.state).toBe('succeeded');
    expect(world.ops.calls.filter((c) => c.kind === 'execute').length).toBeGreaterThan(0);
  });

  it('is rolled back when the symptom still cannot be read at the end of the verification window', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'unknown'] });
    const p = await approvedProposal(world);

    await runProposalsJob(world);
    expect((await world.store.proposals.get(p.id))?.state).toBe('executing');
    await runProposalsJob(world, (world.config.verifyWindowMinutes + 1) * 60_000);

    expect((await world.store.proposals.get(p.id))?.state).toBe('rolled-back');
    const started = (await auditOf(world.store, p.id)).find((e) => e.action === 'rollback.started');
    expect(started?.details.reason).toBe('the symptom could not be read (its metrics query failed) at the end of the verification window');
  });
});
