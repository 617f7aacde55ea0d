import { afterAll, beforeAll, expect, it } from 'vitest';
import { findOperation, loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { checkGuardrails, createKubeClusterReader } from '../../../src/remediation/guardrails/index.js';
import { deployment, kubeOps, node, pdb, pod, replicaSet, request, startCluster, type FakeCluster } from '../../adapters/cluster-ops/fixtures.js';

let a: FakeCluster;
beforeAll(async () => {
  a = await startCluster('cluster-a', 'token-a');
  a.fake.add('deployments', deployment('shop', 'web', { revision: 2 }));
  a.fake.add('replicasets', replicaSet('shop', 'web', 1, 'web:v1'));
  a.fake.add('replicasets', replicaSet('shop', 'web', 2, 'web:v2'));
  a.fake.add('pods', pod('shop', 'web-1', { node: 'n1', labels: { app: 'web' }, owner: { kind: 'ReplicaSet', name: 'web-rev2' } }));
  a.fake.add('poddisruptionbudgets', pdb('shop', 'web-pdb', 'web', 0));
  for (const n of ['n1', 'n2', 'n3']) a.fake.add('nodes', node(n));
});
afterAll(async () => { expect(a.fake.unexpected).toEqual([]); await a.fake.close(); });

it('reads facts through the cluster\'s own KubeApi: a PDB at zero blocks an eviction; two ReplicaSets allow a rollback', async () => {
  const { ops } = kubeOps([a]);
  const reader = createKubeClusterReader({ kubeFor: (c) => ops.kubeApiFor(c) });
  const catalog = loadSafeOperationCatalog();
  const state = { nowMs: 0, reader, recentOperations: [], freezeWindows: [], argoCdConfigured: false };

  const evict = await checkGuardrails(findOperation(catalog, 'evict-pod')!, request('evict-pod', { kind: 'Pod', namespace: 'shop', name: 'web-1' }), state);
  const rollback = await checkGuardrails(findOperation(catalog, 'rollback-revision')!, request('rollback-revision', { kind: 'Deployment', namespace: 'shop', name: 'web' }), state);

  expect(evict.failures).toEqual([{ guardrail: 'pdb-respected', reason: expect.stringMatching(/web-pdb allows no disruption now/) }]);
  expect(rollback.failures).toEqual([]);
  expect(a.fake.writes()).toEqual([]);
});
