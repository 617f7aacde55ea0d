/**
 * Raw reads within a server's samples limit: Prometheus refuses a query that would hold more than
 * --query.max-samples (50,000,000 by default; Thanos and Mimir have their own), and each sample is
 * ~20 bytes of JSON. A read is cut at hour boundaries, from an hourly count of the samples (the probe).
 */

/** A span of the step grid, both ends on it. */
export interface Span { startMs: number; endMs: number }

/** Raw samples in (fromMs, toMs]. */
export interface Window { fromMs: number; toMs: number }

/** Samples per hour: window k is (startMs + (k − 1) × windowMs, startMs + k × windowMs]. */
export interface SampleCounts { startMs: number; windowMs: number; samples: readonly number[] }

export const PROBE_WINDOW_MS = 3_600_000;
/** How far back a step looks for a sample (Prometheus' default lookback delta). */
export const LOOKBACK_DELTA_MS = 300_000;

/** `sum(count_over_time(<selector>[1h]))`: at each hourly step, the samples of the hour before it. */
export function probeQuery(selector: string): string {
  return `sum(count_over_time(${selector}[${PROBE_WINDOW_MS / 60_000}m]))`;
}

/**
 * Consecutive windows covering the samples the steps of `span` see, (startMs − lookback, endMs], cut
 * at hour boundaries so that each holds at most `maxSamples` by the counts (an hour over it is a
 * window of its own: the server's refusal then halves it). Without counts: one window.
 */
export function planWindows(span: Span, maxSamples: number, counts?: SampleCounts): Window[] {
  const from = span.startMs - LOOKBACK_DELTA_MS;
  if (!counts) return [{ fromMs: from, toMs: span.endMs }];
  const windows: Window[] = [];
  let pieceFrom = from;
  let prevTo = from;
  let sum = 0;
  for (let k = 0; prevTo < span.endMs; k++) {
    const to = Math.min(counts.startMs + k * counts.windowMs, span.endMs);
    const n = counts.samples[k] ?? 0;
    if (sum > 0 && sum + n > maxSamples) {
      windows.push({ fromMs: pieceFrom, toMs: prevTo });
      pieceFrom = prevTo;
      sum = 0;
    }
    sum += n;
    prevTo = to;
  }
  windows.push({ fromMs: pieceFrom, toMs: span.endMs });
  return windows;
}
