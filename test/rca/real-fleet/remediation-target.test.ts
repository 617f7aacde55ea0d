import { describe, expect, it } from 'vitest';
import type { Topology, TopologyPod } from '../../../src/fleet/types.js';
import type { EvidenceRow } from '../../../src/adapters/store/types.js';
import { checkOomAfterConfig } from '../../../src/rca/hypotheses/checks-workload.js';
import { readFacts } from '../../../src/rca/hypotheses/evidence-facts.js';
import { matchRunbook, podOwner, proposeOperation } from '../../../src/rca/hypotheses/remediation.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createRunbookIndex } from '../../../src/runbooks/runbook-index.js';
import { loadRunbooks } from '../../../src/runbooks/load-runbooks.js';

const index = createRunbookIndex(loadRunbooks('runbooks'));
const catalog = loadSafeOperationCatalog();
const pod = (name: string, namespace: string, component: string, node = 'ip-10-0-1-23.ec2.internal'): TopologyPod => ({ name, namespace, component, node });
const topology = (pods: TopologyPod[]): Map<string, Topology> => new Map([['prod-eu-1', { cluster: 'prod-eu-1', nodes: [], pods, dependencies: [] }]]);

describe('pod names as Kubernetes generates them', () => {
  it.each([
    ['checkout-7c9f8d6b54-x7k2p', { kind: 'Deployment', name: 'checkout' }],
    ['orders-api-5b8c7d9f4-q2w9z', { kind: 'Deployment', name: 'orders-api' }],
    ['ledger-db-2', { kind: 'StatefulSet', name: 'ledger-db' }],
    ['aws-node-4xk9t', { kind: 'DaemonSet', name: 'aws-node' }],
    ['kube-apiserver-ip-10-0-1-23.ec2.internal', undefined],
  ])('%s', (name, owner) => {
    expect(podOwner(name)).toEqual(owner);
  });
});

describe('rollback targets on a real fleet', () => {
  it('rolls back the Deployment of the OOM-killed pods, not a simulator app name', () => {
    const row = (id: string, p: string, during: number): EvidenceRow => ({
      id, groupId: 'g', source: 'metrics', query: 'oom_kills', startMs: 0, endMs: 1, createdAtMs: 0, excerpt: `oom_kills of ${p}`,
      data: { fact: 'metric-shift', signal: 'oom_kills', cluster: 'prod-eu-1', component: 'workload', pod: p, before: 0, during, peak: 1, series: [] },
    });
    const facts = readFacts([row('ev-1', 'checkout-7c9f8d6b54-x7k2p', 4), row('ev-2', 'checkout-7c9f8d6b54-b5n8q', 6)]);
    const [h] = checkOomAfterConfig(facts);
    const pods = [pod('checkout-7c9f8d6b54-x7k2p', 'shop', 'workload'), pod('checkout-7c9f8d6b54-b5n8q', 'shop', 'workload'), pod('search-6d5f7c8b9-k2j4m', 'shop', 'workload')];

    const op = proposeOperation({ ...h, score: 9 }, matchRunbook(index, h.failureMode), index, catalog, ['prod-eu-1'], topology(pods));

    expect(h.entity.pod).toBe('checkout-7c9f8d6b54-b5n8q');
    expect(op).toMatchObject({ id: 'rollback-revision', target: { cluster: 'prod-eu-1', kind: 'Deployment', namespace: 'shop', name: 'checkout' } });
  });

  it.each([
    ['aws-node', [pod('aws-node-4xk9t', 'kube-system', 'cni'), pod('aws-node-p7q2w', 'kube-system', 'cni')], { kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node' }],
    ['calico-node', [pod('calico-node-4xk9t', 'calico-system', 'cni'), pod('calico-node-z8v5r', 'calico-system', 'cni')], { kind: 'DaemonSet', namespace: 'calico-system', name: 'calico-node' }],
    ['cilium with its operator', [pod('cilium-4xk9t', 'kube-system', 'cni'), pod('cilium-z8v5r', 'kube-system', 'cni'), pod('cilium-operator-6c4d8f7b9-m2n4p', 'kube-system', 'cni')], { kind: 'DaemonSet', namespace: 'kube-system', name: 'cilium' }],
  ])('rolls back the CNI the cluster runs (%s)', (_case, pods, want) => {
    const h = { failureMode: 'fleet.bad-rollout', entity: { component: 'cni', version: 'v1.19.2' }, score: 9, supporting: [], contradicting: [] };

    const op = proposeOperation(h, matchRunbook(index, h.failureMode), index, catalog, ['prod-eu-1'], topology(pods));

    expect(op?.target).toEqual({ cluster: 'prod-eu-1', ...want });
  });

  it('prefers the component\'s upstream workload among equally sized ones (cert-manager, its cainjector and webhook)', () => {
    const pods = [pod('cert-manager-cainjector-7d9f8c6b5-q2w4e', 'cert-manager', 'cert-manager'), pod('cert-manager-5f6d7c8b9-x7k2p', 'cert-manager', 'cert-manager'), pod('cert-manager-webhook-6b7c8d9f5-z8v5r', 'cert-manager', 'cert-manager')];
    const h = { failureMode: 'fleet.bad-rollout', entity: { component: 'cert-manager', version: 'v1.16.0' }, score: 9, supporting: [], contradicting: [] };

    const op = proposeOperation(h, matchRunbook(index, h.failureMode), index, catalog, ['prod-eu-1'], topology(pods));

    expect(op?.target).toEqual({ cluster: 'prod-eu-1', kind: 'Deployment', namespace: 'cert-manager', name: 'cert-manager' });
  });
});

describe('the metrics agent a silent cluster restarts', () => {
  const h = { failureMode: 'cluster.stopped-reporting', entity: { cluster: 'prod-eu-1', component: 'prometheus-agent' }, score: 9, supporting: [], contradicting: [] };

  it('restarts the agent the config\'s components name (here vmagent), not a default name', () => {
    const pods = [pod('vmagent-7d9f8c6b5-x2x9q', 'monitoring', 'prometheus-agent'), pod('grafana-5c8d7f9b4-q7m2k', 'monitoring', 'unknown')];

    const op = proposeOperation(h, matchRunbook(index, h.failureMode), index, catalog, ['prod-eu-1'], topology(pods));

    // before: always StatefulSet monitoring/prometheus-agent, which this cluster does not run
    expect(op).toMatchObject({ id: 'rollout-restart', target: { cluster: 'prod-eu-1', kind: 'Deployment', namespace: 'monitoring', name: 'vmagent' } });
  });

  it('keeps the default StatefulSet monitoring/prometheus-agent when no pod is known as the agent', () => {
    const op = proposeOperation(h, matchRunbook(index, h.failureMode), index, catalog, ['prod-eu-1'], topology([]));

    expect(op?.target).toEqual({ cluster: 'prod-eu-1', kind: 'StatefulSet', namespace: 'monitoring', name: 'prometheus-agent' });
  });
});
