import { z } from 'zod';

/** One instant-vector sample as prometheus-query returns it (`InstantVector`). */
export const InstantSample = z.object({
  metric: z.object({ name: z.string().optional(), labels: z.record(z.string(), z.string()) }),
  value: z.object({ value: z.number() }),
});
export type InstantSample = z.infer<typeof InstantSample>;

export const InstantSamples = z.array(InstantSample);
export type InstantSamples = z.infer<typeof InstantSamples>;
