import { describe, expect, it } from 'vitest';
import { rolloutStatus, type Workload } from '../../../src/remediation/ops/index.js';
import { kubeOps, request, useFakeCluster, type FakeCluster } from '../../adapters/cluster-ops/fixtures.js';
import { controllerRevision, daemonSet, revisionData, statefulSet } from './workload-fixtures.js';

const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const STAMP = '2025-06-02T10:00:00.000Z'; // NOW_MS of the shared fixtures
const COLLECTION = { StatefulSet: 'statefulsets', DaemonSet: 'daemonsets' } as const;
type Kind = keyof typeof COLLECTION;

let a: FakeCluster;
const useCluster = () => useFakeCluster((c) => { a = c; });

const target = (kind: Kind, name: string) => ({ kind, namespace: 'shop', name });
const image = (kind: Kind, name: string) => a.fake.get(COLLECTION[kind], 'shop', name)?.spec.template.spec.containers[0].image;
const line = (r: { method: string; path: string }) => `${r.method} ${r.path}`;

describe('rollout-restart of StatefulSets and DaemonSets', () => {
  useCluster();

  // within their own strategy: 1 of 4 StatefulSet pods at a time (25 %), 1 of 5 DaemonSet pods (20 %)
  it.each([
    { kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { replicas: 4 }), path: '/apis/apps/v1/namespaces/shop/statefulsets/db', params: { maxUnavailablePercent: 25 } },
    { kind: 'DaemonSet' as const, w: daemonSet('shop', 'db'), path: '/apis/apps/v1/namespaces/shop/daemonsets/db', params: { maxUnavailablePercent: 20 } },
  ])('$kind: patches only the restartedAt annotation of the pod template, as a strategic merge', async ({ kind, w, path, params }) => {
    a.fake.add(COLLECTION[kind], w);
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('rollout-restart', target(kind, 'db'), params));

    expect(out.status).toBe('succeeded');
    expect(a.fake.writes()).toEqual([expect.objectContaining({
      method: 'PATCH', path, contentType: 'application/strategic-merge-patch+json',
      body: { spec: { template: { metadata: { annotations: { [RESTARTED_AT]: STAMP } } } } },
    })]);
    expect(a.fake.get(COLLECTION[kind], 'shop', 'db')?.spec.template.metadata.annotations).toEqual({ [RESTARTED_AT]: STAMP });
    expect(image(kind, 'db')).toBe('db:v2');
    expect(out.checkpoint).toEqual({ restartedAt: STAMP });
  });

  it.each([
    { name: 'StatefulSet with pods not yet updated', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { updated: 1 }),
      message: /rollout of StatefulSet shop\/db is in progress \(1 of 3 replicas updated\)/ },
    { name: 'StatefulSet whose currentRevision lags updateRevision', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { currentRevision: 'db-r1', updateRevision: 'db-r2' }),
      message: /rollout of StatefulSet shop\/db is in progress \(revision db-r2 rolling out\)/ },
    { name: 'StatefulSet with an unobserved spec change', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { generation: 3, observedGeneration: 2 }),
      message: /in progress \(spec change not yet observed\)/ },
    { name: 'DaemonSet with pods not yet updated', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { desired: 5, updated: 3 }),
      message: /rollout of DaemonSet shop\/db is in progress \(3 of 5 pods updated\)/ },
    { name: 'DaemonSet with an unobserved spec change', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { generation: 4, observedGeneration: 3 }),
      message: /in progress \(spec change not yet observed\)/ },
    { name: 'StatefulSet below the availability floor', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { replicas: 5, ready: 3 }),
      message: /StatefulSet shop\/db has 3\/5 available, below the floor 0\.8/ },
    // All pods updated but 2 still starting: at the floor (0.8), yet mid-rollout as kubectl judges it.
    { name: 'DaemonSet whose updated pods are not all available', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { desired: 10, available: 8 }),
      message: /rollout of DaemonSet shop\/db is in progress \(8 of 10 updated pods available\)/ },
  ])('refuses a restart of a $name, writing nothing', async ({ kind, w, message }) => {
    a.fake.add(COLLECTION[kind], w);
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('rollout-restart', target(kind, 'db')));

    expect(out.status).toBe('blocked');
    expect(out.message).toMatch(message);
    expect(a.fake.writes()).toEqual([]);
    expect(out.checkpoint).toEqual({});
  });

  it('restarts a StatefulSet exactly at the availability floor (4 of 5 ready, rollout complete)', async () => {
    a.fake.add('statefulsets', statefulSet('shop', 'db', { replicas: 5, ready: 4 }));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('rollout-restart', target('StatefulSet', 'db'), { maxUnavailablePercent: 20 }));

    expect(out.status).toBe('succeeded');
    expect(a.fake.writes().map(line)).toEqual(['PATCH /apis/apps/v1/namespaces/shop/statefulsets/db']);
  });
});

describe('rollback-revision of StatefulSets and DaemonSets through ControllerRevisions', () => {
  useCluster();

  const seed = (kind: Kind) => {
    a.fake.add(COLLECTION[kind], kind === 'StatefulSet' ? statefulSet('shop', 'db', { image: 'db:v3' }) : daemonSet('shop', 'db', { image: 'db:v3' }));
    // Listed out of order; revision 9 carries the same labels but belongs to another object (a recreated one).
    for (const [rev, img] of [[2, 'db:v2'], [3, 'db:v3'], [1, 'db:v1']] as const) a.fake.add('controllerrevisions', controllerRevision('shop', { kind, name: 'db' }, rev, img));
    a.fake.add('controllerrevisions', controllerRevision('shop', { kind, name: 'db', uid: 'uid-old-db' }, 9, 'db:v9'));
  };

  it.each(['StatefulSet', 'DaemonSet'] as const)('%s: patches the template from the previous revision (2 of 1,2,3) and forward again on rollback', async (kind) => {
    seed(kind);
    const { ops } = kubeOps([a]);
    const req = request('rollback-revision', target(kind, 'db'));
    const path = `/apis/apps/v1/namespaces/shop/${COLLECTION[kind]}/db`;

    const out = await ops.execute(req);

    expect(out.status).toBe('succeeded');
    expect(out.message).toBe(`rolled ${kind} shop/db back from revision 3 to 2: main db:v3 → db:v2`);
    expect(out.calls.map(line)).toEqual([`GET ${path}`, 'GET /apis/apps/v1/namespaces/shop/controllerrevisions?labelSelector=app%3Ddb', `PATCH ${path}`]);
    expect(a.fake.writes()).toEqual([expect.objectContaining({ method: 'PATCH', path, contentType: 'application/strategic-merge-patch+json', body: revisionData('db', 'db:v2') })]);
    expect(image(kind, 'db')).toBe('db:v2');
    expect(out.checkpoint).toMatchObject({ fromRevision: 3, toRevision: 2, patched: true, fromData: revisionData('db', 'db:v3') });

    const undone = await ops.rollback({ ...req, checkpoint: out.checkpoint });

    expect(undone.status).toBe('succeeded');
    expect(a.fake.writes().at(-1)?.body).toEqual(revisionData('db', 'db:v3'));
    expect(image(kind, 'db')).toBe('db:v3');
  });

  it.each(['StatefulSet', 'DaemonSet'] as const)('%s: resumed after the patch but before its checkpoint, does not roll back a second time', async (kind) => {
    seed(kind);
    const { ops } = kubeOps([a]);
    const req = request('rollback-revision', target(kind, 'db'));
    const first = await ops.execute(req);
    const { patched: _lost, ...beforeCheckpoint } = first.checkpoint ?? {};

    const resumed = await ops.execute({ ...req, checkpoint: beforeCheckpoint });

    expect(resumed.status).toBe('succeeded');
    expect(resumed.message).toMatch(/changed since its rollback to revision 2 was planned \(generation 1 → 2\): taken as rolled back/);
    expect(a.fake.writes()).toHaveLength(1);
    expect(image(kind, 'db')).toBe('db:v2');
    expect(resumed.checkpoint).toMatchObject({ patched: true, fromGeneration: 1 });
  });

  it('resumed with a plan whose patch never landed (same generation), patches as planned', async () => {
    seed('StatefulSet');
    const { ops } = kubeOps([a]);
    const req = request('rollback-revision', target('StatefulSet', 'db'));

    const out = await ops.execute({ ...req, checkpoint: { fromRevision: 3, toRevision: 2, fromGeneration: 1 } });

    expect(out.status).toBe('succeeded');
    expect(out.message).toBe('rolled StatefulSet shop/db back from revision 3 to 2: main db:v3 → db:v2');
    expect(a.fake.writes()).toHaveLength(1);
  });

  it('does not patch again when rerun after the patch was checkpointed', async () => {
    seed('StatefulSet');
    const { ops } = kubeOps([a]);
    const req = request('rollback-revision', target('StatefulSet', 'db'));
    const first = await ops.execute(req);

    const rerun = await ops.execute({ ...req, checkpoint: first.checkpoint });

    expect(rerun.status).toBe('succeeded');
    expect(rerun.message).toMatch(/already rolled back to revision 2/);
    expect(a.fake.writes()).toHaveLength(1);
  });

  it.each([
    { name: 'StatefulSet with a single revision', kind: 'StatefulSet' as const, revisions: [{ rev: 1 }] },
    { name: 'DaemonSet with a single revision', kind: 'DaemonSet' as const, revisions: [{ rev: 1 }] },
    { name: 'DaemonSet whose other revisions belong to another object', kind: 'DaemonSet' as const, revisions: [{ rev: 4 }, { rev: 2, uid: 'uid-other' }] },
    { name: 'StatefulSet with no revision at all', kind: 'StatefulSet' as const, revisions: [] },
  ])('refuses a $name, writing nothing', async ({ kind, revisions }) => {
    a.fake.add(COLLECTION[kind], kind === 'StatefulSet' ? statefulSet('shop', 'db') : daemonSet('shop', 'db'));
    for (const r of revisions as { rev: number; uid?: string }[]) a.fake.add('controllerrevisions', controllerRevision('shop', { kind, name: 'db', uid: r.uid }, r.rev, `db:v${r.rev}`));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('rollback-revision', target(kind, 'db')));

    expect(out.status).toBe('failed');
    expect(out.message).toBe(`refused: ${kind} shop/db has no previous revision`);
    expect(a.fake.writes()).toEqual([]);
  });
});

describe('rolloutStatus of StatefulSets and DaemonSets', () => {
  it.each([
    { name: 'StatefulSet rolled out', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { replicas: 3 }),
      status: { inProgress: false, desired: 3, available: 3 } },
    { name: 'StatefulSet with 1 of 3 updated', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { replicas: 3, updated: 1 }),
      status: { inProgress: true, reason: '1 of 3 replicas updated', desired: 3, available: 3 } },
    { name: 'StatefulSet with currentRevision behind updateRevision', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { currentRevision: 'db-a', updateRevision: 'db-b' }),
      status: { inProgress: true, reason: 'revision db-b rolling out', desired: 3, available: 3 } },
    { name: 'StatefulSet with an unobserved generation', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { generation: 2, observedGeneration: 1 }),
      status: { inProgress: true, reason: 'spec change not yet observed', desired: 3, available: 3 } },
    { name: 'StatefulSet scaled to 0', kind: 'StatefulSet' as const, w: statefulSet('shop', 'db', { replicas: 0 }),
      status: { inProgress: false, desired: 0, available: 0 } },
    { name: 'DaemonSet rolled out', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { desired: 5 }),
      status: { inProgress: false, desired: 5, available: 5 } },
    { name: 'DaemonSet with 2 of 5 updated', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { desired: 5, updated: 2, available: 4 }),
      status: { inProgress: true, reason: '2 of 5 pods updated', desired: 5, available: 4 } },
    { name: 'DaemonSet with all pods updated, 3 of 5 available', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { desired: 5, available: 3 }),
      status: { inProgress: true, reason: '3 of 5 updated pods available', desired: 5, available: 3 } },
    { name: 'DaemonSet with an unobserved generation', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { generation: 7, observedGeneration: 6 }),
      status: { inProgress: true, reason: 'spec change not yet observed', desired: 5, available: 5 } },
    { name: 'DaemonSet on no node', kind: 'DaemonSet' as const, w: daemonSet('shop', 'db', { desired: 0 }),
      status: { inProgress: false, desired: 0, available: 0 } },
  ])('$name', ({ kind, w, status }) => {
    expect(rolloutStatus(kind, w as Workload)).toEqual(status);
  });
});
