/** A simulated fleet, an in-memory store and a scan context for the fleet-scan tests. */
import type { MetricsAnswer, MetricsRequest, MetricsSource } from '../../src/adapters/metrics/types.js';
import { createSqliteStore } from '../../src/adapters/store/sqlite/index.js';
import type { AnomalyRow, Store } from '../../src/adapters/store/types.js';
import { silentLogger } from '../../src/core/logger.js';
import { finalizeScan, type FinalizeOptions } from '../../src/scan/finalize-scan.js';
import { putShardPeers } from '../../src/scan/shard-results.js';
import { scanShard, type FleetScanOptions } from '../../src/scan/fleet-scan.js';
import { grid } from '../../src/fleet/grid.js';
import type { Cluster } from '../../src/fleet/types.js';
import { buildCatalog, type CatalogEntry } from '../../src/signals/catalog.js';
import { createSimulatedAdapters, type SimulatedFleet } from '../../src/simulator/index.js';

export const catalog = buildCatalog();

/** Inventory clusters c0 … c(n-1), all alike, for the scans of synthetic sources. */
export function plainClusters(n: number): Cluster[] {
  return Array.from({ length: n }, (_, i) => ({ id: `c${i}`, region: 'r', substrate: 'aws', environment: 'prod', tier: 'tier-1', versions: {}, nodePools: [] })) as unknown as Cluster[];
}

/** The default catalog cut to the golden entries `pred` keeps. */
export function catalogOf(pred: (e: CatalogEntry) => boolean): typeof catalog {
  const entries = catalog.entries.filter((e) => e.kind === 'golden' && pred(e));
  return { ...catalog, entries, entriesFor: (s: string, c?: string) => entries.filter((e) => e.id === s && (c === undefined || e.component === c)) } as typeof catalog;
}

/** A source from a value function; a series NaN everywhere is left out, as Prometheus does. `calls` gets each request. */
export function valueSource(fn: (cluster: string, tMs: number, component: string) => number, calls: MetricsRequest[] = []): MetricsSource {
  return {
    async query(req: MetricsRequest): Promise<MetricsAnswer> {
      calls.push(req);
      const stepMs = req.stepSeconds * 1000;
      const { firstMs, n } = grid(req.startMs, req.endMs, stepMs);
      const series = req.clusters.map((cluster) => {
        const values = new Float64Array(n);
        for (let i = 0; i < n; i++) values[i] = fn(cluster, firstMs + i * stepMs, req.component!);
        return { cluster, component: req.component!, signal: req.signal, startMs: firstMs, stepMs, values };
      }).filter((s) => s.values.some((x) => !Number.isNaN(x)));
      return { series, warnings: [], failedClusters: [], bytesFetched: 0 };
    },
  };
}

export async function memoryStore(): Promise<Store> {
  const store = await createSqliteStore({ path: ':memory:' });
  await store.migrate();
  return store;
}

export function scanContext(runId = 'run-1') {
  const failures: { part: string; message: string }[] = [];
  return { runId, signal: new AbortController().signal, logger: silentLogger, failures, fail: (part: string, err: unknown) => { failures.push({ part, message: String((err as Error)?.message ?? err) }); } };
}

export function scanOptions(fleet: SimulatedFleet, extra: Partial<FleetScanOptions> = {}): FleetScanOptions {
  return {
    shard: { index: 0, count: 1 }, endMs: fleet.rangeMs.endMs, stepSeconds: fleet.stepSeconds, lookbackHours: 48, contextHours: 6,
    fullRebuild: false, slo: {}, missingAfterMinutes: 30, concurrency: 2, ...extra,
  };
}

export function finalizeOptions(fleet: SimulatedFleet, extra: Partial<FinalizeOptions> = {}): FinalizeOptions {
  return { endMs: fleet.rangeMs.endMs, shardCount: 1, peerZThreshold: 6, peerMinPoints: 3, fleetWideMinClusters: 5, lookbackHours: 24, ...extra };
}

/** One shard (or the whole fleet when count is 1) as the job runs it: scan, then hand peers to finalize. */
export async function runShard(fleet: SimulatedFleet, store: Store, index: number, count: number, metrics?: MetricsSource, ctx = scanContext(), extra: Partial<FleetScanOptions> = {}) {
  const adapters = createSimulatedAdapters(fleet);
  const result = await scanShard({ inventory: adapters.inventory, metrics: metrics ?? adapters.metrics, store, catalog }, ctx, scanOptions(fleet, { shard: { index, count }, ...extra }));
  if (count > 1) await putShardPeers(store, result.peers, { index, count }, 0);
  else await finalizeScan({ store, catalog, clusters: fleet.clusters }, ctx, finalizeOptions(fleet, { peers: [result.peers] }));
  return result;
}

/** Stored rows without the run id, sorted by id: what two equivalent scans must agree on. */
export async function storedRows(store: Store, fleet: SimulatedFleet): Promise<Omit<AnomalyRow, 'runId'>[]> {
  const rows = await store.anomalies.list({ startMs: 0, endMs: fleet.rangeMs.endMs + 86_400_000 });
  return rows.map(({ runId: _runId, ...rest }) => rest).sort((a, b) => a.id.localeCompare(b.id));
}
