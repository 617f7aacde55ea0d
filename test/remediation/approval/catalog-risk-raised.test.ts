import { describe, expect, it } from 'vitest';
import { findOperation } from '../../../src/remediation/catalog/safe-operation-schema.js';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { createWorld, draft, propose, reply, runProposalsJob, U } from '../proposals/harness.js';

describe('an operation whose risk the catalog raised after it was proposed', () => {
  it('needs the approvals of its risk now: one on-call approval no longer runs it, a manager\'s second one does', async () => {
    const world = await createWorld();
    const r = await propose(world, draft());
    if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
    expect(r.proposal.risk).toBe('low');
    await runProposalsJob(world);
    // a deploy raises rollout-restart to high while the proposal is open
    findOperation(world.deps().catalog, 'rollout-restart')!.risk = 'high';
    await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`);

    await runProposalsJob(world);

    // before: the risk stored at proposal time (low) asked one approval, and the restart ran
    expect(world.ops.calls).toEqual([]);
    expect((await world.store.proposals.get(r.proposal.id))?.state).toBe('proposed');

    await reply(world, r.proposal.id, U.manager, `approve ${shortId(r.proposal.id)}`);
    await runProposalsJob(world);

    expect(world.ops.calls.length).toBeGreaterThan(0);
  });
});
