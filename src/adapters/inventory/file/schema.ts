import { z } from 'zod';
import { COMPONENTS, SUBSTRATES } from '../../../fleet/types.js';

export const InventoryCluster = z.strictObject({
  id: z.string().min(1).regex(/^[a-zA-Z0-9._-]+$/, 'an id of letters, digits, dot, dash or underscore'),
  region: z.string().min(1),
  substrate: z.enum(SUBSTRATES),
  environment: z.enum(['prod', 'staging', 'dev']),
  tier: z.enum(['tier-0', 'tier-1', 'tier-2']),
  versions: z.partialRecord(z.enum(COMPONENTS), z.string().min(1)).default({}),
  nodePools: z.array(z.strictObject({ name: z.string(), instanceType: z.string(), nodeCount: z.number().int().min(0) })).default([]),
  topology: z.strictObject({
    nodes: z.array(z.strictObject({ name: z.string(), pool: z.string(), nicBytesPerSecond: z.number().positive() })).default([]),
    pods: z.array(z.strictObject({ name: z.string(), namespace: z.string(), component: z.string(), node: z.string() })).default([]),
  }).optional(),
});
export type InventoryCluster = z.infer<typeof InventoryCluster>;

export const InventoryFile = z.strictObject({ clusters: z.array(InventoryCluster).min(1) });
export type InventoryFile = z.infer<typeof InventoryFile>;
