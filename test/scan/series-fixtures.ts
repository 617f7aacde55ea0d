/** Small inline series with known shapes for the scan tests (5-minute steps, deterministic noise). */
import type { SeriesScanOptions } from '../../src/scan/series-scan.js';

export const STEP = 300;
export const STEP_MS = STEP * 1000;
export const T0 = Date.UTC(2025, 5, 1);
export const DAY = 288;

/** Deterministic noise in [-1, 1). */
export function noise(i: number): number {
  const x = Math.sin(i * 12.9898 + 78.233) * 43758.5453;
  return 2 * (x - Math.floor(x)) - 1;
}

export function series(points: number, f: (i: number) => number): Float64Array {
  return Float64Array.from({ length: points }, (_, i) => f(i));
}

export const at = (i: number) => T0 + i * STEP_MS;

export function opts(extra: Partial<SeriesScanOptions> = {}): SeriesScanOptions {
  return { stepSeconds: STEP, newFromMs: T0, scoreThreshold: 0.75, minRelativeChange: 0.25, runId: 'run-1', ...extra };
}
