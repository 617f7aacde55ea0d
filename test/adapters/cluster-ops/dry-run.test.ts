import { describe, expect, it } from 'vitest';
import { createDryRunClusterOps } from '../../../src/adapters/cluster-ops/dry-run/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import type { ClusterSnapshot } from '../../../src/remediation/ops/index.js';
import { deployment, hpa, node, NOW_MS, pod, replicaSet, request } from './fixtures.js';

const snapshot = {
  workloads: [deployment('shop', 'web', { revision: 2 }), { ...deployment('shop', 'api', { replicas: 4 }), kind: 'Deployment' }],
  nodes: [node('n1', { cpu: '4' }), node('n2', { cpu: '4' })],
  pods: [pod('shop', 'web-1', { node: 'n1' }), pod('shop', 'web-2', { node: 'n1' }), pod('kube-system', 'cni', { node: 'n1', owner: { kind: 'DaemonSet', name: 'cni' } })],
  hpas: [hpa('shop', 'api-hpa', 'api', { min: 2, max: 8, current: 4, desired: 4 })],
  replicaSets: [replicaSet('shop', 'web', 1, 'web:v1'), replicaSet('shop', 'web', 2, 'web:v2')],
} as unknown as ClusterSnapshot;
(snapshot.workloads![0] as { metadata: { uid: string } }).metadata.uid = 'uid-web';

const dryRun = () => createDryRunClusterOps({ clock: fixedClock(NOW_MS), logger: silentLogger, snapshots: { 'cluster-a': snapshot } });
const line = (c: { method: string; path: string }) => `${c.method} ${c.path}`;

describe('dry-run ClusterOps', () => {
  it.each([
    { op: 'evict-pod', target: { kind: 'Pod' as const, namespace: 'shop', name: 'web-1' }, params: {},
      calls: ['POST /api/v1/namespaces/shop/pods/web-1/eviction'] },
    { op: 'rollout-restart', target: { kind: 'Deployment' as const, namespace: 'shop', name: 'web' }, params: {},
      calls: ['GET /apis/apps/v1/namespaces/shop/deployments/web', 'PATCH /apis/apps/v1/namespaces/shop/deployments/web'] },
    { op: 'cordon-drain-node', target: { kind: 'Node' as const, name: 'n1' }, params: {},
      calls: ['GET /api/v1/nodes/n1', 'PATCH /api/v1/nodes/n1', 'GET /api/v1/pods?fieldSelector=spec.nodeName%3Dn1',
        'POST /api/v1/namespaces/shop/pods/web-1/eviction', 'POST /api/v1/namespaces/shop/pods/web-2/eviction', 'GET /api/v1/pods?fieldSelector=spec.nodeName%3Dn1'] },
    { op: 'scale-workload', target: { kind: 'Deployment' as const, namespace: 'shop', name: 'api' }, params: { direction: 'up', replicas: 6 },
      calls: ['GET /apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers', 'GET /apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers',
        'PATCH /apis/autoscaling/v2/namespaces/shop/horizontalpodautoscalers/api-hpa'] },
    { op: 'raise-resources', target: { kind: 'Deployment' as const, namespace: 'shop', name: 'web' }, params: { resource: 'memory', factor: 1.5 },
      calls: ['GET /api/v1/nodes', 'GET /apis/apps/v1/namespaces/shop/deployments/web', 'PATCH /apis/apps/v1/namespaces/shop/deployments/web'] },
    { op: 'rollback-revision', target: { kind: 'Deployment' as const, namespace: 'shop', name: 'web' }, params: {},
      calls: ['GET /apis/apps/v1/namespaces/shop/deployments/web', 'GET /apis/apps/v1/namespaces/shop/replicasets?labelSelector=app%3Dweb',
        'PATCH /apis/apps/v1/namespaces/shop/deployments/web'] },
  ])('$op: records the exact calls and changes nothing', async ({ op, target, params, calls }) => {
    const ops = dryRun();
    let checkpoints = 0;

    const out = await ops.execute(request(op, target, params, { onCheckpoint: async () => { checkpoints += 1; } }));

    expect(out.status).toBe('succeeded');
    expect(out.message).toMatch(/^DRY-RUN: /);
    expect(out.calls.map(line)).toEqual(calls);
    expect(await ops.plan(request(op, target, params))).toMatchObject({ calls: out.calls, status: 'succeeded' });
    expect(checkpoints).toBe(0);
    expect(ops.records().map((r) => r.mode)).toEqual(['execute', 'plan']);
  });

  it('shows the exact bodies: the restart annotation, the HPA bounds with resourceVersion, the raised memory', async () => {
    const ops = dryRun();

    const { calls: restart } = await ops.plan(request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' }));
    const { calls: scale } = await ops.plan(request('scale-workload', { kind: 'Deployment', namespace: 'shop', name: 'api' }, { direction: 'up', replicas: 6 }));
    const { calls: raise } = await ops.plan(request('raise-resources', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { resource: 'memory', factor: 1.5 }));

    expect(restart[1].body).toEqual({ spec: { template: { metadata: { annotations: { 'kubectl.kubernetes.io/restartedAt': '2025-06-02T10:00:00.000Z' } } } } });
    expect(scale[2].body).toEqual({ metadata: { resourceVersion: undefined }, spec: { minReplicas: 6, maxReplicas: 8 } });
    expect(raise[2].body).toMatchObject({ spec: { template: { spec: { containers: [{ name: 'main', resources: { requests: { memory: '1536Mi' }, limits: { memory: '3072Mi' } } }] } } } });
  });

  it.each([
    { name: 'an operation outside the catalog', req: request('delete-namespace', { kind: 'Deployment', namespace: 'shop', name: 'web' }), message: /delete-namespace is not an operation in the safe-operation catalog/ },
    { name: 'a parameter outside its bounds', req: request('scale-workload', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { direction: 'up', replicas: 900 }), message: /replicas=900 is outside \[0, 500\]/ },
    { name: 'a wrong target kind', req: request('cordon-drain-node', { kind: 'Pod', namespace: 'shop', name: 'web-1' }), message: /cordon-drain-node cannot act on a Pod/ },
  ])('refuses $name without any call', async ({ req, message }) => {
    const out = await dryRun().execute(req);

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(message);
    expect(out.calls).toEqual([]);
  });
});
