import { z } from 'zod';

export const WORKFLOW_PHASES = ['Pending', 'Running', 'Succeeded', 'Failed', 'Error'] as const;

/** The parts of an Argo Workflow (Argo Server REST) fleetops reads. */
export const WorkflowResponse = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().optional() }),
  status: z.object({ phase: z.enum(WORKFLOW_PHASES).or(z.literal('')).optional(), message: z.string().optional() }).passthrough().nullish(),
});
export type WorkflowResponse = z.infer<typeof WorkflowResponse>;

/** Argo Server's error body (grpc-gateway): `code` 6 is AlreadyExists. */
export const ArgoServerError = z.object({ code: z.number().optional(), message: z.string().optional() });
