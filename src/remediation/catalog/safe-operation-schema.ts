import { z } from 'zod';

export const SAFE_OPERATION_IDS = [
  'evict-pod', 'rollout-restart', 'cordon-drain-node', 'scale-workload', 'raise-resources', 'rollback-revision',
] as const;
export type SafeOperationId = (typeof SAFE_OPERATION_IDS)[number];

export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];

export const TARGET_KINDS = ['Pod', 'Deployment', 'StatefulSet', 'DaemonSet', 'Node', 'HorizontalPodAutoscaler'] as const;
export type TargetKind = (typeof TARGET_KINDS)[number];

/** Guardrails are implemented in src/remediation/guardrails; the catalog only names them. */
export const GUARDRAIL_IDS = [
  'pdb-respected', 'no-rollout-in-progress', 'restart-within-bounds', 'availability-floor', 'capacity-headroom', 'drain-rate-limit', 'eviction-rate-limit',
  'hpa-not-fought', 'utilisation-below-threshold', 'within-node-allocatable', 'previous-revision-exists',
  'change-freeze', 'argo-managed-via-argo',
] as const;
export type GuardrailId = (typeof GUARDRAIL_IDS)[number];

const bounded = { min: z.number(), max: z.number(), required: z.boolean().default(false), unit: z.string().optional() };

/** One parameter of an operation with the bounds no proposal may leave. */
export const ParameterSpec = z.discriminatedUnion('type', [
  z.strictObject({ type: z.literal('integer'), ...bounded, default: z.number().int().optional() }),
  z.strictObject({ type: z.literal('number'), ...bounded, default: z.number().optional() }),
  z.strictObject({ type: z.literal('enum'), values: z.array(z.string()).min(1), required: z.boolean().default(false), default: z.string().optional() }),
  z.strictObject({ type: z.literal('boolean'), required: z.boolean().default(false), default: z.boolean().optional() }),
]).refine((spec) => !('min' in spec) || spec.min <= spec.max, { message: 'min must not exceed max' });
export type ParameterSpec = z.infer<typeof ParameterSpec>;

export const SafeOperation = z.strictObject({
  id: z.enum(SAFE_OPERATION_IDS),
  description: z.string().min(1),
  risk: z.enum(RISK_LEVELS),
  reversible: z.boolean(),
  target_kinds: z.array(z.enum(TARGET_KINDS)).min(1),
  guardrails: z.array(z.enum(GUARDRAIL_IDS)).min(1),
  parameters: z.record(z.string(), ParameterSpec),
});
export type SafeOperation = z.infer<typeof SafeOperation>;

export const SafeOperationCatalog = z
  .strictObject({ version: z.literal(1), operations: z.array(SafeOperation).min(1) })
  .superRefine((catalog, ctx) => {
    const ids = catalog.operations.map((op) => op.id);
    ids.forEach((id, i) => {
      if (ids.indexOf(id) !== i) ctx.addIssue({ code: 'custom', path: ['operations', i, 'id'], message: `duplicate operation ${id}` });
    });
  });
export type SafeOperationCatalog = z.infer<typeof SafeOperationCatalog>;

export function findOperation(catalog: SafeOperationCatalog, id: string): SafeOperation | undefined {
  return catalog.operations.find((op) => op.id === id);
}
