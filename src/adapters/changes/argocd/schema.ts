import { z } from 'zod';

/**
 * The parts of an Argo CD Application (argoproj.io/v1alpha1) that changes are read from, and nothing
 * else: objects strip unknown keys, so a parsed app is the small record the applications list caches
 * (not the resource tree, sync results, Helm values or managed fields of tens of thousands of apps).
 */
const Time = z.string();

/** A Helm parameter that pins an image tag (`image.tag`, `<chart>.image.tag`): the only ones read. */
export function isImageTagParameter(name: string): boolean {
  return name === 'image.tag' || name.endsWith('.image.tag');
}

export const AppSource = z.object({
  repoURL: z.string().optional(),
  path: z.string().optional(),
  chart: z.string().optional(),
  helm: z.object({
    parameters: z.array(z.object({ name: z.string(), value: z.string().optional() })).optional()
      .transform((ps) => ps?.filter((p) => isImageTagParameter(p.name))),
  }).optional(),
  // only the first image's tag is read
  kustomize: z.object({ images: z.array(z.string()).optional().transform((images) => images?.slice(0, 1)) }).optional(),
});
export type AppSource = z.infer<typeof AppSource>;

const Initiator = z.object({ username: z.string().optional(), automated: z.boolean().optional() });

export const RevisionHistory = z.object({
  id: z.number(),
  revision: z.string().optional(),
  revisions: z.array(z.string()).optional(),
  deployedAt: Time,
  deployStartedAt: Time.optional(),
  source: AppSource.optional(),
  sources: z.array(AppSource).optional(),
  initiatedBy: Initiator.optional(),
});
export type RevisionHistory = z.infer<typeof RevisionHistory>;

export const OperationState = z.object({
  operation: z.object({
    sync: z.object({
      revision: z.string().optional(),
      revisions: z.array(z.string()).optional(),
      /** Set for a selective sync (some resources only), which Argo CD does not record in history. */
      resources: z.array(z.object({ kind: z.string().optional(), name: z.string().optional() })).nullish(),
      dryRun: z.boolean().optional(),
    }).optional(),
    initiatedBy: Initiator.optional(),
  }).optional(),
  phase: z.enum(['Running', 'Terminating', 'Failed', 'Error', 'Succeeded']),
  message: z.string().optional(),
  startedAt: Time,
  syncResult: z.object({ revision: z.string().optional(), revisions: z.array(z.string()).optional(), source: AppSource.optional(), sources: z.array(AppSource).optional() }).optional(),
});
export type OperationState = z.infer<typeof OperationState>;

/** The spec's sources name the component by their chart only. */
const SpecSource = z.object({ chart: z.string().optional() });

export const ArgoApplication = z.object({
  metadata: z.object({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }),
  spec: z.object({
    destination: z.object({ server: z.string().optional(), name: z.string().optional() }),
    source: SpecSource.optional(),
    sources: z.array(SpecSource).optional(),
  }),
  status: z.object({
    history: z.array(RevisionHistory).nullish(),
    operationState: OperationState.nullish(),
  }).optional(),
});
export type ArgoApplication = z.infer<typeof ArgoApplication>;

/** `items` is null, not [], when nothing matches; each item is checked on its own. */
export const ArgoApplicationList = z.looseObject({ items: z.array(z.unknown()).nullish() });

export const ArgoErrorBody = z.looseObject({ error: z.string().optional(), message: z.string().optional(), code: z.number().optional() });
