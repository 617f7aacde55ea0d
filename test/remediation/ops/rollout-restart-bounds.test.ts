import { describe, expect, it } from 'vitest';
import type { Workload } from '../../../src/remediation/ops/index.js';
import { approvedBounds, boundsToHold, ownBounds, scaledValue } from '../../../src/remediation/ops/rollout-bounds.js';
import { RESTART_WAIT_MS } from '../../../src/remediation/ops/rollout-restart.js';
import { deployment, kubeOps, request, useFakeCluster, type FakeCluster } from '../../adapters/cluster-ops/fixtures.js';
import { daemonSet, statefulSet } from './workload-fixtures.js';

type Obj = Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
const RESTARTED_AT = 'kubectl.kubernetes.io/restartedAt';
const STAMP = '2025-06-02T10:00:00.000Z'; // NOW_MS of the shared fixtures
const WEB = { kind: 'Deployment' as const, namespace: 'shop', name: 'web' };
const PATH = '/apis/apps/v1/namespaces/shop/deployments/web';

const withStrategy = (w: Obj, strategy: Obj): Obj => ({ ...w, spec: { ...w.spec, strategy } });
const rolling = (maxUnavailable: number | string, maxSurge: number | string) => ({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable, maxSurge } });

describe('rolling-update bounds in pods', () => {
  it('resolves percentages as the controllers do: unavailable rounds down, surge up', () => {
    expect(scaledValue('25%', 10, false, 0)).toBe(2);
    expect(scaledValue('25%', 10, true, 0)).toBe(3);
    expect(scaledValue('10%', 20, false, 0)).toBe(2);
    expect(scaledValue(3, 10, false, 0)).toBe(3);
    expect(scaledValue(undefined, 8, false, '25%')).toBe(2);
    expect(scaledValue('0%', 8, true, 0)).toBe(0);
  });

  it('reads a Deployment with the API defaults (25 %/25 %) and the controller fencepost (both 0 → 1 unavailable)', () => {
    const d = deployment('shop', 'web', { replicas: 8 }) as Workload;
    expect(ownBounds('Deployment', d)).toMatchObject({ ok: true, pods: 8, bounds: { unavailable: 2, surge: 2 } });
    const zero = withStrategy(deployment('shop', 'web', { replicas: 8 }), rolling(0, 0)) as Workload;
    expect(ownBounds('Deployment', zero)).toMatchObject({ bounds: { unavailable: 1, surge: 0 } });
  });

  it('refuses strategies no bound can hold: Recreate, OnDelete, a StatefulSet partition', () => {
    expect(ownBounds('Deployment', withStrategy(deployment('shop', 'web'), { type: 'Recreate' }) as Workload)).toEqual({ ok: false, reason: 'Deployment shop/web uses the Recreate strategy: a restart takes all 3 pods down at once' });
    const onDelete = statefulSet('shop', 'db') as Obj;
    onDelete.spec.updateStrategy = { type: 'OnDelete' };
    expect(ownBounds('StatefulSet', onDelete as Workload)).toMatchObject({ ok: false, reason: /OnDelete update strategy: a restart would replace no pod/ });
    const partitioned = statefulSet('shop', 'db') as Obj;
    partitioned.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { partition: 2 } };
    expect(ownBounds('StatefulSet', partitioned as Workload)).toMatchObject({ ok: false, reason: /partition of 2: a restart would replace only the pods from ordinal 2 on/ });
  });

  it('holds the tighter of own and approved, lending a surge pod where both would be 0', () => {
    // own 2 unavailable / 2 surge of 8; approved 0 % / 25 % → 0 / 2
    expect(boundsToHold('Deployment', { unavailable: 2, surge: 2 }, approvedBounds('Deployment', { maxUnavailablePercent: 0, maxSurgePercent: 25 }, 8), 8)).toEqual({ unavailable: 0, surge: 2 });
    // own 1 unavailable / 0 surge (a DaemonSet's default); approved 0 % / 25 % of 5 → hold 0 / 2
    expect(boundsToHold('DaemonSet', { unavailable: 1, surge: 0 }, approvedBounds('DaemonSet', { maxUnavailablePercent: 0, maxSurgePercent: 25 }, 5), 5)).toEqual({ unavailable: 0, surge: 2 });
    // within the approval: nothing to hold
    expect(boundsToHold('Deployment', { unavailable: 0, surge: 1 }, { unavailable: 0, surge: 1 }, 3)).toBeUndefined();
    // neither an unavailable nor a surge pod approved
    expect(boundsToHold('Deployment', { unavailable: 1, surge: 0 }, approvedBounds('Deployment', { maxUnavailablePercent: 0, maxSurgePercent: 0 }, 4), 4)).toMatch(/neither an unavailable pod nor a surge pod/);
    // without surge, one pod at a time is the gentlest restart there is: allowed whatever the approval
    expect(boundsToHold('StatefulSet', { unavailable: 1, surge: 0 }, approvedBounds('StatefulSet', { maxUnavailablePercent: 0 }, 3), 3)).toBeUndefined();
    // a StatefulSet whose own maxUnavailable is 4 of 10 is held at 2 (20 %), or at 1 when none is approved
    expect(boundsToHold('StatefulSet', { unavailable: 4, surge: 0 }, approvedBounds('StatefulSet', { maxUnavailablePercent: 20 }, 10), 10)).toEqual({ unavailable: 2, surge: 0 });
    expect(boundsToHold('StatefulSet', { unavailable: 4, surge: 0 }, approvedBounds('StatefulSet', { maxUnavailablePercent: 0, maxSurgePercent: 25 }, 10), 10)).toEqual({ unavailable: 1, surge: 0 });
  });
});

let a: FakeCluster;
useFakeCluster((c) => { a = c; });

/** The Deployment controller of the fake: on each wait, the rollout finishes once `after` waits have passed. */
function controller(after = 1) {
  let waits = 0;
  return async () => {
    waits++;
    const d = a.fake.get('deployments', 'shop', 'web') as Obj;
    if (waits >= after) d.status.observedGeneration = d.metadata.generation;
  };
}
const web = () => a.fake.get('deployments', 'shop', 'web') as Obj;

describe('rollout-restart within the approved bounds (Kubernetes API fake)', () => {
  it('holds a looser strategy at the approved bounds in the restart patch, and restores it when the rollout completes', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 8 }), rolling('50%', '50%')));
    const { ops } = kubeOps([a], { sleep: controller() });

    const out = await ops.execute(request('rollout-restart', WEB, { maxUnavailablePercent: 10, maxSurgePercent: 25 }));

    expect(out.status).toBe('succeeded');
    // 10 % of 8 is 0 pods down (own: 4), 25 % is 2 surge pods (own: 4)
    expect(a.fake.writes().map((r) => r.body)).toEqual([
      { spec: { strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 2 } }, template: { metadata: { annotations: { [RESTARTED_AT]: STAMP } } } } },
      // conditional on the version read: a strategy changed since answers 409 and is read again
      { metadata: { resourceVersion: expect.any(String) }, spec: { strategy: { rollingUpdate: { maxUnavailable: '50%', maxSurge: '50%' } } } },
    ]);
    expect(a.fake.writes().map((r) => `${r.method} ${r.path}`)).toEqual([`PATCH ${PATH}`, `PATCH ${PATH}`]);
    expect(web().spec.strategy).toEqual(rolling('50%', '50%'));
    expect(web().spec.template.metadata.annotations[RESTARTED_AT]).toBe(STAMP);
    expect(out.message).toBe('restarted Deployment shop/web holding maxUnavailable 0, maxSurge 2, then restored its own maxUnavailable 50%, maxSurge 50%');
    expect(out.checkpoint).toEqual({ restartedAt: STAMP, heldStrategy: { original: { maxUnavailable: '50%', maxSurge: '50%' }, held: { maxUnavailable: 0, maxSurge: 2 } }, strategyRestored: true });
  });

  it('keeps the workload\'s own strategy when it is within the approval: one patch, the annotation only', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 8 }), rolling(0, 1)));
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('rollout-restart', WEB, { maxUnavailablePercent: 0, maxSurgePercent: 25 }));

    expect(out.status).toBe('succeeded');
    expect(a.fake.writes().map((r) => r.body)).toEqual([{ spec: { template: { metadata: { annotations: { [RESTARTED_AT]: STAMP } } } } }]);
    expect(out.message).toMatch(/within its own strategy \(0 of 8 unavailable and 1 surge\)/);
  });

  it('answers in progress while the rollout outlasts the wait, keeps the held bounds, and restores them on the next run without restarting again', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 4 }), rolling('25%', '25%')));
    const req = request('rollout-restart', WEB, { maxUnavailablePercent: 0, maxSurgePercent: 25 });
    const stuck = kubeOps([a]); // its sleep only counts: the fake's rollout never moves

    const first = await stuck.ops.execute(req);

    expect(first).toMatchObject({ status: 'blocked', inProgress: true });
    expect(first.message).toMatch(/still rolling out after 60 s \(spec change not yet observed\); its strategy stays at maxUnavailable 0, maxSurge 1 until it completes/);
    expect(web().spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 0, maxSurge: 1 });
    expect(stuck.sleeps).toHaveLength(RESTART_WAIT_MS / 5_000);

    web().status.observedGeneration = web().metadata.generation;
    const next = await kubeOps([a]).ops.execute({ ...req, checkpoint: first.checkpoint });

    expect(next.status).toBe('succeeded');
    expect(web().spec.strategy.rollingUpdate).toEqual({ maxUnavailable: '25%', maxSurge: '25%' });
    expect(a.fake.writes().filter((r) => JSON.stringify(r.body).includes(RESTARTED_AT))).toHaveLength(1);
  });

  it('leaves a strategy someone changed during the rollout as they set it', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 4 }), rolling('50%', '25%')));
    const { ops } = kubeOps([a], { sleep: async () => {
      web().spec.strategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 1 };
      web().status.observedGeneration = web().metadata.generation;
    } });

    const out = await ops.execute(request('rollout-restart', WEB));

    expect(out.status).toBe('succeeded');
    expect(out.message).toMatch(/changed by someone else since \(now maxUnavailable 1, maxSurge 1\) and is left as it is/);
    expect(web().spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 1 });
    expect(a.fake.writes()).toHaveLength(1);
  });

  it('a rollback after a failed verification puts the original strategy back when the held one is still there', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 4 }), rolling('50%', '50%')));
    const req = request('rollout-restart', WEB);
    const first = await kubeOps([a], { sleep: async () => undefined }).ops.execute(req);
    expect(first.inProgress).toBe(true);

    const undone = await kubeOps([a]).ops.rollback({ ...req, checkpoint: first.checkpoint });

    expect(undone.status).toBe('failed');
    expect(undone.message).toMatch(/cannot be undone \(its rollout is under way\); its own strategy maxUnavailable 50%, maxSurge 50% was restored: the rest of the rollout runs under it$/);
    expect(web().spec.strategy.rollingUpdate).toEqual({ maxUnavailable: '50%', maxSurge: '50%' });
    expect(undone.checkpoint).toMatchObject({ strategyRestored: true });
  });

  it('a rollback run again from a checkpoint that missed the restore (a crash before it was recorded) finds it back and patches nothing', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 4 }), rolling('50%', '50%')));
    const req = request('rollout-restart', WEB);
    const first = await kubeOps([a], { sleep: async () => undefined }).ops.execute(req);
    await kubeOps([a]).ops.rollback({ ...req, checkpoint: first.checkpoint });

    const again = await kubeOps([a]).ops.rollback({ ...req, checkpoint: first.checkpoint });

    expect(again.message).toMatch(/; its own strategy maxUnavailable 50%, maxSurge 50% was already back$/);
    expect(again.checkpoint).toMatchObject({ strategyRestored: true });
    expect(a.fake.writes()).toHaveLength(2); // the restart, one restore
    expect(web().spec.strategy.rollingUpdate).toEqual({ maxUnavailable: '50%', maxSurge: '50%' });
  });

  it('a rollback leaves a strategy someone changed since the restart as they set it, and says so', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 4 }), rolling('50%', '50%')));
    const req = request('rollout-restart', WEB);
    const first = await kubeOps([a], { sleep: async () => undefined }).ops.execute(req);
    web().spec.strategy.rollingUpdate = { maxUnavailable: 1, maxSurge: 0 };

    const undone = await kubeOps([a]).ops.rollback({ ...req, checkpoint: first.checkpoint });

    expect(undone.message).toMatch(/the strategy it held \(maxUnavailable 0, maxSurge 1\) was changed by someone else since \(now maxUnavailable 1, maxSurge 0\) and is left as it is$/);
    expect(web().spec.strategy.rollingUpdate).toEqual({ maxUnavailable: 1, maxSurge: 0 });
    expect(a.fake.writes()).toHaveLength(1);
    expect(undone.checkpoint).toMatchObject({ strategyRestored: true });
  });

  it.each([
    { name: 'a Recreate Deployment', add: () => a.fake.add('deployments', withStrategy(deployment('shop', 'web'), { type: 'Recreate' })), target: WEB, params: {},
      message: /^refused: Deployment shop\/web uses the Recreate strategy: a restart takes all 3 pods down at once$/ },
    { name: 'a Deployment with neither unavailable nor surge pods approved', add: () => a.fake.add('deployments', deployment('shop', 'web', { replicas: 4 })), target: WEB,
      params: { maxUnavailablePercent: 0, maxSurgePercent: 0 }, message: /allow neither an unavailable pod nor a surge pod of 4/ },
  ])('refuses $name, writing nothing', async ({ add, target, params, message }) => {
    add();
    const { ops } = kubeOps([a]);

    const out = await ops.execute(request('rollout-restart', target, params));

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(message);
    expect(a.fake.writes()).toEqual([]);
  });

  it('restarts a DaemonSet binding host ports one pod at a time, without the surge it cannot have, with nothing unavailable approved', async () => {
    const ds = daemonSet('shop', 'db') as Obj;
    ds.spec.template.spec.hostNetwork = true;
    ds.spec.template.spec.containers[0].ports = [{ containerPort: 9100 }];
    a.fake.add('daemonsets', ds);

    const out = await kubeOps([a]).ops.execute(request('rollout-restart', { kind: 'DaemonSet', namespace: 'shop', name: 'db' }));

    expect(out.status).toBe('succeeded');
    expect(a.fake.writes()).toHaveLength(1);
    expect(out.message).toMatch(/within its own strategy \(1 of 5 unavailable and 0 surge\)/);
  });

  it('holds a StatefulSet whose own maxUnavailable is 50 % at one pod at a time when nothing unavailable is approved, and restores it', async () => {
    const ss = statefulSet('shop', 'db', { replicas: 4 }) as Obj;
    ss.spec.updateStrategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', partition: 0 } };
    a.fake.add('statefulsets', ss);
    const db = () => a.fake.get('statefulsets', 'shop', 'db') as Obj;
    const { ops } = kubeOps([a], { sleep: async () => { db().status.observedGeneration = db().metadata.generation; } });

    const out = await ops.execute(request('rollout-restart', { kind: 'StatefulSet', namespace: 'shop', name: 'db' }));

    expect(out.status).toBe('succeeded');
    expect(a.fake.writes().map((r) => r.body)).toEqual([
      { spec: { updateStrategy: { rollingUpdate: { maxUnavailable: 1 } }, template: { metadata: { annotations: { [RESTARTED_AT]: STAMP } } } } },
      { metadata: { resourceVersion: expect.any(String) }, spec: { updateStrategy: { rollingUpdate: { maxUnavailable: '50%' } } } },
    ]);
    expect(db().spec.updateStrategy).toEqual({ type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', partition: 0 } });
  });
});

describe('rollout-restart preview', () => {
  it('plans the held restart and the restore, writing nothing', async () => {
    a.fake.add('deployments', withStrategy(deployment('shop', 'web', { replicas: 8 }), rolling('50%', '50%')));
    const { ops } = kubeOps([a]);

    const { calls, status } = await ops.plan(request('rollout-restart', WEB, { maxUnavailablePercent: 10, maxSurgePercent: 25 }));

    expect(status).toBe('succeeded');

    expect(calls.map((c) => `${c.method} ${c.path}`)).toEqual([`GET ${PATH}`, `PATCH ${PATH}`, `GET ${PATH}`, `PATCH ${PATH}`]);
    expect(calls[1].body).toMatchObject({ spec: { strategy: { rollingUpdate: { maxUnavailable: 0, maxSurge: 2 } } } });
    expect(calls[3].body).toEqual({ metadata: { resourceVersion: expect.any(String) }, spec: { strategy: { rollingUpdate: { maxUnavailable: '50%', maxSurge: '50%' } } } });
    expect(a.fake.writes()).toEqual([]);
  });
});
