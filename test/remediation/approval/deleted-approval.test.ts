// An approval deleted from the thread after it was recorded, before a (failed, retried) claim, withdraws it: the operation does not start.
import { writeFileSync } from 'node:fs';
import { expect, it } from 'vitest';
import { shortId } from '../../../src/remediation/proposals/proposal-id.js';
import { claimExecution } from '../../../src/remediation/proposals/claim-execution.js';
import { reconcileProposed } from '../../../src/remediation/proposals/reconcile-proposed.js';
import { CHANNEL, createWorld, draft, propose, reply, runProposalsJob, U } from '../proposals/harness.js';

it('a deleted approval is withdrawn before the operation starts', async () => {
  const world = await createWorld();
  const r = await propose(world, draft());
  if (r.status !== 'proposed') throw new Error('expected a proposal');
  await runProposalsJob(world);
  const ts = await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`);
  const p = await reconcileProposed(world.deps(), r.proposal);
  expect(p?.state).toBe('approved');
  writeFileSync(world.outboxFile(CHANNEL), JSON.stringify(world.chat.readAll(CHANNEL).filter((m) => m.ts !== ts)));

  const claimed = await claimExecution(world.deps(), p!);

  expect(claimed).toBeUndefined();
  expect((await world.store.proposals.get(p!.id))?.state).toBe('rejected');
});
