import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../../src/adapters/cluster-ops/types.js';
import type { ProposalRow, ProposalState } from '../../../src/adapters/store/types.js';
import { findOperation, loadSafeOperationCatalog, SAFE_OPERATION_IDS } from '../../../src/remediation/catalog/index.js';
import { checkGuardrails, fleetActionOf, loadFleetAction, type ClusterFacts, type FleetAction } from '../../../src/remediation/guardrails/index.js';
import { createGuardrailGate, onlyWaiting } from '../../../src/remediation/proposals/guardrail-gate.js';
import { healthyWorld, readerOf } from './world.js';

const NOW = Date.parse('2026-11-30T12:00:00Z');

function row(cluster: string, state: ProposalState = 'approved', over: Partial<ProposalRow> = {}): ProposalRow {
  return {
    id: `${over.operation ?? 'rollout-restart'}-${cluster}`, groupId: 'g', operation: 'rollout-restart', cluster, target: { cluster, kind: 'Deployment', namespace: 'shop', name: 'web' },
    params: {}, risk: 'low', state, createdAtMs: NOW, expiresAtMs: NOW, updatedAtMs: NOW, ...over,
  };
}

const facts = (registry: Record<string, ClusterFacts>) => (c: string) => registry[c] ?? {};
const action = (rows: ProposalRow[], registry: Record<string, ClusterFacts> = {}) => fleetActionOf(rows[0], rows, facts(registry));

describe('fleetActionOf', () => {
  it.each([
    ['one cluster', [row('a'), row('a', 'proposed', { id: 'other-object' })]],
    ['another operation on the second cluster', [row('a'), row('b', 'approved', { operation: 'scale-workload' })]],
    ['another group on the second cluster', [row('a'), row('b', 'approved', { groupId: 'g-2' })]],
    ['the second cluster\'s proposal closed without running', [row('a'), row('b', 'rejected')]],
  ])('is no fleet action with %s', (_name, rows) => {
    expect(action(rows)).toBeUndefined();
  });

  it.each<[string, ProposalRow[], Record<string, ClusterFacts>, string[]]>([
    ['the clusters the registry marks', [row('c'), row('a'), row('b'), row('d')], { b: { canary: true }, d: { canary: true } }, ['b', 'd']],
    ['else a non-production cluster before production ones', [row('a'), row('b'), row('c')], { a: { environment: 'prod' }, b: { environment: 'production' }, c: { environment: 'staging' } }, ['c']],
    ['else the first by name, an unknown environment counting as production', [row('c'), row('b'), row('a')], { c: { environment: 'prod' } }, ['a']],
    ['and keeps one already under way when a non-production cluster joins later', [row('b'), row('a', 'executing'), row('c')], { a: { environment: 'prod' }, c: { environment: 'dev' } }, ['a']],
    ['a canary whose proposal was rejected is replaced', [row('c'), row('a', 'rejected'), row('b')], {}, ['b']],
  ])('picks as canary %s', (_name, rows, registry, canaries) => {
    expect(action(rows, registry)?.canaryClusters).toEqual(canaries);
  });

  it.each<[string, ProposalState[], Partial<FleetAction>]>([
    ['pending while its operation has not finished', ['executing'], { verifiedClusters: [], failedClusters: [] }],
    ['verified once it succeeded', ['succeeded'], { verifiedClusters: ['a'], failedClusters: [] }],
    ['not verified while a second proposal there is still open', ['succeeded', 'approved'], { verifiedClusters: [], failedClusters: [] }],
    ['failed when it was rolled back', ['rolled-back'], { verifiedClusters: [], failedClusters: ['a'] }],
    ['failed when one of two failed', ['succeeded', 'failed'], { verifiedClusters: [], failedClusters: ['a'] }],
  ])('judges the canary %s', (_name, states, expected) => {
    const canaryRows = states.map((s, i) => row('a', s, { id: `a-${i}` }));

    const result = fleetActionOf(row('b'), [row('b'), ...canaryRows], facts({ a: { canary: true } }));

    expect(result).toEqual({ canaryClusters: ['a'], ...expected });
  });

  it.each<[string, Record<string, unknown>, string[]]>([
    ['failed while it rolls back (every end of that phase is a failure)', { phase: 'rolling-back', reason: 'the symptom did not recover' }, ['a']],
    ['not failed while it verifies', { phase: 'verifying', executedAtMs: NOW }, []],
  ])('judges an executing canary %s', (_name, checkpoint, failed) => {
    const result = fleetActionOf(row('b'), [row('b'), row('a', 'executing', { checkpoint })], facts({ a: { canary: true } }));

    expect(result?.failedClusters).toEqual(failed);
  });
});

describe('loadFleetAction', () => {
  const repo = (rows: ProposalRow[]) => ({
    get: async (id: string) => rows.find((r) => r.id === id),
    list: async (f: { groupId?: string }) => rows.filter((r) => r.groupId === f.groupId),
  });

  it('judges a proposal not stored yet as a member of its group, so a cluster proposed after the canary failed is seen as such', async () => {
    const pending = row('b', 'proposed');

    const result = await loadFleetAction(repo([row('a', 'rolled-back')]), pending, facts({ a: { canary: true } }));

    expect(result).toEqual({ canaryClusters: ['a'], verifiedClusters: [], failedClusters: ['a'] });
  });

  it('reads the stored row over the one given, and knows no fleet action for an id not stored', async () => {
    const stored = [row('a', 'failed'), row('b', 'approved')];

    const byRow = await loadFleetAction(repo(stored), row('b', 'proposed', { groupId: 'stale' }), facts({}));
    const unknown = await loadFleetAction(repo(stored), 'not-stored', facts({}));

    expect(byRow).toEqual({ canaryClusters: ['a'], verifiedClusters: [], failedClusters: ['a'] });
    expect(unknown).toBeUndefined();
  });
});

const TARGETS: Record<string, OperationRequest['target']> = {
  'evict-pod': { cluster: 'cluster-b', kind: 'Pod', namespace: 'shop', name: 'web-1' },
  'cordon-drain-node': { cluster: 'cluster-b', kind: 'Node', name: 'n1' },
};
const PARAMS: Record<string, Record<string, unknown>> = { 'scale-workload': { direction: 'up', replicas: 4 }, 'raise-resources': { resource: 'memory', factor: 1.5 } };

async function check(op: string, fleetAction: FleetAction) {
  const req: OperationRequest = { operationId: 'p1', operation: op, target: TARGETS[op] ?? { cluster: 'cluster-b', kind: 'Deployment', namespace: 'shop', name: 'web' }, params: PARAMS[op] ?? {} };
  return checkGuardrails(findOperation(loadSafeOperationCatalog(), op)!, req, { nowMs: NOW, reader: readerOf(healthyWorld()), recentOperations: [], freezeWindows: [], argoCdConfigured: false, cluster: { environment: 'prod' }, fleetAction });
}

describe('canary-first', () => {
  it.each(SAFE_OPERATION_IDS.map((op) => ({ op })))('makes a non-canary cluster of a $op fleet action wait for its canary', async ({ op }) => {
    const result = await check(op, { canaryClusters: ['cluster-a'], verifiedClusters: [] });

    expect(result.failures).toEqual([{ guardrail: 'canary-first', reason: 'fleet-wide action: canary cluster(s) cluster-a not yet verified' }]);
    expect(result.waiting).toEqual(['canary-first']);
  });

  it('stops it for good (not waiting) once a canary failed', async () => {
    const result = await check('rollback-revision', { canaryClusters: ['cluster-a'], verifiedClusters: [], failedClusters: ['cluster-a'] });

    expect(result.failures).toEqual([{ guardrail: 'canary-first', reason: 'fleet-wide action: rollback-revision failed or was rolled back on canary cluster(s) cluster-a, so it does not go on to other clusters' }]);
    expect(result.waiting).toEqual([]);
  });
});

describe('the guardrail gate and waiting failures', () => {
  const waitingOnly = { ok: false, failures: [{ guardrail: 'canary-first', reason: 'canary pending' }], waiting: ['canary-first'] };
  const mixed = { ok: false, failures: [...waitingOnly.failures, { guardrail: 'pdb-respected', reason: 'pdb at zero' }], waiting: ['canary-first'] };

  it.each([
    ['only waiting failures', waitingOnly, true],
    ['a waiting failure and another', mixed, false],
    ['a verdict that does not say which wait', { ok: false, failures: waitingOnly.failures }, false],
    ['a pass', { ok: true, failures: [], waiting: [] }, false],
  ])('onlyWaiting is right for %s', (_name, verdict, expected) => {
    expect(onlyWaiting(verdict)).toBe(expected);
  });

  it('does not refuse at proposal time for a failure that may pass by itself; right before execution it reports it', async () => {
    const gate = createGuardrailGate(async () => mixed, async () => ({}));
    const op = findOperation(loadSafeOperationCatalog(), 'rollout-restart')!;
    const req: OperationRequest = { operationId: 'p1', operation: 'rollout-restart', target: { cluster: 'b', kind: 'Deployment', namespace: 'shop', name: 'web' }, params: {} };

    const atProposal = await gate.check(op, req, 'proposal');
    const atExecution = await gate.check(op, req, 'execution');

    expect(atProposal).toEqual({ ok: false, failures: [{ guardrail: 'pdb-respected', reason: 'pdb at zero' }], waiting: [] });
    expect(atExecution).toEqual(mixed);
  });

  it('hands the row it checks to the state loader (one not stored yet at proposal time) and reads a fleet action from that state', async () => {
    const loads: [string, string | undefined][] = [];
    const fleetAction: FleetAction = { canaryClusters: ['a'], verifiedClusters: [], failedClusters: ['a'] };
    const gate = createGuardrailGate(async () => waitingOnly, async (req, phase, proposal) => {
      loads.push([phase, proposal?.id]);
      return { fleetAction: req.target.cluster === 'b' ? fleetAction : undefined };
    });
    const op = findOperation(loadSafeOperationCatalog(), 'rollout-restart')!;
    const pending = row('b', 'proposed');

    await gate.check(op, { operationId: pending.id, operation: op.id, target: { cluster: 'b', kind: 'Deployment', namespace: 'shop', name: 'web' }, params: {} }, 'proposal', pending);
    const read = await gate.fleetAction?.(pending);

    expect(loads).toEqual([['proposal', pending.id], ['execution', pending.id]]);
    expect(read).toEqual(fleetAction);
  });
});
