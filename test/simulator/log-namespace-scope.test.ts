import { describe, expect, it } from 'vitest';
import { inComponentNamespace } from '../../src/adapters/logs/namespace-scope.js';
import { evidencePlan } from '../../src/rca/evidence/index.js';
import { createSimulatedAdapters, createSimulatedFleet } from '../../src/simulator/index.js';

const fleet = createSimulatedFleet({ clusters: 300 });
const logs = createSimulatedAdapters(fleet).logs;
const noisy = fleet.groundTruth.find((s) => s.kind === 'noisy-neighbour-dns')!;
const q = { clusters: noisy.clusters, startMs: noisy.startMs - 30 * 60_000, endMs: noisy.endMs, limit: 10_000 };
const scope = evidencePlan({ id: 'g', title: 't', startMs: noisy.startMs, endMs: noisy.endMs, clusters: noisy.clusters, components: ['coredns'], signals: [], findings: [], sharedAttributes: [], severity: 'critical' }, noisy.endMs).componentNamespaces;

describe('simulated logs: a component read only from its namespaces, as from OpenSearch', () => {
  it('leaves out lines of a component outside the namespaces asked for, before the limit', async () => {
    const all = await logs.search(q);
    const elsewhere = await logs.search({ ...q, componentNamespaces: { coredns: ['team-a'] } });
    const limited = await logs.search({ ...q, componentNamespaces: { coredns: ['team-a'] }, limit: 5 });

    expect(all.some((l) => l.component === 'coredns')).toBe(true);
    expect(elsewhere.some((l) => l.component === 'coredns')).toBe(false);
    expect(elsewhere).toHaveLength(all.filter((l) => l.component !== 'coredns').length);
    expect(limited).toEqual(elsewhere.slice(0, 5));
  });

  it('keeps, under the RCA\'s scope, the noisy neighbour\'s lines under its own app name and every line in its component\'s namespace', async () => {
    const scoped = await logs.search({ ...q, componentNamespaces: scope });

    expect(scoped.every((l) => inComponentNamespace(l, scope))).toBe(true);
    expect(scoped.filter((l) => l.message.startsWith('export batch')).map((l) => [l.namespace, l.component])).toContainEqual(['data', 'batch-export']);
    expect(scoped.filter((l) => l.component === 'coredns' && l.level === 'error').length).toBeGreaterThan(0);
  });
});
