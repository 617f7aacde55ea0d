import { z } from 'zod';

/** One alert of `GET /api/v2/alerts` (Alertmanager's `gettableAlert`). */
export const GettableAlert = z.object({
  labels: z.record(z.string(), z.string()),
  annotations: z.record(z.string(), z.string()).default({}),
  startsAt: z.string().datetime({ offset: true }),
  endsAt: z.string().optional(),
  updatedAt: z.string().optional(),
  generatorURL: z.string().optional(),
  fingerprint: z.string(),
  status: z.object({
    state: z.enum(['active', 'suppressed', 'unprocessed']),
    silencedBy: z.array(z.string()).default([]),
    inhibitedBy: z.array(z.string()).default([]),
  }),
});
export type GettableAlert = z.infer<typeof GettableAlert>;

export const GettableAlerts = z.array(GettableAlert);
export type GettableAlerts = z.infer<typeof GettableAlerts>;
