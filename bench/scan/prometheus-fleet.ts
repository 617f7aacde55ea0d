/**
 * A simulated fleet exported to OpenMetrics, backfilled with promtool into a temp dir, and the
 * CLI environment that scans it through a real Prometheus. Shared by the integration test and
 * `bench/scan.ts`.
 */
import { cpSync, createWriteStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { once } from 'node:events';
import { createSimulatedFleet, exportOpenMetrics, type ScenarioSpec, type SimulatedFleet } from '../../src/simulator/index.js';
import type { ComponentId } from '../../src/fleet/types.js';
import { backfillOpenMetricsFile, startTestPrometheus, tempPrometheusDir, type TestPrometheus } from '../../test/support/prometheus.js';

export interface ExportedFleet {
  fleet: SimulatedFleet;
  /** Backfilled TSDB (`dir/data`); each Prometheus runs on a copy, since it writes into its data dir. */
  dir: string;
  components: readonly ComponentId[];
  stats: { series: number; samples: number; bytes: number; exportSeconds: number; backfillSeconds: number };
  remove(): void;
}

export interface ExportedFleetOptions {
  seed: number;
  clusters: number;
  days: number;
  components: readonly ComponentId[];
  scenarios: ScenarioSpec[] | 'random' | 'default';
}

export async function exportFleetToTsdb(opts: ExportedFleetOptions): Promise<ExportedFleet> {
  const fleet = createSimulatedFleet({ seed: opts.seed, clusters: opts.clusters, days: opts.days, scenarios: opts.scenarios });
  const dir = tempPrometheusDir();
  const file = join(dir, 'data.om');
  const t0 = performance.now();
  const out = createWriteStream(file);
  const stats = await exportOpenMetrics(fleet, { write: out, components: opts.components, alerts: false });
  out.end();
  await once(out, 'finish');
  const t1 = performance.now();
  backfillOpenMetricsFile(file, dir);
  const t2 = performance.now();
  return {
    fleet, dir, components: opts.components,
    stats: { ...stats, exportSeconds: (t1 - t0) / 1000, backfillSeconds: (t2 - t1) / 1000 },
    remove: () => rmSync(dir, { recursive: true, force: true }),
  };
}

/** Start Prometheus on a copy of the backfilled data (stop() removes the copy, not the original). */
export async function startOnCopy(exported: ExportedFleet, flags: string[] = []): Promise<TestPrometheus> {
  const copy = mkdtempSync(join(tmpdir(), 'fleetops-prom-run-'));
  cpSync(join(exported.dir, 'data'), join(copy, 'data'), { recursive: true });
  return startTestPrometheus(copy, flags);
}

/** Environment for `fleetops scan` against `url`, with the simulator's inventory of the same seed and size. */
export function scanEnv(fleet: SimulatedFleet, url: string, extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    TZ: 'UTC',
    FLEETOPS__LOGLEVEL: 'silent',
    FLEETOPS__METRICS__KIND: 'prometheus',
    FLEETOPS__METRICS__PROMETHEUS__URL: url,
    FLEETOPS__METRICS__PROMETHEUS__RATEWINDOW: '6m',
    FLEETOPS__METRICS__PROMETHEUS__RETRIES: '0',
    FLEETOPS__METRICS__PROMETHEUS__TIMEOUTMS: '20000',
    FLEETOPS__INVENTORY__KIND: 'simulator',
    // metrics from Prometheus make the fleet real to the config check; the scan reads no logs, events or changes
    FLEETOPS__LOGS__KIND: 'none',
    FLEETOPS__EVENTS__KIND: 'none',
    FLEETOPS__CHANGES__KIND: 'none',
    FLEETOPS__SIMULATOR__SEED: String(fleet.seed),
    FLEETOPS__SIMULATOR__CLUSTERS: String(fleet.clusters.length),
    FLEETOPS__SIMULATOR__DAYS: String((fleet.rangeMs.endMs - fleet.rangeMs.startMs) / 86_400_000),
    FLEETOPS__SIMULATOR__ENDTIME: new Date(fleet.rangeMs.endMs).toISOString(),
    FLEETOPS__SCAN__LOOKBACKHOURS: String((fleet.rangeMs.endMs - fleet.rangeMs.startMs) / 3_600_000),
    ...extra,
  };
}
