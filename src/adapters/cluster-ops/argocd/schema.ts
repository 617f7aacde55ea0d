import { z } from 'zod';

/** The parts of an Argo CD Application (GET /api/v1/applications/{name}) fleetops reads. */
export const ArgoApplicationResponse = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }),
  spec: z.object({
    syncPolicy: z.object({ automated: z.record(z.string(), z.unknown()).nullish() }).nullish(),
    destination: z.object({ server: z.string().nullish(), name: z.string().nullish() }).passthrough().nullish(),
  }).passthrough(),
  status: z.object({
    history: z.array(z.object({ id: z.number().int(), revision: z.string().default('') }).passthrough()).nullish(),
    resources: z.array(z.object({ group: z.string().optional(), kind: z.string(), namespace: z.string().optional(), name: z.string() }).passthrough()).nullish(),
  }).passthrough().nullish(),
});
export type ArgoApplicationResponse = z.infer<typeof ArgoApplicationResponse>;

/** Argo CD's error body (grpc-gateway). */
export const ArgoError = z.object({ error: z.string().optional(), message: z.string().optional(), code: z.number().optional() });
