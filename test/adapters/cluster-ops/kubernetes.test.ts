import { describe, expect, it } from 'vitest';
import { deployment, hpa, kubeOps, node, pdb, pod, replicaSet, request, useFakeCluster, type FakeCluster } from './fixtures.js';

let a: FakeCluster;
useFakeCluster((c) => { a = c; });

const evictions = () => a.fake.requests.filter((r) => r.path.endsWith('/eviction'));

describe('Kubernetes ClusterOps: evictions', () => {
  it('answers blocked when a PDB refuses the eviction (429), and never deletes', async () => {
    a.fake.add('pods', pod('shop', 'web-1', { labels: { app: 'web' } }));
    a.fake.add('poddisruptionbudgets', pdb('shop', 'web-pdb', 'web', 0));
    const { ops, sleeps } = kubeOps([a]);

    const out = await ops.execute(request('evict-pod', { kind: 'Pod', namespace: 'shop', name: 'web-1' }));

    expect(out.status).toBe('blocked');
    expect(out.message).toMatch(/PodDisruptionBudget allows no disruption now; retry later/);
    expect(evictions()).toHaveLength(1);
    expect(sleeps).toEqual([]);
    expect(a.fake.requests.some((r) => r.method === 'DELETE')).toBe(false);
    expect(a.fake.get('pods', 'shop', 'web-1')).toBeDefined();
  });

  it('evicts through the Eviction API with the grace period, and records exactly the calls it made', async () => {
    a.fake.add('pods', pod('shop', 'web-1'));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('evict-pod', { kind: 'Pod', namespace: 'shop', name: 'web-1' }, { gracePeriodSeconds: 45 }));

    expect(out.status).toBe('succeeded');
    expect(a.fake.get('pods', 'shop', 'web-1')).toBeUndefined();
    expect(evictions()[0].body).toMatchObject({ kind: 'Eviction', apiVersion: 'policy/v1', deleteOptions: { gracePeriodSeconds: 45 } });
    expect(out.calls.map((c) => `${c.method} ${c.path}`)).toEqual(a.fake.requests.map((r) => `${r.method} ${r.path}`));
  });
});

describe('Kubernetes ClusterOps: conflicts and permissions', () => {
  it('retries a 409 (stale resourceVersion) with a fresh read and succeeds', async () => {
    a.fake.add('deployments', deployment('shop', 'web', { replicas: 3 }));
    const scalePath = '/apis/apps/v1/namespaces/shop/deployments/web/scale';
    a.fake.conflict('PUT', scalePath, 1, ['deployments', 'shop', 'web']);
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('scale-workload', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { direction: 'up', replicas: 5 }));

    expect(out.status).toBe('succeeded');
    const scaleCalls = a.fake.requests.filter((r) => r.path === scalePath).map((r) => r.method);
    expect(scaleCalls).toEqual(['GET', 'PUT', 'GET', 'PUT']);
    expect(a.fake.get('deployments', 'shop', 'web')?.spec.replicas).toBe(5);
    expect(out.checkpoint).toEqual({ previousReplicas: 3 });
  });

  it('fails with a clear message on 403, naming the ClusterRole to install', async () => {
    a.fake.add('nodes', node('n1'));
    a.fake.forbid('PATCH', '/api/v1/nodes');
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('cordon-drain-node', { kind: 'Node', name: 'n1' }));

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(/^forbidden: fleetops may not do this on Node n1 in cluster cluster-a .*HTTP 403 Forbidden.*install k8s-cronjobs\/target-cluster\/clusterrole\.yaml/);
  });
});

describe('Kubernetes ClusterOps: drain', () => {
  const seedNode = () => {
    a.fake.add('nodes', node('n1'));
    a.fake.add('nodes', node('n2'));
    for (const name of ['a-1', 'b-1', 'c-1', 'd-1']) a.fake.add('pods', pod('shop', name, { node: 'n1', owner: { kind: 'ReplicaSet', name: 'rs' } }));
    a.fake.add('pods', pod('kube-system', 'cni-x', { node: 'n1', owner: { kind: 'DaemonSet', name: 'cni' } }));
    a.fake.add('pods', pod('shop', 'other', { node: 'n2' }));
  };

  it('resumes a drain killed after 2 evictions from its checkpoint, evicting only the rest; rollback uncordons', async () => {
    seedNode();
    const { ops } = kubeOps([a]);
    const killer = new AbortController();
    let saved: Record<string, unknown> = {};
    const req = request('cordon-drain-node', { kind: 'Node', name: 'n1' }, {}, {
      abortSignal: killer.signal,
      onCheckpoint: async (cp) => {
        saved = cp;
        if ((cp.evicted as string[] | undefined)?.length === 2) {
          killer.abort(new Error('SIGKILL'));
          throw new Error('killed');
        }
      },
    });

    await expect(ops.execute(req)).rejects.toThrow();
    const resumed = await ops.execute({ ...req, abortSignal: undefined, checkpoint: saved, onCheckpoint: async (cp) => { saved = cp; } });

    expect(resumed.status).toBe('succeeded');
    const evicted = evictions().map((r) => r.path.split('/')[6]);
    expect(evicted).toEqual(['a-1', 'b-1', 'c-1', 'd-1']);
    expect(a.fake.requests.filter((r) => r.method === 'PATCH' && r.path === '/api/v1/nodes/n1')).toHaveLength(1);
    expect(a.fake.get('pods', 'kube-system', 'cni-x')).toBeDefined();
    expect(a.fake.get('nodes', undefined, 'n1')?.spec.unschedulable).toBe(true);

    const undone = await ops.rollback({ ...req, abortSignal: undefined, checkpoint: saved });

    expect(undone.status).toBe('succeeded');
    expect(a.fake.get('nodes', undefined, 'n1')?.spec.unschedulable).toBe(false);
  });

  it('pauses a drain as blocked when a PDB refuses, keeping what was evicted in the checkpoint', async () => {
    seedNode();
    a.fake.add('pods', pod('shop', 'z-guarded', { node: 'n1', labels: { app: 'db' } }));
    a.fake.add('poddisruptionbudgets', pdb('shop', 'db-pdb', 'db', 0));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('cordon-drain-node', { kind: 'Node', name: 'n1' }));

    expect(out.status).toBe('blocked');
    expect(out.message).toMatch(/refuses evicting shop\/z-guarded \(4 pods evicted so far\)/);
    expect(out.checkpoint?.evicted).toEqual(['shop/a-1', 'shop/b-1', 'shop/c-1', 'shop/d-1']);
  });
});

describe('Kubernetes ClusterOps: scale, resources, restart', () => {
  it('changes an HPA-managed workload through the HPA bounds, never the replica count', async () => {
    a.fake.add('deployments', deployment('shop', 'web', { replicas: 3 }));
    a.fake.add('horizontalpodautoscalers', hpa('shop', 'web-hpa', 'web', { min: 2, max: 10, current: 3, desired: 3 }));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('scale-workload', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { direction: 'up', replicas: 6 }));

    expect(out.status).toBe('succeeded');
    expect(a.fake.get('horizontalpodautoscalers', 'shop', 'web-hpa')?.spec).toMatchObject({ minReplicas: 6, maxReplicas: 10 });
    expect(a.fake.requests.filter((r) => r.path.endsWith('/scale'))).toEqual([]);
    expect(a.fake.get('deployments', 'shop', 'web')?.spec.replicas).toBe(3);
  });

  it('refuses a scale-down that would fight what the HPA wants', async () => {
    a.fake.add('deployments', deployment('shop', 'web', { replicas: 5 }));
    a.fake.add('horizontalpodautoscalers', hpa('shop', 'web-hpa', 'web', { min: 2, max: 10, current: 5, desired: 5 }));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('scale-workload', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { direction: 'down', replicas: 3 }));

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(/HPA shop\/web-hpa wants 5 replicas; capping it at 3 would fight it/);
    expect(a.fake.writes()).toEqual([]);
  });

  it('caps raised resources at the largest node allocatable', async () => {
    a.fake.add('nodes', node('n1', { cpu: '1500m' }));
    a.fake.add('nodes', node('n2', { cpu: '8', unschedulable: true }));
    a.fake.add('deployments', deployment('shop', 'web', { cpu: '1', cpuLimit: '1' }));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('raise-resources', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { resource: 'cpu', factor: 2 }));

    expect(out.status).toBe('succeeded');
    expect(out.message).toMatch(/×1\.50 \(capped at node allocatable 1500m\)/);
    expect(a.fake.get('deployments', 'shop', 'web')?.spec.template.spec.containers[0].resources).toEqual({
      requests: { cpu: '1500m', memory: '1Gi' }, limits: { cpu: '1500m', memory: '2Gi' },
    });
  });

  it.each([
    { name: 'a rollout in progress', d: deployment('shop', 'web', { replicas: 3, updated: 1 }), message: /rollout of Deployment shop\/web is in progress \(1 of 3 replicas updated\)/ },
    { name: 'an unobserved spec change', d: deployment('shop', 'web', { observedGeneration: 0 }), message: /in progress \(spec change not yet observed\)/ },
  ])('refuses a rollout restart during $name', async ({ d, message }) => {
    a.fake.add('deployments', d);
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' }));

    expect(out.status).toBe('blocked');
    expect(out.message).toMatch(message);
    expect(a.fake.writes()).toEqual([]);
  });

  it('rolls a Deployment back to the previous ReplicaSet template and forward again on rollback', async () => {
    seedWebRevisions();
    const { ops } = kubeOps([a]);
    const req = request('rollback-revision', { kind: 'Deployment', namespace: 'shop', name: 'web' });

    const out = await ops.execute(req);
    const image = () => a.fake.get('deployments', 'shop', 'web')?.spec.template.spec.containers[0].image;

    expect(out.status).toBe('succeeded');
    expect(image()).toBe('web:v1');
    expect(a.fake.get('deployments', 'shop', 'web')?.spec.template.metadata.labels).toEqual({ app: 'web' });
    await ops.rollback({ ...req, checkpoint: out.checkpoint });
    expect(image()).toBe('web:v2');
  });

  it('resumed after the Deployment patch but before its checkpoint, does not roll back a second time', async () => {
    seedWebRevisions();
    const { ops } = kubeOps([a]);
    const req = request('rollback-revision', { kind: 'Deployment', namespace: 'shop', name: 'web' });
    const first = await ops.execute(req);
    const { patched: _lost, ...beforeCheckpoint } = first.checkpoint ?? {};

    const resumed = await ops.execute({ ...req, checkpoint: beforeCheckpoint });

    expect(resumed.message).toMatch(/taken as rolled back, not rolled back again/);
    expect(a.fake.writes().filter((w) => w.method === 'PATCH')).toHaveLength(1);
    expect(a.fake.get('deployments', 'shop', 'web')?.spec.template.spec.containers[0].image).toBe('web:v1');
  });
});

const replicaSetOf = (rev: number, image: string) => replicaSet('shop', 'web', rev, image);
/** Deployment shop/web at revision 2 (web:v2) with the ReplicaSets of revisions 1 and 2. */
function seedWebRevisions(): void {
  a.fake.add('deployments', deployment('shop', 'web', { revision: 2 }));
  a.fake.add('replicasets', { ...replicaSetOf(1, 'web:v1') });
  a.fake.add('replicasets', { ...replicaSetOf(2, 'web:v2') });
}
