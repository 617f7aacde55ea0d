import type { SimulatedFleet } from '../../src/simulator/index.js';
import type { ComponentId, SignalId } from '../../src/fleet/types.js';
import { COMPONENTS, SIGNALS } from '../../src/fleet/types.js';
import type { EntitySignal } from '../../src/simulator/index.js';

export const HOUR = 3_600_000;

export function mean(values: Float64Array): number {
  let s = 0;
  let k = 0;
  for (const v of values) if (!Number.isNaN(v)) { s += v; k++; }
  return k ? s / k : NaN;
}

/** Mean during [start, end) minus mean over the 6 h before start, for a golden or drill-down symptom (largest move over entities). */
export function symptomShift(fleet: SimulatedFleet, cluster: string, component: string, signal: string, startMs: number, endMs: number, direction: 'up' | 'down'): number {
  const before = [startMs - 6 * HOUR, startMs] as const;
  const during = [startMs, Math.min(endMs, fleet.rangeMs.endMs)] as const;
  if ((SIGNALS as readonly string[]).includes(signal) && (COMPONENTS as readonly string[]).includes(component)) {
    const a = mean(fleet.seriesValues(cluster, component as ComponentId, signal as SignalId, ...during));
    const b = mean(fleet.seriesValues(cluster, component as ComponentId, signal as SignalId, ...before));
    return direction === 'up' ? a - b : b - a;
  }
  const refs = fleet.entities(cluster, signal as EntitySignal);
  return Math.max(...refs.map((r) => {
    const a = mean(fleet.nodeSeriesValues(cluster, r.entity, signal as EntitySignal, ...during));
    const b = mean(fleet.nodeSeriesValues(cluster, r.entity, signal as EntitySignal, ...before));
    return direction === 'up' ? a - b : b - a;
  }));
}
