import { describe, expect, it } from 'vitest';
import type { OperationRequest } from '../../../src/adapters/cluster-ops/types.js';
import { findOperation, GUARDRAIL_IDS, loadSafeOperationCatalog, SAFE_OPERATION_IDS } from '../../../src/remediation/catalog/index.js';
import { checkGuardrails, FLEET_GUARDRAILS, GUARDRAILS, type GuardrailState, type RecentOperation } from '../../../src/remediation/guardrails/index.js';
import { healthyWorld, readerOf, type World } from './world.js';

const catalog = loadSafeOperationCatalog();
const NOW = Date.parse('2025-06-02T10:00:00Z');
const MIN = 60_000;

const TARGETS: Record<string, OperationRequest['target']> = {
  'evict-pod': { cluster: 'cluster-a', kind: 'Pod', namespace: 'shop', name: 'web-1' },
  'cordon-drain-node': { cluster: 'cluster-a', kind: 'Node', name: 'n1' },
};
const PARAMS: Record<string, Record<string, unknown>> = {
  'scale-workload': { direction: 'up', replicas: 4 },
  'raise-resources': { resource: 'memory', factor: 1.5 },
};

interface Case {
  guardrail: string;
  op: string;
  params?: Record<string, unknown>;
  world?: (w: World) => void;
  state?: Partial<GuardrailState>;
  reason: RegExp;
}

const drains = (n: number, cluster: (i: number) => string, agoMin = 10): RecentOperation[] =>
  Array.from({ length: n }, (_, i) => ({ operationId: `d${i}`, operation: 'cordon-drain-node', cluster: cluster(i), startedAtMs: NOW - agoMin * MIN, state: 'succeeded' }));

async function check(op: string, o: { params?: Record<string, unknown>; world?: (w: World) => void; state?: Partial<GuardrailState> } = {}) {
  const w = healthyWorld();
  o.world?.(w);
  const req: OperationRequest = { operationId: 'p1', operation: op, target: TARGETS[op] ?? { cluster: 'cluster-a', kind: 'Deployment', namespace: 'shop', name: 'web' }, params: { ...PARAMS[op], ...o.params } };
  const state: GuardrailState = { nowMs: NOW, reader: readerOf(w), recentOperations: [], freezeWindows: [], argoCdConfigured: false, cluster: { environment: 'prod' }, ...o.state };
  return checkGuardrails(findOperation(catalog, op)!, req, state);
}

const CASES: Case[] = [
  { guardrail: 'pdb-respected', op: 'evict-pod', world: (w) => { w.pdbs[0].disruptionsAllowed = 0; }, reason: /PodDisruptionBudget shop\/web-pdb allows no disruption now \(covers shop\/web-1\)/ },
  { guardrail: 'pdb-respected', op: 'cordon-drain-node', world: (w) => { w.pdbs[0].disruptionsAllowed = 0; }, reason: /web-pdb allows no disruption/ },
  { guardrail: 'no-rollout-in-progress', op: 'rollout-restart', world: (w) => { Object.assign(w.workload, { rolloutInProgress: true, rolloutReason: '1 of 3 replicas updated' }); }, reason: /rollout of Deployment shop\/web is in progress \(1 of 3 replicas updated\)/ },
  { guardrail: 'restart-within-bounds', op: 'rollout-restart', world: (w) => { w.workload.restartBounds = { ok: false, reason: 'Deployment shop/web uses the Recreate strategy: a restart takes all 3 pods down at once' }; }, reason: /uses the Recreate strategy/ },
  { guardrail: 'restart-within-bounds', op: 'rollout-restart', params: { maxUnavailablePercent: 0, maxSurgePercent: 0 },
    world: (w) => { w.workload.restartBounds = { ok: true, pods: 3, bounds: { unavailable: 0, surge: 1 } }; },
    reason: /Deployment shop\/web: the approved bounds allow neither an unavailable pod nor a surge pod of 3/ },
  { guardrail: 'restart-within-bounds', op: 'rollout-restart', state: { argoCdConfigured: true },
    world: (w) => { Object.assign(w.workload, { argoApp: { name: 'shop' }, restartBounds: { ok: true, pods: 8, bounds: { unavailable: 4, surge: 2 } } }); },
    reason: /managed by Argo CD application shop and its strategy allows 4 unavailable and 2 surge of 8 pods, more than approved/ },
  { guardrail: 'availability-floor', op: 'rollout-restart', world: (w) => { w.workload.available = 1; }, reason: /1\/3 available, below the floor 0.8/ },
  { guardrail: 'availability-floor', op: 'evict-pod', world: (w) => { w.pod.owner = undefined; }, reason: /has no controller: evicting it would delete it for good/ },
  { guardrail: 'availability-floor', op: 'cordon-drain-node', world: (w) => { w.nodes[1].ready = false; w.nodes[2].ready = false; }, reason: /only 2 of 4 nodes are ready/ },
  { guardrail: 'capacity-headroom', op: 'cordon-drain-node', world: (w) => { w.nodes.forEach((n) => { n.requested.cpu = 2.5; }); }, reason: /cpu headroom after the change would be -?\d+% \(minimum 20%\)/ },
  { guardrail: 'capacity-headroom', op: 'scale-workload', params: { replicas: 30 }, world: (w) => { w.workload.podRequests.cpu = 0.4; }, reason: /cpu headroom after the change/ },
  { guardrail: 'drain-rate-limit', op: 'cordon-drain-node', world: (w) => { w.nodes[3].schedulable = false; }, reason: /1 other node\(s\) in cluster-a are already cordoned \(at most 1 at once\)/ },
  { guardrail: 'drain-rate-limit', op: 'cordon-drain-node', state: { recentOperations: drains(1, () => 'cluster-a', 50) }, reason: /1 drain\(s\) in cluster-a in the last hour \(at most 1\)/ },
  { guardrail: 'drain-rate-limit', op: 'cordon-drain-node', state: { recentOperations: drains(5, (i) => `c${i}`) }, reason: /5 drain\(s\) across the fleet in the last hour \(at most 5 per hour\)/ },
  // the proposal (an LLM's, say) raised its own limit to the catalog's maximum; the fleet's config caps it
  { guardrail: 'drain-rate-limit', op: 'cordon-drain-node', params: { maxNodesPerFleetPerHour: 20 }, state: { recentOperations: drains(5, (i) => `c${i}`) }, reason: /5 drain\(s\) across the fleet in the last hour \(at most 5 per hour\)/ },
  { guardrail: 'eviction-rate-limit', op: 'evict-pod', params: { maxPodsPerCluster: 10 }, state: { recentOperations: [{ operationId: 'e1', operation: 'evict-pod', cluster: 'cluster-a', startedAtMs: NOW - 30 * MIN, state: 'succeeded' }] }, reason: /\(at most 1\)/ },
  { guardrail: 'eviction-rate-limit', op: 'evict-pod', state: { recentOperations: [{ operationId: 'e1', operation: 'evict-pod', cluster: 'cluster-a', startedAtMs: NOW - 30 * MIN, state: 'succeeded' }] }, reason: /1 pod eviction\(s\) in cluster-a in the last hour \(at most 1\)/ },
  { guardrail: 'eviction-rate-limit', op: 'evict-pod', params: { maxPodsPerCluster: 2 }, state: { limits: { maxPodsPerCluster: 5 }, recentOperations: [{ operationId: 'e1', operation: 'evict-pod', cluster: 'cluster-a', startedAtMs: NOW - 30 * MIN, state: 'succeeded' }, { operationId: 'e2', operation: 'evict-pod', cluster: 'cluster-a', startedAtMs: NOW - 90 * MIN, state: 'executing' }] }, reason: /2 pod eviction\(s\) in cluster-a in the last hour \(at most 2\)/ },
  { guardrail: 'hpa-not-fought', op: 'scale-workload', params: { direction: 'down', replicas: 2 },
    world: (w) => { w.hpa = { namespace: 'shop', name: 'web-hpa', target: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 8, currentReplicas: 4, desiredReplicas: 4 }; },
    reason: /HPA shop\/web-hpa wants 4 replicas; capping it at 2 would fight it/ },
  { guardrail: 'utilisation-below-threshold', op: 'scale-workload', params: { direction: 'down', replicas: 2 }, world: (w) => { w.utilisation = 0.9; }, reason: /utilisation of Deployment shop\/web is 90% \(scale-down allowed up to 70%\)/ },
  { guardrail: 'utilisation-below-threshold', op: 'scale-workload', params: { direction: 'down', replicas: 2 }, world: (w) => { w.utilisation = undefined; }, reason: /no utilisation data/ },
  { guardrail: 'within-node-allocatable', op: 'raise-resources', params: { resource: 'cpu', factor: 2 }, world: (w) => { w.workload.podRequests.cpu = 3; }, reason: /would request 6 cores, more than the largest node allocatable 4/ },
  { guardrail: 'previous-revision-exists', op: 'rollback-revision', world: (w) => { w.workload.revisions = 1; }, reason: /no previous revision \(1 kept\)/ },
  { guardrail: 'change-freeze', op: 'evict-pod', state: { freezeWindows: [{ startsAt: '2025-06-02T08:00:00Z', endsAt: '2025-06-02T12:00:00Z', reason: 'Black Friday', environments: ['prod'] }] }, reason: /change freeze until 2025-06-02T12:00:00Z: Black Friday/ },
  { guardrail: 'change-freeze', op: 'rollout-restart', state: { cluster: {}, freezeWindows: [{ startsAt: '2025-06-02T08:00:00Z', endsAt: '2025-06-02T12:00:00Z', reason: 'Black Friday', environments: ['prod'] }] }, reason: /Black Friday \(it covers prod, and the environment of cluster-a is unknown\)/ },
  { guardrail: 'argo-managed-via-argo', op: 'scale-workload', world: (w) => { w.workload.argoApp = { name: 'shop' }; }, state: { argoCdConfigured: true }, reason: /managed by Argo CD application shop: change its desired state in Git/ },
  { guardrail: 'argo-managed-via-argo', op: 'rollout-restart', world: (w) => { w.workload.argoApp = { name: 'shop' }; }, reason: /no Argo CD connection is configured/ },
  { guardrail: 'max-concurrent-operations', op: 'evict-pod',
    state: { recentOperations: Array.from({ length: 10 }, (_, i) => ({ operationId: `x${i}`, operation: 'evict-pod', cluster: `c${i}`, startedAtMs: NOW - MIN, state: 'executing' as const })) },
    reason: /10 operations are executing \(at most 10 at once\)/ },
  { guardrail: 'max-concurrent-operations', op: 'evict-pod', state: { recentOperations: [{ operationId: 'x', operation: 'rollout-restart', cluster: 'cluster-a', startedAtMs: NOW - MIN, state: 'executing' }] }, reason: /1 operation\(s\) are executing in cluster-a \(at most 1\)/ },
  { guardrail: 'canary-first', op: 'rollout-restart', state: { fleetAction: { canaryClusters: ['canary-1', 'canary-2'], verifiedClusters: ['canary-1'] } }, reason: /canary cluster\(s\) canary-2 not yet verified/ },
  { guardrail: 'no-repeat', op: 'rollback-revision',
    state: { recentOperations: [{ operationId: 'older-group-proposal', operation: 'rollback-revision', cluster: 'cluster-a', startedAtMs: NOW - 120 * MIN, state: 'succeeded', target: { kind: 'Deployment', namespace: 'shop', name: 'web' } }] },
    reason: /rollback-revision of Deployment shop\/web in cluster-a already succeeded 120 min ago \(proposal older-gr\); not repeated within 24 h/ },
  { guardrail: 'no-repeat', op: 'rollout-restart',
    state: { recentOperations: [{ operationId: 'other', operation: 'rollout-restart', cluster: 'cluster-a', startedAtMs: NOW - 26 * 60 * MIN, state: 'executing', target: { kind: 'Deployment', namespace: 'shop', name: 'web' } }] },
    reason: /rollout-restart of Deployment shop\/web in cluster-a is already executing/ },
  { guardrail: 'clusters-per-hour', op: 'rollback-revision',
    state: { recentOperations: Array.from({ length: 10 }, (_, i) => ({ operationId: `r${i}`, operation: 'rollback-revision', cluster: `c${i}`, startedAtMs: NOW - 30 * MIN, state: 'succeeded' as const })) },
    reason: /rollback-revision already reached 10 cluster\(s\) in the last hour \(at most 10\)/ },
  { guardrail: 'clusters-per-hour', op: 'rollback-revision', params: { maxClustersPerHour: 50 },
    state: { limits: { maxClustersPerHour: 3 }, recentOperations: Array.from({ length: 3 }, (_, i) => ({ operationId: `r${i}`, operation: 'rollback-revision', cluster: `c${i}`, startedAtMs: NOW - 30 * MIN, state: 'succeeded' as const })) },
    reason: /already reached 3 cluster\(s\) in the last hour \(at most 3\)/ },
];

describe('checkGuardrails', () => {
  it('implements every guardrail the catalog can name, and each is covered by a failing case here', () => {
    expect(Object.keys(GUARDRAILS).sort()).toEqual([...GUARDRAIL_IDS].sort());
    const covered = new Set(CASES.map((c) => c.guardrail));
    expect([...GUARDRAIL_IDS, ...Object.keys(FLEET_GUARDRAILS)].filter((g) => !covered.has(g))).toEqual([]);
  });

  it.each(SAFE_OPERATION_IDS.map((op) => ({ op })))('passes every guardrail of $op in a healthy cluster', async ({ op }) => {
    const result = await check(op);

    expect(result.failures).toEqual([]);
    expect(result.ok).toBe(true);
  });

  it.each(CASES)('$guardrail fails for $op: $reason', async ({ guardrail, op, params, world, state, reason }) => {
    const result = await check(op, { params, world, state });

    expect(result.ok).toBe(false);
    expect(result.failures).toContainEqual({ guardrail, reason: expect.stringMatching(reason) });
  });

  it.each([
    { name: 'a freeze window of another environment', state: { freezeWindows: [{ startsAt: '2025-06-02T08:00:00Z', endsAt: '2025-06-02T12:00:00Z', reason: 'x', environments: ['staging'] }] } },
    { name: 'a freeze window already over', state: { freezeWindows: [{ startsAt: '2025-06-01T08:00:00Z', endsAt: '2025-06-02T10:00:00Z', reason: 'x' }] } },
    { name: 'drains older than an hour', state: { recentOperations: drains(5, (i) => `c${i}`, 61) } },
    { name: 'a canary cluster of a fleet-wide action', state: { fleetAction: { canaryClusters: ['cluster-a'], verifiedClusters: [] } } },
    { name: 'a non-canary cluster once all canaries are verified', state: { fleetAction: { canaryClusters: ['canary-1'], verifiedClusters: ['canary-1'] } } },
    { name: 'the same operation on this object a day ago, or on another object, or one that failed', state: { recentOperations: [
      { operationId: 'a', operation: 'rollout-restart', cluster: 'cluster-a', startedAtMs: NOW - 25 * 60 * MIN, state: 'succeeded' as const, target: { kind: 'Deployment', namespace: 'shop', name: 'web' } },
      { operationId: 'b', operation: 'rollout-restart', cluster: 'cluster-b', startedAtMs: NOW - 10 * MIN, state: 'succeeded' as const, target: { kind: 'Deployment', namespace: 'shop', name: 'web' } },
      { operationId: 'c', operation: 'rollout-restart', cluster: 'cluster-a', startedAtMs: NOW - 10 * MIN, state: 'succeeded' as const, target: { kind: 'Deployment', namespace: 'shop', name: 'api' } },
      { operationId: 'd', operation: 'rollout-restart', cluster: 'cluster-a', startedAtMs: NOW - 70 * MIN, state: 'failed' as const, target: { kind: 'Deployment', namespace: 'shop', name: 'web' } },
    ] } },
    { name: 'a repeat outside a shorter configured window', state: { limits: { repeatWindowHours: 1 }, recentOperations: [
      { operationId: 'a', operation: 'rollout-restart', cluster: 'cluster-a', startedAtMs: NOW - 70 * MIN, state: 'succeeded' as const, target: { kind: 'Deployment', namespace: 'shop', name: 'web' } },
    ] } },
    { name: 'its own executing record', state: { recentOperations: [{ operationId: 'p1', operation: 'rollout-restart', cluster: 'cluster-a', startedAtMs: NOW, state: 'executing' as const }] } },
  ])('passes with $name', async ({ state }) => {
    const result = await check('rollout-restart', { state });

    expect(result.failures).toEqual([]);
  });

  it('counts only this cluster\'s evictions of the last hour (and running ones)', async () => {
    const recentOperations: RecentOperation[] = [
      { operationId: 'e1', operation: 'evict-pod', cluster: 'cluster-b', startedAtMs: NOW - 5 * MIN, state: 'succeeded' },
      { operationId: 'e2', operation: 'evict-pod', cluster: 'cluster-a', startedAtMs: NOW - 61 * MIN, state: 'succeeded' },
      { operationId: 'p1', operation: 'evict-pod', cluster: 'cluster-a', startedAtMs: NOW, state: 'executing' },
    ];

    const result = await check('evict-pod', { state: { recentOperations } });

    expect(result.failures).toEqual([]);
  });

  it('lets a fleet that raised its limits in config use a proposal\'s higher rate limit', async () => {
    const result = await check('cordon-drain-node', { params: { maxNodesPerFleetPerHour: 10 }, state: { limits: { maxNodesPerFleetPerHour: 10 }, recentOperations: drains(5, (i) => `c${i}`) } });

    expect(result.failures).toEqual([]);
  });

  it('passes an Argo-managed restart when Argo CD is configured, and a scale-up through an HPA', async () => {
    const argo = await check('rollout-restart', { world: (w) => { w.workload.argoApp = { name: 'shop' }; }, state: { argoCdConfigured: true } });
    const viaHpa = await check('scale-workload', { params: { direction: 'up', replicas: 6 },
      world: (w) => { w.hpa = { namespace: 'shop', name: 'web-hpa', target: { kind: 'Deployment', name: 'web' }, minReplicas: 2, maxReplicas: 8, currentReplicas: 3, desiredReplicas: 3 }; } });

    expect(argo.failures).toEqual([]);
    expect(viaHpa.failures).toEqual([]);
  });

  it('fails closed when facts cannot be read', async () => {
    const result = await check('rollout-restart', { state: { reader: { ...readerOf(healthyWorld()), workload: async () => { throw new Error('HTTP 403 Forbidden'); } } } });

    expect(result.ok).toBe(false);
    expect(result.failures).toContainEqual({ guardrail: 'no-rollout-in-progress', reason: 'could not check: HTTP 403 Forbidden' });
  });
});
