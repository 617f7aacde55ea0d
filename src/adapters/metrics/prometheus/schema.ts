import { z } from 'zod';

/** Envelope of every Prometheus API answer; `warnings`/`infos` flag partial data (Thanos, Mimir). */
export const PromEnvelope = z.object({
  status: z.enum(['success', 'error']),
  data: z.unknown().optional(),
  errorType: z.string().optional(),
  error: z.string().optional(),
  warnings: z.array(z.string()).optional(),
  infos: z.array(z.string()).optional(),
});
export type PromEnvelope = z.infer<typeof PromEnvelope>;

/**
 * A range-query `data` block. Sample arrays are checked by the decoder while it copies them into
 * typed arrays: validating millions of `[ts, "v"]` tuples with zod would cost more than the fetch.
 */
export const PromMatrixData = z.object({
  resultType: z.literal('matrix'),
  result: z.array(z.object({
    metric: z.record(z.string(), z.string()),
    /** A Float64Array when the byte reader already placed the samples on the grid. */
    values: z.custom<unknown[] | Float64Array>((v) => Array.isArray(v) || v instanceof Float64Array, 'values must be an array').optional(),
    histograms: z.unknown().optional(),
  })),
});
export type PromMatrixData = z.infer<typeof PromMatrixData>;

export const PromVectorData = z.object({
  resultType: z.literal('vector'),
  result: z.array(z.object({ metric: z.record(z.string(), z.string()), value: z.tuple([z.number(), z.string()]) })),
});
export type PromVectorData = z.infer<typeof PromVectorData>;

/** `/api/v1/label/<name>/values`. */
export const PromLabelValues = z.array(z.string());
export type PromLabelValues = z.infer<typeof PromLabelValues>;
