import { describe, expect, it } from 'vitest';
import { verifyAuditChain } from '../../src/adapters/store/audit-chain.js';
import { shortId } from '../../src/remediation/proposals/proposal-id.js';
import { takeLease } from '../../src/remediation/proposals/execution-lease.js';
import { reconcileProposed } from '../../src/remediation/proposals/reconcile-proposed.js';
import { approvedProposal, auditOf, CHANNEL, createWorld, draft, drainDraft, propose, reply, runProposalsJob, T0, U } from './proposals/harness.js';

async function proposed(world: Awaited<ReturnType<typeof createWorld>>, d = drainDraft()) {
  const r = await propose(world, d);
  if (r.status !== 'proposed') throw new Error(`expected a proposal, got ${r.status}`);
  return r.proposal;
}

describe('proposals job', () => {
  it('posts the proposal with a dry-run preview and how to answer', async () => {
    const world = await createWorld();
    const p = await proposed(world);

    const { summary, failures } = await runProposalsJob(world);

    expect(failures).toEqual([]);
    expect(summary.open).toBe(1);
    const [msg] = world.chat.readAll(CHANNEL);
    const text = JSON.stringify(msg.blocks);
    expect(text).toContain(`approve ${shortId(p.id)}`);
    expect(text).toContain(`reject ${shortId(p.id)} <reason>`);
    expect(text).toContain('POST /fake/c-eu-west-1-0001/cordon');
    expect(text).toContain('evict:pod-4');
    expect(text).toContain('*Dry-run result:* planned');
    expect((await world.store.proposals.get(p.id))?.threadTs).toBe(msg.ts);
  });

  it('says in the proposal where the dry run stops, and does not call its calls what will happen', async () => {
    const world = await createWorld({ ops: { planRefusal: 'refused: Deployment shop/web uses the Recreate strategy: a restart takes all 3 pods down at once' } });
    await proposed(world);

    await runProposalsJob(world);

    const text = JSON.stringify(world.chat.readAll(CHANNEL)[0].blocks);
    expect(text).toContain('The dry run stops before any change:* refused: Deployment shop/web uses the Recreate strategy');
    expect(text).toContain('What the dry run did before it stopped');
    expect(text).not.toContain('What will happen');
  });

  it('executes a high-risk drain after on-call then manager approve, verifies and audits every step', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'recovered'] });
    const p = await approvedProposal(world);

    const { failures } = await runProposalsJob(world);

    expect(failures).toEqual([]);
    expect((await world.store.proposals.get(p.id))?.state).toBe('succeeded');
    expect(world.ops.calls.map((c) => c.step)).toEqual(['cordon', 'evict:pod-1', 'evict:pod-2', 'evict:pod-3', 'evict:pod-4']);
    expect(world.guardrails.checks).toEqual(['proposal', 'execution', 'claim']);
    const actions = (await auditOf(world.store, p.id)).map((e) => e.action);
    expect(actions).toEqual(['proposal.proposed', 'approval.approve', 'approval.approve', 'proposal.approved', 'proposal.executing',
      'execution.started', 'execution.finished', 'verification', 'proposal.succeeded']);
    expect(verifyAuditChain(await auditOf(world.store))).toEqual({ ok: true });
  });

  it('rolls back (uncordons) when the symptom does not recover within the window, and demotes autonomy', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending'], config: { autonomy: { defaultLevel: 2 } } });
    const p = await approvedProposal(world);
    await runProposalsJob(world);
    expect((await world.store.proposals.get(p.id))?.state).toBe('executing');

    await runProposalsJob(world, 16 * 60_000);

    expect((await world.store.proposals.get(p.id))?.state).toBe('rolled-back');
    expect(world.ops.calls.at(-1)).toMatchObject({ step: 'uncordon', kind: 'rollback' });
    const actions = (await auditOf(world.store)).map((e) => e.action);
    expect(actions).toContain('rollback.finished');
    expect(actions).toContain('autonomy.demoted');
    const thread = world.chat.readAll(CHANNEL).map((m) => m.text).join('\n');
    expect(thread).toMatch(/lowered to level 0 \(suggest only\)/);
  });

  it('waits for an operation still running elsewhere (an Argo Workflow) instead of rolling it back, then verifies it', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'recovered'], ops: { executeInProgressCalls: 2 } });
    const p = await approvedProposal(world);

    await runProposalsJob(world);
    await runProposalsJob(world, 2 * 60_000);

    expect((await world.store.proposals.get(p.id))?.state).toBe('executing');
    expect(world.ops.calls.map((c) => c.kind)).not.toContain('rollback');

    await runProposalsJob(world, 4 * 60_000);

    expect((await world.store.proposals.get(p.id))?.state).toBe('succeeded');
    expect(world.ops.calls.map((c) => c.step)).toEqual(['still-running', 'still-running', 'cordon', 'evict:pod-1', 'evict:pod-2', 'evict:pod-3', 'evict:pod-4']);
    const actions = (await auditOf(world.store, p.id)).map((e) => e.action);
    // the same answer twice is audited once
    expect(actions.filter((a) => a === 'execution.in-progress')).toHaveLength(1);
    expect(actions).not.toContain('rollback.started');
    // waiting is not a failed attempt: maxExecutionAttempts is not used up
    expect((await world.store.proposals.get(p.id))?.checkpoint?.attempts).toBe(1);
  });

  it('keeps the checkpoints an operation run elsewhere saved on the proposal (what a rollback needs to undo it)', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending'], ops: { executeInProgressCalls: 1 } });
    const p = await approvedProposal(world);
    await runProposalsJob(world);
    // the Workflow's `ops run` takes the lease and saves what it did under ops, as it goes
    const lease = await takeLease(world.store, world.clock, p.id, 'ops-run:wf', 60_000);
    const cp = (await world.store.proposals.get(p.id))?.checkpoint ?? {};
    await lease?.saveCheckpoint({ ...cp, ops: { ...(cp.ops as object), uncordon: 'node-7', wasCordonedBefore: false } });
    await lease?.release();

    await runProposalsJob(world, 2 * 60_000);

    const after = await world.store.proposals.get(p.id);
    expect(after?.checkpoint).toMatchObject({ phase: 'verifying', ops: { workflow: 'wf-1', uncordon: 'node-7', wasCordonedBefore: false, done: expect.arrayContaining(['cordon']) } });
  });

  it('a rollback still running elsewhere stays rolling back until it finishes, and is not called failed', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'not-recovered', 'pending'], config: { autonomy: { defaultLevel: 2 } }, ops: { rollbackInProgressCalls: 1 } });
    const p = await approvedProposal(world);
    await runProposalsJob(world);

    await runProposalsJob(world, 16 * 60_000);

    expect((await world.store.proposals.get(p.id))?.state).toBe('executing');
    expect((await world.store.proposals.get(p.id))?.checkpoint?.phase).toBe('rolling-back');

    await runProposalsJob(world, 18 * 60_000);

    expect((await world.store.proposals.get(p.id))?.state).toBe('rolled-back');
    expect(world.ops.calls.filter((c) => c.kind === 'rollback').map((c) => c.step)).toEqual(['rollback-still-running', 'uncordon']);
  });

  it('withdraws a proposal whose incident a later digest run regrouped, even with its approvals in', async () => {
    const world = await createWorld();
    const p = await proposed(world);
    await runProposalsJob(world);
    await reply(world, p.id, U.onCall, `approve ${shortId(p.id)}`);
    await reply(world, p.id, U.manager, `approve ${shortId(p.id)}`);
    await world.store.incidents.upsert({
      id: p.groupId, runId: 'digest-1', day: '2026-11-30', title: 'coredns latency', startMs: T0, endMs: T0 + 3_600_000, clusters: [p.cluster], anomalyIds: [],
      attributes: { supersededByRunId: 'digest-2', supersededAtMs: T0 },
    });

    const { failures } = await runProposalsJob(world);
    await runProposalsJob(world);

    expect(failures).toEqual([]);
    expect((await world.store.proposals.get(p.id))?.state).toBe('expired');
    expect(world.ops.calls).toEqual([]);
    const audit = (await auditOf(world.store)).filter((a) => a.subject === p.id && a.action === 'proposal.expired');
    expect(audit.map((a) => a.details)).toEqual([expect.objectContaining({ reason: expect.stringMatching(/^superseded/), supersededByRunId: 'digest-2' })]);
    const messages = world.chat.readAll(CHANNEL);
    const notes = messages.filter((m) => m.text.startsWith('Withdrawn: proposal'));
    expect(notes).toHaveLength(1);
    expect(notes[0].text).toContain('digest-2');
    const own = messages.filter((m) => m.metadata?.payload.idempotency_key === `proposal:${p.id}`);
    expect(own).toHaveLength(1);
    expect(JSON.stringify(own[0].blocks)).toContain('State*\\nexpired');
  });

  it('closes a proposal as recovered when the symptom is gone right before execution', async () => {
    const world = await createWorld({ verify: ['not-recovered', 'recovered'] });
    const p = await approvedProposal(world);

    await runProposalsJob(world);

    expect((await world.store.proposals.get(p.id))?.state).toBe('recovered');
    expect(world.ops.calls).toEqual([]);
  });

  it('is idempotent: a rerun posts nothing new and audits nothing new', async () => {
    const world = await createWorld();
    const p = await proposed(world);
    await runProposalsJob(world);
    await reply(world, p.id, U.outsider, `approve ${shortId(p.id)}`);
    await runProposalsJob(world);
    const messages = world.chat.readAll(CHANNEL).length;
    const audit = (await auditOf(world.store)).length;

    await runProposalsJob(world);

    expect(world.chat.readAll(CHANNEL)).toHaveLength(messages);
    expect(await auditOf(world.store)).toHaveLength(audit);
  });

  it('rejects on a reject reply from an approver, with the reason', async () => {
    const world = await createWorld();
    const p = await proposed(world);
    await runProposalsJob(world);
    await reply(world, p.id, U.onCall2, `reject ${shortId(p.id)} node-7 hosts the payment batch`);

    await runProposalsJob(world);

    expect((await world.store.proposals.get(p.id))?.state).toBe('rejected');
    const entry = (await auditOf(world.store, p.id)).find((e) => e.action === 'proposal.rejected');
    expect(entry).toMatchObject({ actor: U.onCall2, details: { reason: 'node-7 hosts the payment batch' } });
  });

  it('a valid reject sent after the approvals still stops a proposal that was approved but not yet started', async () => {
    const world = await createWorld();
    const p = await approvedProposal(world);
    // a run approved it and then failed before claiming it (Slack, metrics or a cluster read failed)
    expect((await reconcileProposed(world.deps(), p))?.state).toBe('approved');
    await reply(world, p.id, U.onCall2, `reject ${shortId(p.id)} the node hosts the payment batch`);

    const { failures } = await runProposalsJob(world);

    expect(failures).toEqual([]);
    expect((await world.store.proposals.get(p.id))?.state).toBe('rejected');
    expect(world.ops.calls).toEqual([]);
    const entry = (await auditOf(world.store, p.id)).find((e) => e.action === 'proposal.rejected');
    expect(entry).toMatchObject({ actor: U.onCall2, details: { reason: 'the node hosts the payment batch', after: 'approved' } });
  });

  it('autonomy level 3 runs a low-risk operation automatically one run after the notice', async () => {
    const world = await createWorld({ config: { autonomy: { defaultLevel: 3 } } });
    const r = await propose(world, draft());
    if (r.status !== 'proposed') throw new Error(r.status);

    await runProposalsJob(world);
    expect((await world.store.proposals.get(r.proposal.id))?.state).toBe('proposed');
    await runProposalsJob(world);

    expect((await world.store.proposals.get(r.proposal.id))?.state).toBe('succeeded');
    expect(world.ops.calls.map((c) => c.step)).toEqual(['rollout-restart:coredns']);
    expect((await auditOf(world.store, r.proposal.id)).find((e) => e.action === 'proposal.approved')).toMatchObject({ actor: 'fleetops-autonomy', details: { automatic: true } });
    expect(JSON.stringify(world.chat.readAll(CHANNEL))).toContain('Running automatically');
  });

  it('autonomy level 0 only suggests: an approval is refused and nothing runs', async () => {
    const world = await createWorld({ config: { autonomy: { rules: [{ operation: 'rollout-restart', environment: 'prod', level: 0 }] } } });
    const r = await propose(world, draft());
    if (r.status !== 'proposed') throw new Error(r.status);
    await runProposalsJob(world);
    await reply(world, r.proposal.id, U.onCall, `approve ${shortId(r.proposal.id)}`);

    await runProposalsJob(world);

    expect((await world.store.proposals.get(r.proposal.id))?.state).toBe('proposed');
    expect(world.ops.calls).toEqual([]);
    expect((await auditOf(world.store, r.proposal.id)).find((e) => e.action === 'approval.refused')?.details.reason).toBe('suggest-only');
  });

  it('posts the audit chain head once per day', async () => {
    const world = await createWorld();

    const first = await runProposalsJob(world);
    const second = await runProposalsJob(world);
    const nextDay = await runProposalsJob(world, 86_400_000);

    expect([first.summary.auditHeadPosted, second.summary.auditHeadPosted, nextDay.summary.auditHeadPosted]).toEqual([true, false, true]);
    expect(world.chat.readAll('#fleetops-audit')).toHaveLength(2);
  });
});
