import { ExternalServiceError } from '../../../core/errors.js';

/** The evaluation grid of one range query: `n` points from `startMs`, both ends inclusive. */
export interface QueryGrid {
  startMs: number;
  stepMs: number;
  n: number;
}

/** One decoded result series, aligned to the query grid (NaN where the server had no point). */
export interface DecodedSeries {
  metric: Record<string, string>;
  values: Float64Array;
}

/** Prometheus sends sample values as strings: "1.5", "NaN", "+Inf", "-Inf". */
export function parseSampleValue(s: unknown): number {
  if (typeof s === 'number') return s;
  if (typeof s !== 'string') throw badSample(s);
  const v = +s;
  if (v === v) return v;
  if (s === '+Inf' || s === 'Inf') return Infinity;
  if (s === '-Inf') return -Infinity;
  if (s === 'NaN') return NaN;
  throw badSample(s);
}

/**
 * Copy `[[tsSeconds, "value"], …]` straight into a Float64Array: no per-sample objects. Samples
 * off the grid (another step, outside the range) are dropped.
 */
export function decodeValues(values: readonly unknown[], grid: QueryGrid): Float64Array {
  const out = new Float64Array(grid.n).fill(NaN);
  for (let i = 0; i < values.length; i++) {
    const pair = values[i];
    if (!Array.isArray(pair) || typeof pair[0] !== 'number') throw badSample(pair);
    const idx = gridIndex(pair[0] * 1000, grid);
    if (idx >= 0) out[idx] = parseSampleValue(pair[1]);
  }
  return out;
}

/** Same, for prometheus-query's `SampleValue { time: Date, value: number }` objects. */
export function alignSampleObjects(values: readonly { time: Date; value: number }[], grid: QueryGrid): Float64Array {
  const out = new Float64Array(grid.n).fill(NaN);
  for (const s of values) {
    const idx = gridIndex(s.time.getTime(), grid);
    if (idx >= 0) out[idx] = s.value;
  }
  return out;
}

/** Index of tMs on the grid (1 ms tolerance), or -1 when off the grid or outside it. */
export function gridIndex(tMs: number, grid: QueryGrid): number {
  const idx = Math.round((tMs - grid.startMs) / grid.stepMs);
  if (idx < 0 || idx >= grid.n || Math.abs(grid.startMs + idx * grid.stepMs - tMs) > 1) return -1;
  return idx;
}

export function badSample(s: unknown): ExternalServiceError {
  return new ExternalServiceError(`Prometheus returned a malformed sample ${JSON.stringify(s)?.slice(0, 80)}; check that the URL points at a Prometheus API`, { service: 'prometheus', retryable: false });
}
