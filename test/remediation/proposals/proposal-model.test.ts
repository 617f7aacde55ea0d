import { describe, expect, it } from 'vitest';
import { proposalId, shortId, toSlackTs } from '../../../src/remediation/proposals/proposal-id.js';
import { isTerminal, sourcesOf, TRANSITIONS, transitionProposal } from '../../../src/remediation/proposals/proposal-state.js';
import { renderProposalMessage } from '../../../src/remediation/proposals/proposal-message.js';
import { SafetyViolationError } from '../../../src/core/errors.js';
import { auditOf, createWorld, draft, propose, T0 } from './harness.js';

describe('proposal id', () => {
  it('is a hash of the content, independent of key order, and changes with any field', () => {
    const base = { groupId: 'g', operation: 'evict-pod', target: { cluster: 'c', kind: 'Pod' as const, namespace: 'n', name: 'p' }, params: { a: 1, b: 2 } };

    const id = proposalId(base);

    expect(id).toMatch(/^[0-9a-f]{64}$/);
    expect(proposalId({ ...base, params: { b: 2, a: 1 } })).toBe(id);
    expect(proposalId({ ...base, params: { a: 1, b: 3 } })).not.toBe(id);
    expect(proposalId({ ...base, groupId: 'h' })).not.toBe(id);
    expect(shortId(id)).toBe(id.slice(0, 8));
  });

  it.each([[T0, '1796029200.000000'], [T0 + 1234, '1796029201.234000']])('toSlackTs(%i) = %s', (ms, ts) => {
    expect(toSlackTs(ms)).toBe(ts);
  });
});

describe('state machine', () => {
  it('has the documented transitions and terminal states', () => {
    expect(TRANSITIONS.executing).toEqual(['succeeded', 'failed', 'rolled-back']);
    expect(sourcesOf('executing')).toEqual(['approved']);
    expect(['succeeded', 'failed', 'rolled-back', 'rejected', 'expired', 'recovered'].every((s) => isTerminal(s as never))).toBe(true);
  });

  it('refuses a forbidden move and audits allowed ones', async () => {
    const world = await createWorld();
    const r = await propose(world, draft());
    if (r.status !== 'proposed') throw new Error(r.status);

    await expect(transitionProposal(world.store, r.proposal, 'executing', T0, { actor: 'x' })).rejects.toBeInstanceOf(SafetyViolationError);
    const expired = await transitionProposal(world.store, r.proposal, 'expired', T0, { actor: 'x' });
    const twice = await transitionProposal(world.store, r.proposal, 'expired', T0, { actor: 'x' });

    expect(expired?.state).toBe('expired');
    expect(twice).toBeUndefined();
    expect((await auditOf(world.store, r.proposal.id)).map((e) => e.action)).toEqual(['proposal.proposed', 'proposal.expired']);
  });
});

describe('createProposal', () => {
  it('fills catalog defaults, sets the 30-minute expiry and is idempotent', async () => {
    const world = await createWorld();

    const first = await propose(world, draft());
    const second = await propose(world, draft());

    expect(first.status === 'proposed' && first.proposal).toMatchObject({ params: { maxUnavailablePercent: 0, maxSurgePercent: 25 }, expiresAtMs: T0 + 30 * 60_000, risk: 'low', state: 'proposed' });
    expect(second).toMatchObject({ status: 'proposed', created: false });
    expect(await world.store.proposals.list({})).toHaveLength(1);
  });

  it('brings an omitted parameter\'s default inside the runbook\'s narrower bounds', async () => {
    const world = await createWorld();
    const rollback = { operation: 'rollback-revision', target: { cluster: 'c-eu-west-1-0001', kind: 'Deployment' as const, namespace: 'kube-system', name: 'coredns' } };

    // crashloopbackoff.md allows maxClustersPerHour up to 5; the catalog default is 10
    const narrowed = await propose(world, draft({ ...rollback, params: {}, bounds: { maxClustersPerHour: { max: 5 } } }));
    const plain = await propose(world, draft({ ...rollback, groupId: 'g-other', params: {} }));

    expect(narrowed.status === 'proposed' && narrowed.proposal.params).toMatchObject({ maxClustersPerHour: 5, revisionsBack: 1 });
    expect(plain.status === 'proposed' && plain.proposal.params).toMatchObject({ maxClustersPerHour: 10 });
  });

  it('does not propose when the symptom has already recovered', async () => {
    const world = await createWorld({ verify: ['recovered'] });

    expect(await propose(world, draft())).toEqual({ status: 'recovered' });
    expect(await world.store.proposals.list({})).toEqual([]);
    expect((await auditOf(world.store)).map((e) => e.action)).toEqual(['proposal.not-needed']);
  });
});

describe('renderProposalMessage', () => {
  it('escapes data and says how to answer for each requirement', async () => {
    const world = await createWorld();
    const r = await propose(world, draft({ context: { ...draft().context, rationale: '<!channel> restart & see' } }));
    if (r.status !== 'proposed') throw new Error(r.status);
    const view = { proposal: r.proposal, context: { ...draft().context, rationale: '<!channel> restart & see' }, calls: [{ method: 'PATCH' as const, path: '/apis/apps/v1/namespaces/kube-system/deployments/coredns', description: 'bump <restartedAt>' }], level: 1 };

    const one = JSON.stringify(renderProposalMessage({ ...view, requirement: { kind: 'approvals', count: 1 } }).blocks);
    const suggest = JSON.stringify(renderProposalMessage({ ...view, requirement: { kind: 'suggest-only' } }).blocks);

    expect(one).toContain('&lt;!channel&gt; restart &amp; see');
    expect(one).toContain('PATCH /apis/apps/v1/namespaces/kube-system/deployments/coredns');
    expect(one).toContain('bump &lt;restartedAt&gt;');
    expect(one).toContain(`approve ${shortId(r.proposal.id)}`);
    expect(suggest).toContain('Suggestion only');
    expect(suggest).not.toContain('approve ');
  });
});
