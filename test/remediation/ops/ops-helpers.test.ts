import { describe, expect, it } from 'vitest';
import { argoManagedBy, formatQuantity, hpaBounds, parseQuantity, raisedValues, rolloutStatus } from '../../../src/remediation/ops/index.js';

describe('ops helpers', () => {
  it.each([
    ['500m', 0.5], ['2', 2], ['128Mi', 128 * 2 ** 20], ['1Gi', 2 ** 30], ['1e3', 1000], ['1k', 1000], ['1.5G', 1.5e9], ['bad', undefined],
  ])('parseQuantity(%s) = %s', (text, value) => {
    expect(parseQuantity(text)).toBe(value);
  });

  it('formats raised values in whole millicores and MiB, rounding up', () => {
    expect([formatQuantity('cpu', 0.3334), formatQuantity('memory', 1.5 * 2 ** 30 + 1)]).toEqual(['334m', '1537Mi']);
  });

  it.each([
    { meta: { annotations: { 'argocd.argoproj.io/tracking-id': 'shop:apps/Deployment:shop/web' } }, app: { name: 'shop' } },
    { meta: { annotations: { 'argocd.argoproj.io/tracking-id': 'team-a_shop:apps/Deployment:shop/web' } }, app: { namespace: 'team-a', name: 'shop' } },
    { meta: { labels: { 'argocd.argoproj.io/instance': 'legacy' } }, app: { name: 'legacy' } },
    { meta: { labels: { app: 'web' } }, app: undefined },
  ])('argoManagedBy finds $app', ({ meta, app }) => {
    expect(argoManagedBy(meta as { labels?: Record<string, string>; annotations?: Record<string, string> })).toEqual(app);
  });

  it.each([
    { direction: 'up' as const, replicas: 12, bounds: { minReplicas: 12, maxReplicas: 12 } },
    { direction: 'up' as const, replicas: 5, bounds: { minReplicas: 5, maxReplicas: 10 } },
    { direction: 'down' as const, replicas: 3, bounds: { minReplicas: 2, maxReplicas: 3 } },
    { direction: 'down' as const, replicas: 1, bounds: { minReplicas: 1, maxReplicas: 1 } },
  ])('hpaBounds $direction to $replicas', ({ direction, replicas, bounds }) => {
    expect(hpaBounds({ spec: { minReplicas: 2, maxReplicas: 10, scaleTargetRef: { kind: 'Deployment', name: 'web' } } }, { direction, replicas, maxStep: 10 })).toEqual(bounds);
  });

  it('raisedValues scales requests and limits together and caps the pod total at the cap', () => {
    const containers = [
      { name: 'a', resources: { requests: { cpu: '1' }, limits: { cpu: '2' } } },
      { name: 'b', resources: { requests: { cpu: '500m' } } },
    ];

    const free = raisedValues(containers, 'cpu', 1.2, 100);
    const capped = raisedValues(containers, 'cpu', 2, 2.4);

    expect(free).toEqual({ factor: 1.2, values: { a: { request: '1200m', limit: '2400m' }, b: { request: '600m', limit: undefined } } });
    expect(capped.factor).toBeCloseTo(1.2);
    expect(capped.values.a.limit).toBe('2400m');
  });

  it.each([
    { name: 'done', status: { observedGeneration: 2, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, inProgress: false },
    { name: 'old replicas left', status: { observedGeneration: 2, replicas: 4, updatedReplicas: 3, availableReplicas: 3 }, inProgress: true },
    { name: 'not observed', status: { observedGeneration: 1, replicas: 3, updatedReplicas: 3, availableReplicas: 3 }, inProgress: true },
  ])('rolloutStatus of a Deployment: $name', ({ status, inProgress }) => {
    expect(rolloutStatus('Deployment', { metadata: { generation: 2 }, spec: { replicas: 3, selector: {}, template: {} }, status }).inProgress).toBe(inProgress);
  });
});
