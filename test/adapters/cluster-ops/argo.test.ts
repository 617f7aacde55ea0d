import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createArgoWorkflowsClusterOps, workflowName } from '../../../src/adapters/cluster-ops/argo-workflows/index.js';
import { createArgoCdClient } from '../../../src/adapters/cluster-ops/argocd/index.js';
import { fixedClock } from '../../../src/core/clock.js';
import { silentLogger } from '../../../src/core/logger.js';
import { startArgoFake, type ArgoFake } from '../../fakes/argo-fake.js';
import { deployment, kubeOps, NOW_MS, request, startCluster, type FakeCluster } from './fixtures.js';

const ARGO_LABEL = { 'argocd.argoproj.io/instance': 'shop' };

const WEB_RESOURCE = { group: 'apps', version: 'v1', kind: 'Deployment', namespace: 'shop', name: 'web', status: 'Synced' };

describe('Argo Workflows ClusterOps', () => {
  let argo: ArgoFake;
  beforeEach(async () => { argo = await startArgoFake({ token: 'wf-token' }); });
  afterEach(async () => { expect(argo.unexpected).toEqual([]); await argo.close(); });

  const ops = () => createArgoWorkflowsClusterOps({ baseUrl: argo.url, token: 'wf-token', namespace: 'fleetops', workflowTemplate: 'fleetops-safe-operation', clock: fixedClock(NOW_MS), logger: silentLogger });

  it('submits one Workflow named after the proposal id; a second submit answers 409 and nothing runs twice', async () => {
    const req = request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' });
    const saved: Record<string, unknown>[] = [];

    const first = await ops().execute({ ...req, onCheckpoint: async (cp) => { saved.push(cp); } });
    const second = await ops().execute(req);
    argo.setWorkflowPhase(workflowName(req.operationId, 'execute'), 'Succeeded');
    const third = await ops().execute(req);

    expect(argo.workflowsCreated()).toBe(1);
    expect(first).toMatchObject({ status: 'blocked', inProgress: true, message: expect.stringMatching(/fleetops-p0123456789abcdef is Running/) });
    expect(third.inProgress).toBeUndefined();
    expect(second.message).toMatch(/already submitted earlier; not submitted again/);
    expect(third.status).toBe('succeeded');
    expect(saved).toEqual([{ workflow: 'fleetops-p0123456789abcdef' }]);
    expect(argo.workflow('fleetops-p0123456789abcdef')?.spec).toMatchObject({
      workflowTemplateRef: { name: 'fleetops-safe-operation' },
      arguments: { parameters: expect.arrayContaining([{ name: 'operationId', value: 'p0123456789abcdef' }, { name: 'mode', value: 'execute' }]) },
    });
  });

  it('retries a submit answered 503 or 429 (honouring Retry-After) and submits the Workflow once', async () => {
    const req = request('scale-workload', { kind: 'Deployment', namespace: 'shop', name: 'web' });
    const sleeps: number[] = [];
    argo.failNext({ status: 503 }, { status: 429, headers: { 'retry-after': '7' } });

    const outcome = await createArgoWorkflowsClusterOps({
      baseUrl: argo.url, token: 'wf-token', namespace: 'fleetops', workflowTemplate: 't', clock: fixedClock(NOW_MS), logger: silentLogger,
      retryBaseDelayMs: 1, sleep: async (ms) => { sleeps.push(ms); },
    }).execute(req);

    expect(outcome).toMatchObject({ status: 'blocked', inProgress: true });
    expect(argo.workflowsCreated()).toBe(1);
    expect(argo.requests.filter((r) => r.method === 'POST')).toHaveLength(3);
    expect(sleeps[1]).toBe(7_000);
  });

  it('throws after the retries, so the execution is retried on a later run and never rolled back for a submit that did not happen', async () => {
    const req = request('scale-workload', { kind: 'Deployment', namespace: 'shop', name: 'web' });
    argo.failNext({ status: 503 }, { status: 503 }, { status: 503 });

    const attempt = createArgoWorkflowsClusterOps({
      baseUrl: argo.url, token: 'wf-token', namespace: 'fleetops', workflowTemplate: 't', clock: fixedClock(NOW_MS), logger: silentLogger,
      retries: 2, retryBaseDelayMs: 1, sleep: async () => undefined,
    }).execute(req);

    await expect(attempt).rejects.toThrow(/Argo Workflows answered HTTP 503 to .*: .*injected 503/);
    expect(argo.workflowsCreated()).toBe(0);
  });

  it('reports a failed Workflow as failed, and a wrong token as a refusal with a hint', async () => {
    const req = request('evict-pod', { kind: 'Pod', namespace: 'shop', name: 'web-1' });
    await ops().execute(req);
    argo.setWorkflowPhase(workflowName(req.operationId, 'execute'), 'Failed', 'eviction blocked');

    const failed = await ops().execute(req);
    const denied = await createArgoWorkflowsClusterOps({ baseUrl: argo.url, token: 'wrong', namespace: 'fleetops', workflowTemplate: 't', clock: fixedClock(NOW_MS), logger: silentLogger }).execute(req);

    expect(failed).toMatchObject({ status: 'failed', message: expect.stringMatching(/Failed: eviction blocked/) });
    expect(failed.inProgress).toBeUndefined();
    expect(denied).toMatchObject({ status: 'failed', message: expect.stringMatching(/HTTP 401.*check the Argo Workflows token/) });
  });

  it('stops a running Workflow through PUT …/stop with the documented body; the Workflow then ends as Failed', async () => {
    const req = request('evict-pod', { kind: 'Pod', namespace: 'shop', name: 'web-1' });
    const name = workflowName(req.operationId, 'execute');
    await ops().execute(req);

    const stopped = await ops().stop(req, 'execute', 'fleetops: no result within 60 min');
    const meanwhile = await ops().execute(req);
    argo.completeShutdowns();
    const after = await ops().execute(req);

    expect(stopped).toMatchObject({ status: 'succeeded', message: `asked Argo to stop Workflow ${name}` });
    expect(argo.requests.find((r) => r.method === 'PUT')).toEqual({
      method: 'PUT', path: `/api/v1/workflows/fleetops/${name}/stop`, authorization: 'Bearer wf-token',
      body: { name, namespace: 'fleetops', message: 'fleetops: no result within 60 min' },
    });
    expect(meanwhile).toMatchObject({ status: 'blocked', inProgress: true });
    expect(after).toMatchObject({ status: 'failed', message: expect.stringMatching(/Failed: Stopped with strategy 'Stop'/) });
  });

  it('does not ask Argo to stop a Workflow that has already finished (Argo Server answers 500 to that), and reports a missing one as a refusal', async () => {
    const req = request('evict-pod', { kind: 'Pod', namespace: 'shop', name: 'web-1' });
    await ops().execute(req);
    argo.setWorkflowPhase(workflowName(req.operationId, 'execute'), 'Succeeded');

    const finished = await ops().stop(req, 'execute', 'late');
    const missing = await ops().stop(req, 'rollback', 'late');

    expect(finished).toMatchObject({ status: 'succeeded', message: expect.stringMatching(/had already finished \(Succeeded\); nothing to stop/) });
    expect(missing).toMatchObject({ status: 'failed', message: expect.stringMatching(/HTTP 404: workflows.argoproj.io ".*-rollback" not found/) });
    expect(argo.stops).toEqual([]);
  });
});

describe('Argo CD-managed objects', () => {
  let argo: ArgoFake;
  let a: FakeCluster;
  beforeEach(async () => {
    argo = await startArgoFake({ token: 'cd-token' });
    a = await startCluster('cluster-a', 'token-a');
  });
  afterEach(async () => {
    expect(argo.unexpected).toEqual([]);
    expect(a.fake.unexpected).toEqual([]);
    await Promise.all([argo.close(), a.fake.close()]);
  });
  const client = () => createArgoCdClient({ baseUrl: argo.url, token: 'cd-token', sleep: async () => undefined });
  /** Deployment shop/web tracked by application shop, which lists it and has two syncs (7, then 8) with auto-sync on. */
  const seedArgoManagedWeb = () => {
    a.fake.add('deployments', deployment('shop', 'web', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web' } }));
    argo.addApp('shop', { automated: { prune: true, selfHeal: true }, history: [{ id: 7, revision: 'aaa' }, { id: 8, revision: 'bbb' }], resources: [WEB_RESOURCE] });
  };

  it('restarts through the Argo CD resource action, never a patch', async () => {
    a.fake.add('deployments', deployment('shop', 'web', { labels: ARGO_LABEL }));
    argo.addApp('shop', { resources: [WEB_RESOURCE] });
    const { ops } = kubeOps([a], { argo: client() });

    const out = await ops.execute(request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' }));

    expect(out.status).toBe('succeeded');
    expect(argo.actions).toEqual([{ app: 'shop', action: 'restart', query: { namespace: 'shop', resourceName: 'web', version: 'v1', kind: 'Deployment', group: 'apps' } }]);
    expect(a.fake.writes()).toEqual([]);
  });

  it.each([
    { operation: 'rollout-restart', destination: { name: 'cluster-b', namespace: 'shop' }, refused: /deploys to cluster cluster-b, not to cluster cluster-a \(https:\/\/127\.0\.0\.1:\d+\) where Deployment shop\/web runs; nothing was changed/ },
    { operation: 'rollback-revision', destination: { server: 'https://eu-west-9.example.test:6443' }, refused: /deploys to server https:\/\/eu-west-9\.example\.test:6443, not to cluster cluster-a/ },
    { operation: 'rollout-restart', destination: { server: 'SELF/' }, refused: undefined },
    { operation: 'rollback-revision', destination: { server: 'SELF' }, refused: undefined },
  ])('$operation through an application deploying to $destination: refused unless it is the target cluster (by name or API server URL)', async ({ operation, destination, refused }) => {
    a.fake.add('deployments', deployment('shop', 'web', { annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web' } }));
    const dest = destination.server ? { server: destination.server.replace('SELF', a.fake.url) } : destination;
    argo.addApp('shop', { automated: { prune: true, selfHeal: true }, history: [{ id: 7, revision: 'aaa' }, { id: 8, revision: 'bbb' }], resources: [WEB_RESOURCE], destination: dest });
    const { ops } = kubeOps([a], { argo: client() });

    const out = await ops.execute(request(operation, { kind: 'Deployment', namespace: 'shop', name: 'web' }));

    if (refused) {
      expect(out.status).toBe('failed');
      expect(out.message).toMatch(refused);
      expect([...argo.actions, ...argo.rollbacks]).toEqual([]);
    } else {
      expect(out.status).toBe('succeeded');
      expect([...argo.actions, ...argo.rollbacks]).toHaveLength(1);
    }
    expect(a.fake.writes()).toEqual([]);
  });

  it('refuses a restart of an Argo-managed workload whose own strategy exceeds the approval, since only Git can tighten it', async () => {
    const d = deployment('shop', 'web', { replicas: 4, labels: ARGO_LABEL }) as Record<string, any>; // eslint-disable-line @typescript-eslint/no-explicit-any
    d.spec.strategy = { type: 'RollingUpdate', rollingUpdate: { maxUnavailable: '50%', maxSurge: '25%' } };
    a.fake.add('deployments', d);
    argo.addApp('shop', { resources: [WEB_RESOURCE] });
    const { ops } = kubeOps([a], { argo: client() });

    const out = await ops.execute(request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' }, { maxUnavailablePercent: 25 }));

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(/managed by Argo CD application shop and its strategy \(maxUnavailable 50%, maxSurge 25%: 2 of 4 unavailable and 1 surge\) exceeds the approved maxUnavailablePercent 25/);
    expect(argo.actions).toEqual([]);
    expect(a.fake.writes()).toEqual([]);
  });

  it.each([
    { name: 'does not run the action again when the live object carries its restart stamp', stamped: '2025-06-02T10:00:03Z', actions: 0 },
    { name: 'runs the action when the live stamp is an older restart', stamped: '2025-06-01T08:00:00Z', actions: 1 },
  ])('resumed after asking Argo CD to restart but before its checkpoint, $name', async ({ stamped, actions }) => {
    a.fake.add('deployments', deployment('shop', 'web', { labels: ARGO_LABEL }));
    a.fake.get('deployments', 'shop', 'web')!.spec.template.metadata.annotations = { 'kubectl.kubernetes.io/restartedAt': stamped };
    argo.addApp('shop', { resources: [WEB_RESOURCE] });
    const { ops } = kubeOps([a], { argo: client() });

    const out = await ops.execute(request('rollout-restart', { kind: 'Deployment', namespace: 'shop', name: 'web' }, {}, { checkpoint: { argoActionRequestedAt: '2025-06-02T10:00:00.000Z' } }));

    expect(out.status).toBe('succeeded');
    expect(argo.actions).toHaveLength(actions);
  });

  it('rolls back through Argo CD with auto-sync paused, and re-enables it on rollback', async () => {
    seedArgoManagedWeb();
    const { ops } = kubeOps([a], { argo: client() });
    const req = request('rollback-revision', { kind: 'Deployment', namespace: 'shop', name: 'web' });

    const out = await ops.execute(req);

    expect(out.status).toBe('succeeded');
    expect(argo.rollbacks).toEqual([{ app: 'shop', id: 7 }]);
    expect(argo.app('shop')?.spec.syncPolicy.automated).toBeUndefined();
    expect(a.fake.writes()).toEqual([]);
    await ops.rollback({ ...req, checkpoint: out.checkpoint });
    expect(argo.app('shop')?.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
  });

  it('resumed after the Argo CD rollback call but before its checkpoint, does not roll back again (to the bad sync)', async () => {
    seedArgoManagedWeb();
    const { ops } = kubeOps([a], { argo: client() });
    const req = request('rollback-revision', { kind: 'Deployment', namespace: 'shop', name: 'web' });
    const first = await ops.execute(req);
    const { argoRolledBackTo: _lost, ...beforeCheckpoint } = first.checkpoint ?? {};

    const resumed = await ops.execute({ ...req, checkpoint: beforeCheckpoint });

    expect(resumed.status).toBe('succeeded');
    expect(resumed.message).toMatch(/synced again since its rollback to history 7 was planned: taken as rolled back/);
    expect(argo.rollbacks).toEqual([{ app: 'shop', id: 7 }]);
    expect(resumed.checkpoint).toMatchObject({ argoRolledBackTo: 7, fromHistoryId: 8 });
  });

  it.each([
    { name: 'lists none', resources: [] },
    { name: 'manages a Deployment of that name in another namespace', resources: [{ ...WEB_RESOURCE, namespace: 'payments' }] },
  ])('refuses a rollback of a whole application that $name (the label on the workload points elsewhere), changing nothing', async ({ resources }) => {
    a.fake.add('deployments', deployment('shop', 'web', { annotations: { 'argocd.argoproj.io/tracking-id': 'billing:apps/Deployment:shop/web' } }));
    argo.addApp('billing', { automated: { prune: true, selfHeal: true }, history: [{ id: 7, revision: 'aaa' }, { id: 8, revision: 'bbb' }], resources });
    const { ops } = kubeOps([a], { argo: client() });

    const out = await ops.execute(request('rollback-revision', { kind: 'Deployment', namespace: 'shop', name: 'web' }));

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(/Argo CD application billing does not list Deployment shop\/web among its resources/);
    expect(argo.rollbacks).toEqual([]);
    expect(argo.app('billing')?.spec.syncPolicy.automated).toEqual({ prune: true, selfHeal: true });
    expect(a.fake.writes()).toEqual([]);
  });

  it.each([
    { name: 'a scale of an Argo-managed Deployment', op: 'scale-workload', params: { direction: 'up', replicas: 5 }, withArgo: true, message: /managed by Argo CD application shop; change its desired state in Git/ },
    { name: 'a restart without an Argo CD connection', op: 'rollout-restart', params: {}, withArgo: false, message: /no Argo CD connection is configured/ },
  ])('refuses $name instead of patching', async ({ op, params, withArgo, message }) => {
    a.fake.add('deployments', deployment('shop', 'web', { labels: ARGO_LABEL }));
    argo.addApp('shop');
    const { ops } = kubeOps([a], withArgo ? { argo: client() } : {});

    const out = await ops.execute(request(op, { kind: 'Deployment', namespace: 'shop', name: 'web' }, params));

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(message);
    expect(a.fake.writes()).toEqual([]);
  });
});
