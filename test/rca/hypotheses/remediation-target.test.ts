import { describe, expect, it } from 'vitest';
import type { Cluster } from '../../../src/fleet/types.js';
import { leastCriticalCluster, proposeOperation } from '../../../src/rca/hypotheses/remediation.js';
import { matchRunbook } from '../../../src/rca/hypotheses/remediation.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createRunbookIndex } from '../../../src/runbooks/runbook-index.js';
import { loadRunbooks } from '../../../src/runbooks/load-runbooks.js';

const cluster = (id: string, environment: Cluster['environment'], tier: Cluster['tier']): Cluster => ({ id, region: 'eu-west-1', substrate: 'eks' as Cluster['substrate'], environment, tier, versions: {}, nodePools: [] });

describe('where a fleet-wide fix is proposed first', () => {
  const inventory = [cluster('c-a-prod', 'prod', 'tier-0'), cluster('c-b-prod', 'prod', 'tier-2'), cluster('c-c-staging', 'staging', 'tier-0'), cluster('c-d-dev', 'dev', 'tier-1'), cluster('c-e-dev', 'dev', 'tier-0')];

  it('orders dev before staging before prod, then the lower tier, then the id; unknown clusters last', () => {
    expect(leastCriticalCluster(['c-a-prod', 'c-b-prod', 'c-c-staging', 'c-d-dev', 'c-e-dev'], inventory)).toBe('c-d-dev');
    expect(leastCriticalCluster(['c-a-prod', 'c-c-staging'], inventory)).toBe('c-c-staging');
    expect(leastCriticalCluster(['c-a-prod', 'c-b-prod'], inventory)).toBe('c-b-prod');
    expect(leastCriticalCluster(['c-zz-unknown', 'c-a-prod'], inventory)).toBe('c-a-prod');
    expect(leastCriticalCluster([], inventory)).toBeUndefined();
  });

  it('proposes the rollback of a bad coredns rollout on the least critical cluster of the group, not the first listed', () => {
    const index = createRunbookIndex(loadRunbooks('runbooks'));
    const runbook = matchRunbook(index, 'fleet.bad-rollout');
    const h = { failureMode: 'fleet.bad-rollout', entity: { component: 'coredns', version: 'v1.12.0' }, score: 9, supporting: [], contradicting: [] };

    const op = proposeOperation(h, runbook, index, loadSafeOperationCatalog(), ['c-a-prod', 'c-c-staging', 'c-e-dev'], new Map(), inventory);

    expect(runbook?.id).toBe('failed-rollout-bad-version');
    expect(op).toMatchObject({ id: 'rollback-revision', target: { cluster: 'c-e-dev', kind: 'Deployment', namespace: 'kube-system', name: 'coredns' } });
  });
});

describe('a proposal stays inside the incident group', () => {
  const index = createRunbookIndex(loadRunbooks('runbooks'));
  const group = ['c-a-prod', 'c-c-staging'];
  const disk = (cluster: string) => ({ failureMode: 'node.disk-pressure', entity: { cluster, node: 'ip-10-0-1-2' }, score: 9, supporting: [], contradicting: [] });
  const rollout = (cluster: string) => ({ failureMode: 'fleet.bad-rollout', entity: { cluster, component: 'coredns', version: 'v1.12.0' }, score: 9, supporting: [], contradicting: [] });

  it.each([
    ['a node drain', disk],
    ['a rollback', rollout],
  ])('proposes %s on a cluster of the group and refuses it on a cluster outside (no proposal)', (_case, hypothesis) => {
    const h = hypothesis('c-a-prod');
    const runbook = matchRunbook(index, h.failureMode);

    const inside = proposeOperation(h, runbook, index, loadSafeOperationCatalog(), group, new Map());
    const outside = proposeOperation(hypothesis('c-z-other'), runbook, index, loadSafeOperationCatalog(), group, new Map());

    expect(inside?.target.cluster).toBe('c-a-prod');
    expect(outside).toBeUndefined();
  });
});
