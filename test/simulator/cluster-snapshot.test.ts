import { describe, expect, it } from 'vitest';
import { createDryRunClusterOps } from '../../src/adapters/cluster-ops/dry-run/index.js';
import { fixedClock } from '../../src/core/clock.js';
import { silentLogger } from '../../src/core/logger.js';
import { snapshotKube } from '../../src/remediation/ops/index.js';
import { simulatedClusterSnapshot } from '../../src/simulator/cluster-snapshot.js';
import { createSimulatedFleet } from '../../src/simulator/fleet.js';

const fleet = createSimulatedFleet({ seed: 3, clusters: 80, days: 2, scenarios: [{ kind: 'bad-rollout', component: 'coredns', clusterCount: 5, hoursBeforeEnd: 20 }, { kind: 'stopped-reporting', hoursBeforeEnd: 2.5 }] });
const ops = createDryRunClusterOps({ clock: fixedClock(fleet.rangeMs.endMs), logger: silentLogger, reads: async (c) => snapshotKube(c, simulatedClusterSnapshot(fleet, c)) });
const coredns = { kind: 'Deployment' as const, namespace: 'kube-system', name: 'coredns' };
const request = (cluster: string, operation: string, target: { kind: 'Deployment' | 'StatefulSet'; namespace: string; name: string }) =>
  ({ operationId: 'p1', operation, target: { cluster, ...target }, params: {} });

describe('the simulated cluster as Kubernetes objects', () => {
  it('previews the rollback of the blamed coredns deploy as a patch back to the image it replaced', async () => {
    const bad = fleet.groundTruth.find((g) => g.kind === 'bad-rollout')!;
    const cluster = bad.clusters[0];
    const deploy = fleet.changes({ clusters: [cluster], ...fleet.rangeMs }).filter((c) => c.component === 'coredns' && c.kind === 'deploy').at(-1)!;

    const plan = await ops.plan(request(cluster, 'rollback-revision', coredns));

    expect(plan.status).toBe('succeeded');
    const patch = plan.calls.find((c) => c.method === 'PATCH')!;
    expect(JSON.stringify(patch.body)).toContain(`registry.k8s.io/coredns/coredns:${deploy.fromVersion}`);
    expect(plan.message).toMatch(new RegExp(`back from revision \\d+ to \\d+: coredns registry.k8s.io/coredns/coredns:${deploy.toVersion} → registry.k8s.io/coredns/coredns:${deploy.fromVersion}$`));
    const snap = simulatedClusterSnapshot(fleet, cluster);
    expect(snap.workloads?.find((w) => w.metadata?.name === 'coredns')?.spec?.template.spec?.containers[0].image).toBe(`registry.k8s.io/coredns/coredns:${deploy.toVersion}`);
  });

  it('refuses a rollback where nothing was deployed this week, and restarts the prometheus-agent StatefulSet one pod at a time', async () => {
    const quiet = fleet.clusters.find((c) => fleet.changes({ clusters: [c.id], ...fleet.rangeMs }).every((x) => x.component !== 'coredns'))!.id;

    const rollback = await ops.plan(request(quiet, 'rollback-revision', coredns));
    const restart = await ops.plan(request(quiet, 'rollout-restart', { kind: 'StatefulSet', namespace: 'monitoring', name: 'prometheus-agent' }));

    expect(rollback).toMatchObject({ status: 'failed', message: 'refused: Deployment kube-system/coredns has no previous revision' });
    expect(restart.status).toBe('succeeded');
    expect(restart.calls.map((c) => c.method)).toEqual(['GET', 'PATCH']);
  });
});
