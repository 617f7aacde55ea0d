import type { Adapters } from '../adapters/index.js';
import type { AnomalyRow } from '../adapters/store/types.js';
import type { JobContext } from '../core/run-job.js';
import { configCatalog } from '../signals/catalog.js';
import { finalizeScan, type FinalizeResult } from './finalize-scan.js';
import { scanShard } from './fleet-scan.js';
import { putShardPeers } from './shard-results.js';

export interface FleetScanJobOptions {
  shard?: { index: number; count: number };
  fullRebuild: boolean;
  /** Only merge the shards of the window ending at endMs (the step after an Indexed Job). */
  finalizeOnly: boolean;
  endMs: number;
  progress?: (done: number, total: number) => void;
}

export interface FleetScanSummary extends Record<string, unknown> {
  window: { startMs: number; endMs: number };
  shard: string;
  clusters: number;
  series: number;
  findings: Record<string, number>;
  newFindings: number;
  failedClusters: string[];
  missingClusters: string[];
  missingShards: string[];
  /** Shards (finalize) that finished with failures. */
  failedShards: string[];
  peerOutliers: number;
  fleetAlerts: number;
  bytesFetched: number;
}

/** The fleet-scan job body: scan a shard (or everything), then finalize when this run owns the whole fleet. */
export async function fleetScanJob(adapters: Adapters, ctx: JobContext, opts: FleetScanJobOptions): Promise<FleetScanSummary> {
  const { config } = adapters;
  const store = await adapters.store();
  const catalog = configCatalog(config);
  const shard = opts.shard ?? { index: 0, count: 1 };
  const stepSeconds = config.simulator.stepSeconds;
  const endMs = Math.floor(opts.endMs / (stepSeconds * 1000)) * stepSeconds * 1000;
  const finalizeOpts = {
    endMs, shardCount: shard.count, peerZThreshold: config.scan.peerZThreshold, peerMinPoints: 3,
    fleetWideMinClusters: config.scan.fleetWideMinClusters, alertChannel: config.chat.slack.alertChannel, lookbackHours: 24,
  };
  const clusters = await adapters.inventory().listClusters(ctx.signal);
  if (opts.finalizeOnly) {
    const fin = await finalizeScan({ store, catalog, clusters, chat: adapters.chat() }, ctx, finalizeOpts);
    return summarise({ window: { startMs: endMs, endMs }, shard: `finalize/${fin.shardCount}`, clusters: clusters.length }, [], fin);
  }
  // listed once per run: a Prometheus inventory reads kube_node_info and friends for the whole fleet
  const result = await scanShard({ inventory: { listClusters: async () => clusters }, metrics: adapters.metrics(), store, catalog, progress: opts.progress }, ctx, {
    shard, endMs, stepSeconds, lookbackHours: config.scan.lookbackHours, contextHours: config.scan.contextHours,
    fullRebuild: opts.fullRebuild, slo: config.scan.slo, missingAfterMinutes: config.scan.missingAfterMinutes, concurrency: config.scan.concurrency,
    batchClusters: config.scan.batchClusters,
  });
  for (const id of result.missingClusters) ctx.logger.warn({ cluster: id }, 'expected cluster sent no data');
  let fin: FinalizeResult = { shardCount: shard.count, missingShards: [], failedShards: [], peerOutliers: [], inserted: 0, fleetAlerts: 0 };
  if (shard.count === 1) {
    fin = await finalizeScan({ store, catalog, clusters, chat: adapters.chat() }, ctx, { ...finalizeOpts, peers: [result.peers], unscannedClusters: result.failedClusters });
  } else {
    await putShardPeers(store, result.peers, shard, ctx.clock.nowMs(), { failedParts: [...new Set(ctx.failures.map((f) => f.part))], failedClusters: result.failedClusters.length, failedClusterIds: result.failedClusters });
  }
  return summarise({ ...result, shard: `${shard.index}/${shard.count}` }, result.findings, fin, result.inserted);
}

function summarise(
  base: { window: { startMs: number; endMs: number }; shard: string; clusters: number; series?: number; failedClusters?: string[]; missingClusters?: string[]; bytesFetched?: number },
  findings: AnomalyRow[], fin: Pick<FinalizeResult, 'missingShards' | 'failedShards' | 'peerOutliers' | 'inserted' | 'fleetAlerts'>, inserted = 0,
): FleetScanSummary {
  const counts: Record<string, number> = {};
  for (const f of [...findings, ...fin.peerOutliers]) {
    counts[f.severity] = (counts[f.severity] ?? 0) + 1;
    counts[f.kind] = (counts[f.kind] ?? 0) + 1;
  }
  return {
    window: base.window, shard: base.shard, clusters: base.clusters, series: base.series ?? 0, findings: counts, newFindings: inserted + fin.inserted,
    failedClusters: base.failedClusters ?? [], missingClusters: base.missingClusters ?? [], missingShards: fin.missingShards, failedShards: fin.failedShards,
    peerOutliers: fin.peerOutliers.length, fleetAlerts: fin.fleetAlerts, bytesFetched: base.bytesFetched ?? 0,
  };
}

/** A few readable lines for a terminal. */
export function formatScanSummary(s: FleetScanSummary): string {
  const iso = (ms: number) => new Date(ms).toISOString().slice(0, 16) + 'Z';
  const f = s.findings;
  const kinds = ['dip', 'anomaly', 'level-shift', 'peer-outlier', 'missing-data'].map((k) => `${k} ${f[k] ?? 0}`).join(', ');
  return [
    `fleet-scan ${s.shard}: ${s.clusters} clusters, ${s.series} series, window ${iso(s.window.startMs)} → ${iso(s.window.endMs)}, ${(s.bytesFetched / 1e6).toFixed(1)} MB fetched`,
    `  findings: ${f.critical ?? 0} critical, ${f.warning ?? 0} warning, ${f.info ?? 0} info (${kinds}); ${s.newFindings} new`,
    `  missing clusters: ${s.missingClusters.length ? s.missingClusters.join(', ') : 'none'}; failed clusters: ${s.failedClusters.length}; missing shards: ${s.missingShards.length ? s.missingShards.join(', ') : 'none'}; shards with failures: ${s.failedShards.length ? s.failedShards.join(', ') : 'none'}; fleet-wide alerts posted: ${s.fleetAlerts}`,
  ].join('\n') + '\n';
}
