/** Read ports backed by the simulated fleet (the embedded default of every read port). */
import type { AlertHistory } from '../adapters/alerts/types.js';
import type { ChangeSource } from '../adapters/changes/types.js';
import type { EventSource } from '../adapters/events/types.js';
import type { Inventory } from '../adapters/inventory/types.js';
import type { LogSearch } from '../adapters/logs/types.js';
import type { MetricsAnswer, MetricsRequest, MetricsSource } from '../adapters/metrics/types.js';
import { COMPONENTS, SIGNALS, type ComponentId, type Series, type SignalId } from '../fleet/types.js';
import { ENTITY_SIGNALS, type EntitySignal } from './entity-series.js';
import type { SimulatedFleet } from './fleet.js';
import { grid } from '../fleet/grid.js';

export interface SimulatedAdapters {
  inventory: Inventory;
  metrics: MetricsSource;
  logs: LogSearch;
  events: EventSource;
  changes: ChangeSource;
  alerts: AlertHistory;
}

export function createSimulatedAdapters(fleet: SimulatedFleet): SimulatedAdapters {
  return {
    inventory: {
      listClusters: async (signal) => {
        signal?.throwIfAborted();
        return fleet.clusters.map((c) => structuredClone(c));
      },
      getTopology: async (clusterId, signal) => {
        signal?.throwIfAborted();
        return structuredClone(fleet.topology(clusterId));
      },
    },
    metrics: { query: async (req) => queryMetrics(fleet, req) },
    logs: { search: async (q) => (q.abortSignal?.throwIfAborted(), fleet.logs(q)) },
    events: { listEvents: async (q) => (q.abortSignal?.throwIfAborted(), fleet.events(q)) },
    changes: { listChanges: async (q) => (q.abortSignal?.throwIfAborted(), fleet.changes(q)) },
    alerts: { listEpisodes: async (r) => (r.abortSignal?.throwIfAborted(), fleet.alerts(r)), historyStartMs: async () => fleet.rangeMs.startMs },
  };
}

const SUMMED = new Set(['pod_restarts', 'oom_kills', 'dns_timeouts']);

/**
 * Golden signals (one series per cluster × component) and drill-down signals (one per entity).
 * A step that is a multiple of the base step aggregates the base points in (t − step, t]
 * (mean; sum for per-step counts; min for node_ready), like a range query does.
 */
export function queryMetrics(fleet: SimulatedFleet, req: MetricsRequest): MetricsAnswer {
  req.abortSignal?.throwIfAborted();
  const warnings: string[] = [];
  const baseMs = fleet.stepSeconds * 1000;
  let stepMs = req.stepSeconds * 1000;
  if (stepMs < baseMs || stepMs % baseMs !== 0) {
    warnings.push(`step ${req.stepSeconds}s is not a multiple of the simulator's ${fleet.stepSeconds}s: answered at ${fleet.stepSeconds}s`);
    stepMs = baseMs;
  }
  const factor = stepMs / baseMs;
  const out = grid(req.startMs, req.endMs, stepMs);
  // Base points covering (first − step, last]: factor points per output point.
  const baseStart = out.firstMs - (factor - 1) * baseMs;
  const buf = new Float64Array(out.n * factor);
  const baseEnd = baseStart + buf.length * baseMs;
  const isGolden = (SIGNALS as readonly string[]).includes(req.signal);
  if (!isGolden && !(ENTITY_SIGNALS as readonly string[]).includes(req.signal)) {
    return { series: [], warnings: [`unknown signal ${req.signal}`], failedClusters: [], bytesFetched: 0 };
  }
  const components = req.component ? [req.component] : [...COMPONENTS];
  const series: Series[] = [];
  const mk = (cluster: string, component: string, labels?: Record<string, string>): void => {
    series.push({ cluster, component, signal: req.signal, ...(labels ? { labels } : {}), startMs: out.firstMs, stepMs, values: resample(buf, out.n, factor, req.signal) });
  };
  for (const cluster of req.clusters) {
    if (!hasCluster(fleet, cluster)) continue;
    if (isGolden) {
      for (const component of components) {
        if (!(COMPONENTS as readonly string[]).includes(component)) continue;
        fleet.seriesValuesInto(buf, cluster, component as ComponentId, req.signal as SignalId, baseStart, baseEnd);
        mk(cluster, component);
      }
    } else {
      for (const ref of fleet.entities(cluster, req.signal as EntitySignal, req.component)) {
        fleet.nodeSeriesValuesInto(buf, cluster, ref.entity, req.signal as EntitySignal, baseStart, baseEnd);
        mk(cluster, ref.component, ref.labels);
      }
    }
  }
  return { series, warnings, failedClusters: [], bytesFetched: 0 };
}

function hasCluster(fleet: SimulatedFleet, id: string): boolean {
  try {
    fleet.cluster(id);
    return true;
  } catch {
    return false;
  }
}

function resample(buf: Float64Array, n: number, factor: number, signal: string): Float64Array {
  if (factor === 1) return buf.slice(0, n);
  const out = new Float64Array(n);
  const sum = SUMMED.has(signal);
  const min = signal === 'node_ready';
  for (let i = 0; i < n; i++) {
    let acc = min ? Infinity : 0;
    let k = 0;
    for (let j = i * factor; j < (i + 1) * factor; j++) {
      const v = buf[j];
      if (Number.isNaN(v)) continue;
      acc = min ? Math.min(acc, v) : acc + v;
      k++;
    }
    out[i] = k === 0 ? NaN : min ? acc : sum ? acc : acc / k;
  }
  return out;
}
