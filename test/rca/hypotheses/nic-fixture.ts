import type { AnomalyRow } from '../../../src/adapters/store/types.js';
import { correlate } from '../../../src/correlate/index.js';
import type { Topology } from '../../../src/fleet/types.js';
import { loadFailureModel } from '../../../src/rca/failure-model/index.js';
import { loadSafeOperationCatalog } from '../../../src/remediation/catalog/index.js';
import { createRunbookIndex, loadRunbooks } from '../../../src/runbooks/index.js';
import { createSimulatedAdapters, createSimulatedFleet } from '../../../src/simulator/index.js';

/** A small simulated fleet with a noisy neighbour starving CoreDNS and an innocent deploy 12 min before it. */
export function nicFixture() {
  const fleet = createSimulatedFleet({ seed: 7, clusters: 30, days: 1, scenarios: [{ kind: 'noisy-neighbour-dns', hoursBeforeEnd: 4, durationMinutes: 100 }, { kind: 'unrelated-deploy', during: 0 }] });
  const [truth, deploy] = fleet.groundTruth;
  const cluster = truth.clusters[0];
  const finding = (component: string, signal: string, kind: AnomalyRow['kind']): AnomalyRow => ({
    id: `${component}-${signal}`, runId: 'r', cluster, component, signal, kind, severity: 'critical', startMs: truth.startMs, endMs: truth.endMs, score: 1,
    details: signal === 'availability' ? {} : { direction: 'up' },
  });
  const findings = [finding('coredns', 'availability', 'dip'), finding('workload', 'latency_p99', 'anomaly')];
  const [group] = correlate(findings, fleet.clusters);
  const ports = createSimulatedAdapters(fleet);
  const topology = new Map<string, Topology>([[cluster, fleet.topology(cluster)]]);
  const ctx = { failureModel: loadFailureModel(), runbookIndex: createRunbookIndex(loadRunbooks('runbooks')), catalog: loadSafeOperationCatalog(), clusters: fleet.clusters, topology };
  return { fleet, truth, deploy, cluster, group, ports, ctx, nowMs: fleet.rangeMs.endMs };
}
