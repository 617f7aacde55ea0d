import { afterAll, afterEach, beforeAll, expect } from 'vitest';
import { silentLogger } from '../../../src/core/logger.js';
import { fixedClock } from '../../../src/core/clock.js';
import type { OperationRequest, OperationTarget } from '../../../src/adapters/cluster-ops/types.js';
import { createKubernetesClusterOps, type KubernetesClusterOpsOptions } from '../../../src/adapters/cluster-ops/kubernetes/index.js';
import { createClusterRegistry, type SecretReader } from '../../../src/remediation/registry/index.js';
import { selfSignedCert, startKubernetesFake, type KubernetesFake } from '../../fakes/kubernetes-fake.js';

type Obj = Record<string, unknown>;
export const NOW_MS = Date.parse('2025-06-02T10:00:00Z');

export const node = (name: string, o: { cpu?: string; memory?: string; unschedulable?: boolean; ready?: boolean } = {}): Obj => ({
  metadata: { name, labels: { 'kubernetes.io/hostname': name } },
  spec: o.unschedulable ? { unschedulable: true } : {},
  status: { allocatable: { cpu: o.cpu ?? '4', memory: o.memory ?? '16Gi' }, conditions: [{ type: 'Ready', status: o.ready === false ? 'False' : 'True' }] },
});

export const pod = (ns: string, name: string, o: { node?: string; labels?: Record<string, string>; owner?: { kind: string; name: string }; cpu?: string; memory?: string; phase?: string } = {}): Obj => ({
  metadata: {
    name, namespace: ns, labels: o.labels ?? { app: 'web' },
    ownerReferences: o.owner ? [{ apiVersion: 'apps/v1', kind: o.owner.kind, name: o.owner.name, uid: `uid-${o.owner.name}`, controller: true }] : undefined,
  },
  spec: { nodeName: o.node, containers: [{ name: 'main', resources: { requests: { cpu: o.cpu ?? '100m', memory: o.memory ?? '128Mi' } } }] },
  status: { phase: o.phase ?? 'Running' },
});

export const deployment = (ns: string, name: string, o: { replicas?: number; available?: number; updated?: number; revision?: number; labels?: Record<string, string>;
  annotations?: Record<string, string>; cpu?: string; memory?: string; cpuLimit?: string; memoryLimit?: string; observedGeneration?: number } = {}): Obj => {
  const replicas = o.replicas ?? 3;
  return {
    kind: 'Deployment',
    metadata: { name, namespace: ns, generation: 1, labels: o.labels, annotations: { 'deployment.kubernetes.io/revision': String(o.revision ?? 2), ...o.annotations } },
    spec: {
      replicas, selector: { matchLabels: { app: name } },
      template: { metadata: { labels: { app: name } }, spec: { containers: [{ name: 'main', image: `${name}:v${o.revision ?? 2}`, resources: {
        requests: { cpu: o.cpu ?? '500m', memory: o.memory ?? '1Gi' }, limits: { cpu: o.cpuLimit ?? '1', memory: o.memoryLimit ?? '2Gi' } } }] } },
    },
    status: { observedGeneration: o.observedGeneration ?? 1, replicas, updatedReplicas: o.updated ?? replicas, readyReplicas: o.available ?? replicas, availableReplicas: o.available ?? replicas },
  };
};

export const replicaSet = (ns: string, deploymentName: string, revision: number, image: string): Obj => ({
  metadata: {
    name: `${deploymentName}-rev${revision}`, namespace: ns, labels: { app: deploymentName, 'pod-template-hash': `h${revision}` },
    annotations: { 'deployment.kubernetes.io/revision': String(revision) },
    ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name: deploymentName, uid: `uid-${deploymentName}`, controller: true }],
  },
  spec: { selector: { matchLabels: { app: deploymentName } }, template: { metadata: { labels: { app: deploymentName, 'pod-template-hash': `h${revision}` } }, spec: { containers: [{ name: 'main', image }] } } },
});

export const hpa = (ns: string, name: string, target: string, o: { min?: number; max?: number; current?: number; desired?: number; labels?: Record<string, string> } = {}): Obj => ({
  metadata: { name, namespace: ns, labels: o.labels },
  spec: { scaleTargetRef: { apiVersion: 'apps/v1', kind: 'Deployment', name: target }, minReplicas: o.min ?? 2, maxReplicas: o.max ?? 10 },
  status: { currentReplicas: o.current ?? 3, desiredReplicas: o.desired ?? 3 },
});

export const pdb = (ns: string, name: string, app: string, disruptionsAllowed: number): Obj => ({
  metadata: { name, namespace: ns }, spec: { selector: { matchLabels: { app } } },
  status: { disruptionsAllowed, currentHealthy: 3, desiredHealthy: 2, expectedPods: 3 },
});

export function request(operation: string, target: Partial<OperationTarget> & Pick<OperationTarget, 'kind' | 'name'>, params: Record<string, unknown> = {}, extra: Partial<OperationRequest> = {}): OperationRequest {
  return { operationId: 'p0123456789abcdef', operation, target: { cluster: 'cluster-a', ...target }, params, ...extra };
}

export const secretsOf = (tokens: Record<string, string>): SecretReader => ({
  readSecret: async (ref) => {
    if (!(ref.name in tokens)) throw new Error(`Secret ${ref.namespace}/${ref.name} not found`);
    return { token: tokens[ref.name] };
  },
});

export interface FakeCluster { name: string; fake: KubernetesFake; ca: string; token: string }

/** A TLS fake API server with its own CA and token. */
export async function startCluster(name: string, token: string): Promise<FakeCluster> {
  const tls = selfSignedCert(name);
  const fake = await startKubernetesFake({ token, tls });
  return { name, fake, ca: Buffer.from(tls.cert).toString('base64'), token };
}

/**
 * A fresh TLS fake API server (cluster-a) for each test of the calling file or describe block, handed
 * to `use`; after each test no unexpected request may have reached it.
 */
export function useFakeCluster(use: (cluster: FakeCluster) => void): void {
  let current: FakeCluster;
  const start = async () => { current = await startCluster('cluster-a', 'token-a'); use(current); };
  beforeAll(start);
  afterAll(async () => { await current.fake.close(); });
  afterEach(async () => {
    expect(current.fake.unexpected).toEqual([]);
    await current.fake.close();
    await start();
  });
}

export function registryOf(clusters: FakeCluster[]) {
  return createClusterRegistry({
    clusters: clusters.map((c) => ({ name: c.name, server: c.fake.url, caData: c.ca, canary: false, credentials: { kind: 'token-secret' as const, secret: { namespace: 'fleetops', name: `${c.name}-token`, key: 'token' } } })),
    secrets: secretsOf(Object.fromEntries(clusters.map((c) => [`${c.name}-token`, c.token]))),
  });
}

export function kubeOps(clusters: FakeCluster[], extra: Partial<KubernetesClusterOpsOptions> = {}) {
  const sleeps: number[] = [];
  const ops = createKubernetesClusterOps({
    registry: registryOf(clusters), clock: fixedClock(NOW_MS), logger: silentLogger, retries: 2,
    sleep: async (ms) => { sleeps.push(ms); }, ...extra,
  });
  return { ops, sleeps };
}
