import { z } from 'zod';

/** The `Status` object the API server answers errors with (fields fleetops reads). */
export const KubeStatus = z.object({
  kind: z.literal('Status').optional(),
  status: z.string().optional(),
  message: z.string().optional(),
  reason: z.string().optional(),
  code: z.number().optional(),
});
export type KubeStatus = z.infer<typeof KubeStatus>;
