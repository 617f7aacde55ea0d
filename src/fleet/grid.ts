/**
 * The step grid of a time range, shared by every metrics source and the scan: the first sample time
 * at or after startMs, and the count of samples before endMs.
 */
export function grid(startMs: number, endMs: number, stepMs: number): { firstMs: number; n: number } {
  const firstMs = Math.ceil(startMs / stepMs) * stepMs;
  return { firstMs, n: Math.max(0, Math.ceil((endMs - firstMs) / stepMs)) };
}
