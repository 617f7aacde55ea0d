/**
 * Detection quality of the fleet scan on a simulated fleet: incident recall, false alarms per
 * cluster-day and confounders reported as critical. Used by `bench/scan-quality.ts` and a test.
 */
import type { AnomalyRow } from '../../src/adapters/store/types.js';
import { createSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import { silentLogger } from '../../src/core/logger.js';
import { finalizeScan } from '../../src/scan/finalize-scan.js';
import { scanShard } from '../../src/scan/fleet-scan.js';
import { buildCatalog } from '../../src/signals/catalog.js';
import { createSimulatedAdapters, createSimulatedFleet, type ScenarioInstance, type SimulatedFleet } from '../../src/simulator/index.js';

export interface QualityResult {
  seed: number;
  clusters: number;
  days: number;
  incidents: number;
  found: number;
  /** Incidents that start in the first WARMUP_HOURS of the range, where no detector has history yet: not counted. */
  inWarmup: number;
  missed: { id: string; kind: string; clusters: number }[];
  /** Warning/critical findings that overlap no incident (by cluster and time), per cluster-day. */
  falseAlarms: number;
  falseAlarmsPerClusterDay: number;
  confounderCriticals: number;
  findingsBySeverity: Record<string, number>;
  falseByKind: Record<string, number>;
}

/** The causal scorer learns for 150 points (12.5 h at 5 min) before it scores; a real fleet has that history. */
export const WARMUP_HOURS = 13;

/** Whether a finding belongs to an incident: one of its symptom clusters (and components), overlapping its window. */
function matches(f: AnomalyRow, g: ScenarioInstance, slackMs: number): boolean {
  if (f.startMs > g.endMs + slackMs || f.endMs < g.startMs - slackMs) return false;
  if (g.kind === 'stopped-reporting') return g.clusters.includes(f.cluster) && f.kind === 'missing-data';
  return g.symptoms.some((s) => s.cluster === f.cluster && (s.component === f.component || f.component === '*'));
}

/** Scan the whole simulated range in-process and compare with ground truth. */
export async function evaluateScanQuality(opts: { seed: number; clusters: number; days: number; fleet?: SimulatedFleet }): Promise<QualityResult> {
  const fleet = opts.fleet ?? createSimulatedFleet({ seed: opts.seed, clusters: opts.clusters, days: opts.days, scenarios: 'random' });
  const findings = await scanFleet(fleet);
  const severe = findings.filter((f) => f.severity !== 'info');
  const warmEndMs = fleet.rangeMs.startMs + WARMUP_HOURS * 3_600_000;
  const all = fleet.groundTruth.filter((g) => !g.isConfounder);
  const incidents = all.filter((g) => g.startMs >= warmEndMs);
  const confounders = fleet.groundTruth.filter((g) => g.isConfounder);
  const slackMs = 30 * 60_000;
  const missed = incidents.filter((g) => !severe.some((f) => matches(f, g, slackMs)));
  const falseRows = severe.filter((f) => f.endMs >= warmEndMs && !all.some((g) => matches(f, g, slackMs)));
  const confounderCriticals = findings.filter((f) => f.severity === 'critical' && confounders.some((g) => matches(f, g, 0)) && !incidents.some((g) => matches(f, g, slackMs))).length;
  const count = (rows: AnomalyRow[], key: (r: AnomalyRow) => string) => rows.reduce<Record<string, number>>((m, r) => ({ ...m, [key(r)]: (m[key(r)] ?? 0) + 1 }), {});
  const clusterDays = fleet.clusters.length * opts.days;
  return {
    seed: fleet.seed, clusters: fleet.clusters.length, days: opts.days, incidents: incidents.length, inWarmup: all.length - incidents.length, found: incidents.length - missed.length,
    missed: missed.map((g) => ({ id: g.id, kind: g.kind, clusters: g.clusters.length })),
    falseAlarms: falseRows.length, falseAlarmsPerClusterDay: falseRows.length / clusterDays, confounderCriticals,
    findingsBySeverity: count(findings, (r) => r.severity), falseByKind: count(falseRows, (r) => `${r.kind}:${r.severity}`),
  };
}

/** Unsharded full scan of the fleet's whole range (plus finalize), as the CLI does with --full. */
export async function scanFleet(fleet: SimulatedFleet): Promise<AnomalyRow[]> {
  const store = await createSqliteStore({ path: ':memory:' });
  await store.migrate();
  try {
    const adapters = createSimulatedAdapters(fleet);
    const catalog = buildCatalog();
    const ctx = { runId: 'quality', signal: new AbortController().signal, fail: () => undefined, logger: silentLogger };
    const hours = (fleet.rangeMs.endMs - fleet.rangeMs.startMs) / 3_600_000;
    const r = await scanShard({ inventory: adapters.inventory, metrics: adapters.metrics, store, catalog }, ctx, {
      shard: { index: 0, count: 1 }, endMs: fleet.rangeMs.endMs, stepSeconds: fleet.stepSeconds, lookbackHours: hours, contextHours: 6,
      fullRebuild: true, slo: {}, missingAfterMinutes: 30, concurrency: 1,
    });
    const fin = await finalizeScan({ store, catalog, clusters: fleet.clusters }, ctx, {
      endMs: fleet.rangeMs.endMs, shardCount: 1, peers: [r.peers], peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 5, lookbackHours: 24,
    });
    return [...r.findings, ...fin.peerOutliers];
  } finally {
    await store.close();
  }
}
