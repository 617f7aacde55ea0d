import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createClusterRegistry, parseClusterRegistry } from '../../../src/remediation/registry/index.js';
import { NotFoundError } from '../../../src/core/errors.js';
import { deployment, kubeOps, request, secretsOf, startCluster, type FakeCluster } from '../../adapters/cluster-ops/fixtures.js';

let a: FakeCluster;
let b: FakeCluster;
beforeAll(async () => {
  [a, b] = await Promise.all([startCluster('cluster-a', 'token-a'), startCluster('cluster-b', 'token-b')]);
  a.fake.add('deployments', deployment('shop', 'web'));
  b.fake.add('deployments', deployment('shop', 'web'));
});
afterAll(async () => { await Promise.all([a.fake.close(), b.fake.close()]); });

describe('cluster registry isolation', () => {
  it('an operation on cluster A reaches only A, carrying only A\'s token', async () => {
    const { ops } = kubeOps([a, b]);

    const out = await ops.execute(request('rollout-restart', { cluster: 'cluster-a', kind: 'Deployment', namespace: 'shop', name: 'web' }));

    expect(out.status).toBe('succeeded');
    expect(a.fake.requests.length).toBeGreaterThan(0);
    expect(new Set(a.fake.requests.map((r) => r.authorization))).toEqual(new Set(['Bearer token-a']));
    expect(b.fake.requests).toEqual([]);
  });

  it('builds a KubeConfig holding exactly the one cluster, its CA and its own user', async () => {
    const registry = createClusterRegistry({
      clusters: parseClusterRegistry(`clusters:
  - { name: cluster-a, server: "${a.fake.url}", caData: ${a.ca}, credentials: { kind: token-secret, secret: { namespace: fleetops, name: a-token } } }
  - { name: cluster-b, server: "${b.fake.url}", caData: ${b.ca}, credentials: { kind: token-secret, secret: { namespace: fleetops, name: b-token } } }
`),
      secrets: secretsOf({ 'a-token': 'token-a', 'b-token': 'token-b' }),
    });

    const kc = await registry.kubeConfigFor('cluster-a');

    expect(kc.getClusters().map((c) => [c.name, c.server, c.caData])).toEqual([['cluster-a', a.fake.url, a.ca]]);
    expect(kc.getUsers().map((u) => [u.name, u.token])).toEqual([['cluster-a', 'token-a']]);
    expect(kc.getCurrentCluster()?.skipTLSVerify).toBe(false);
  });

  it('a request with another cluster\'s CA fails TLS verification instead of being sent', async () => {
    const before = a.fake.requests.length;
    const { ops } = kubeOps([{ ...a, ca: b.ca }]);

    const out = await ops.execute(request('rollout-restart', { cluster: 'cluster-a', kind: 'Deployment', namespace: 'shop', name: 'web' }));

    expect(out.status).toBe('failed');
    expect(out.message).toMatch(/certificate/i);
    expect(a.fake.requests.length).toBe(before);
  });

  it('fails closed for an unknown cluster: no request goes anywhere', async () => {
    const counts = [a.fake.requests.length, b.fake.requests.length];
    const { ops } = kubeOps([a, b]);

    const out = await ops.execute(request('rollout-restart', { cluster: 'cluster-z', kind: 'Deployment', namespace: 'shop', name: 'web' }));

    expect(out).toMatchObject({ status: 'failed', message: expect.stringMatching(/cluster cluster-z is not in the cluster registry/) });
    expect([a.fake.requests.length, b.fake.requests.length]).toEqual(counts);
    expect(() => createClusterRegistry({ clusters: [], secrets: secretsOf({}) }).entry('cluster-z')).toThrow(NotFoundError);
  });
});

describe('cluster registry file', () => {
  it.each([
    { name: 'plain http server', yaml: 'clusters: [{ name: x, server: "http://10.0.0.1", credentials: { kind: exec, command: kubelogin } }]', error: /clusters\.0\.server/ },
    { name: 'duplicate cluster', yaml: 'clusters: [{ name: x, server: "https://a", credentials: { kind: exec, command: k } }, { name: x, server: "https://b", credentials: { kind: exec, command: k } }]', error: /clusters\.1\.name: duplicate cluster x/ },
    { name: 'inline token', yaml: 'clusters: [{ name: x, server: "https://a", token: abc, credentials: { kind: exec, command: k } }]', error: /clusters\.0/ },
    { name: 'no server without an Argo CD secret', yaml: 'clusters: [{ name: x, credentials: { kind: eks, clusterName: x, region: eu-west-1 } }]', error: /clusters\.0\.server: server is required/ },
  ])('rejects $name with the field path', ({ yaml, error }) => {
    expect(() => parseClusterRegistry(yaml, 'clusters.yaml')).toThrow(error);
  });

  it('turns EKS credentials into the aws eks get-token exec plugin, and reads an Argo CD cluster secret', async () => {
    const registry = createClusterRegistry({
      clusters: parseClusterRegistry(`clusters:
  - { name: eks-1, server: "https://eks.example", caData: Q0E=, credentials: { kind: eks, clusterName: prod-1, region: eu-west-1, roleArn: "arn:aws:iam::1:role/fleetops" } }
  - { name: argo-1, credentials: { kind: argocd-cluster-secret, secret: { namespace: argocd, name: cluster-argo-1 } } }
  - { name: argo-insecure, credentials: { kind: argocd-cluster-secret, secret: { namespace: argocd, name: insecure } } }
`),
      secrets: {
        readSecret: async (ref) => (ref.name === 'cluster-argo-1'
          ? { server: 'https://argo-1.example', config: JSON.stringify({ bearerToken: 'argo-token', tlsClientConfig: { caData: 'QVJHTw==' } }) }
          : { server: 'https://x', config: JSON.stringify({ bearerToken: 't', tlsClientConfig: { insecure: true } }) }),
      },
    });

    const eks = (await registry.kubeConfigFor('eks-1')).getCurrentUser();
    const argo = await registry.kubeConfigFor('argo-1');

    expect(eks?.exec).toMatchObject({ command: 'aws', args: ['eks', 'get-token', '--cluster-name', 'prod-1', '--region', 'eu-west-1', '--role-arn', 'arn:aws:iam::1:role/fleetops'] });
    expect(argo.getCurrentCluster()).toMatchObject({ server: 'https://argo-1.example', caData: 'QVJHTw==', skipTLSVerify: false });
    expect(argo.getCurrentUser()?.token).toBe('argo-token');
    await expect(registry.kubeConfigFor('argo-insecure')).rejects.toThrow(/disables TLS verification/);
  });
});
