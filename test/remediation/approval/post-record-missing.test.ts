import { describe, expect, it } from 'vitest';
import { claimExecution } from '../../../src/remediation/proposals/claim-execution.js';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { reconcileProposed } from '../../../src/remediation/proposals/reconcile-proposed.js';
import { auditOf, createWorld, draft, propose, reply, runProposalsJob, U } from '../proposals/harness.js';

describe('an approved proposal whose Slack message is no longer recorded', () => {
  it('does not start: its thread cannot be read again for a rejection or a withdrawn approval', async () => {
    const world = await createWorld();
    const r = await propose(world, draft());
    if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
    await runProposalsJob(world);
    await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`);
    const approved = await reconcileProposed(world.deps(), r.proposal);
    expect(approved?.state).toBe('approved');
    // a rejection follows in the thread, but the record of the proposal's message is gone
    await reply(world, r.proposal.id, U.onCall2, `reject ${shortId(r.proposal.id)} not now`);
    const deps = world.deps();
    const publications = { ...deps.store.publications, get: async (key: string) => (key.includes(r.proposal.id) ? undefined : deps.store.publications.get(key)) };

    const claimed = await claimExecution({ ...deps, store: { ...deps.store, publications } }, approved!);

    // before: the stored approval was enough, and the restart started despite the rejection
    expect(claimed).toBeUndefined();
    expect(world.ops.calls).toEqual([]);
    expect((await world.store.proposals.get(r.proposal.id))?.state).not.toBe('executing');
    expect(JSON.stringify(await auditOf(world.store, r.proposal.id))).toContain('its Slack message is not recorded');
  });
});
