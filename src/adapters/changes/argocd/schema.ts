import { z } from 'zod';

/** The parts of an Argo CD Application (argoproj.io/v1alpha1) that changes are read from. */
const Time = z.string();

export const AppSource = z.looseObject({
  repoURL: z.string().optional(),
  path: z.string().optional(),
  chart: z.string().optional(),
  targetRevision: z.string().optional(),
  helm: z.looseObject({ parameters: z.array(z.looseObject({ name: z.string(), value: z.string().optional() })).optional() }).optional(),
  kustomize: z.looseObject({ images: z.array(z.string()).optional() }).optional(),
});
export type AppSource = z.infer<typeof AppSource>;

const Initiator = z.looseObject({ username: z.string().optional(), automated: z.boolean().optional() });

export const RevisionHistory = z.looseObject({
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

export const OperationState = z.looseObject({
  operation: z.looseObject({
    sync: z.looseObject({
      revision: z.string().optional(),
      revisions: z.array(z.string()).optional(),
      /** Set for a selective sync (some resources only), which Argo CD does not record in history. */
      resources: z.array(z.looseObject({ group: z.string().optional(), kind: z.string().optional(), name: z.string().optional() })).nullish(),
      dryRun: z.boolean().optional(),
    }).optional(),
    initiatedBy: Initiator.optional(),
  }).optional(),
  phase: z.enum(['Running', 'Terminating', 'Failed', 'Error', 'Succeeded']),
  message: z.string().optional(),
  startedAt: Time,
  finishedAt: Time.optional(),
  syncResult: z.looseObject({ revision: z.string().optional(), revisions: z.array(z.string()).optional(), source: AppSource.optional(), sources: z.array(AppSource).optional() }).optional(),
});
export type OperationState = z.infer<typeof OperationState>;

export const ArgoApplication = z.looseObject({
  metadata: z.looseObject({ name: z.string(), namespace: z.string().optional(), labels: z.record(z.string(), z.string()).optional() }),
  spec: z.looseObject({
    project: z.string().optional(),
    destination: z.looseObject({ server: z.string().optional(), name: z.string().optional(), namespace: z.string().optional() }),
    source: AppSource.optional(),
    sources: z.array(AppSource).optional(),
  }),
  status: z.looseObject({
    history: z.array(RevisionHistory).nullish(),
    operationState: OperationState.nullish(),
  }).optional(),
});
export type ArgoApplication = z.infer<typeof ArgoApplication>;

/** `items` is null, not [], when nothing matches; each item is checked on its own. */
export const ArgoApplicationList = z.looseObject({ items: z.array(z.unknown()).nullish() });

export const ArgoErrorBody = z.looseObject({ error: z.string().optional(), message: z.string().optional(), code: z.number().optional() });
