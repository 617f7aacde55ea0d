import { z } from 'zod';

/** A Secret in the management cluster (where fleetops runs); `key` names the data field. */
export const SecretRef = z.strictObject({ namespace: z.string().min(1), name: z.string().min(1), key: z.string().min(1).default('token') });
export type SecretRef = z.infer<typeof SecretRef>;

const ExecCredentials = z.strictObject({
  kind: z.literal('exec'),
  command: z.string().min(1),
  args: z.array(z.string()).default([]),
  env: z.record(z.string(), z.string()).default({}),
  apiVersion: z.string().default('client.authentication.k8s.io/v1'),
});

/** How fleetops authenticates to a target cluster: always by reference, never a secret in the file. */
export const ClusterCredentials = z.discriminatedUnion('kind', [
  z.strictObject({ kind: z.literal('token-secret'), secret: SecretRef }),
  ExecCredentials,
  z.strictObject({ kind: z.literal('eks'), clusterName: z.string().min(1), region: z.string().min(1), roleArn: z.string().startsWith('arn:').optional() }),
  /** Argo CD's declarative cluster secret (`argocd.argoproj.io/secret-type: cluster`): server, CA and auth from it. */
  z.strictObject({ kind: z.literal('argocd-cluster-secret'), secret: z.strictObject({ namespace: z.string().min(1), name: z.string().min(1) }) }),
]);
export type ClusterCredentials = z.infer<typeof ClusterCredentials>;

export const ClusterEntry = z.strictObject({
  name: z.string().min(1),
  /** API server URL; may be omitted only for an Argo CD cluster secret (which carries it). */
  server: z.url({ protocol: /^https$/ }).optional(),
  /** Base64 PEM of the API server's CA; or read from a Secret. Server certificates are always verified. */
  caData: z.string().min(1).optional(),
  caSecret: SecretRef.optional(),
  tlsServerName: z.string().optional(),
  credentials: ClusterCredentials,
  canary: z.boolean().default(false),
  environment: z.string().optional(),
  tier: z.string().optional(),
}).refine((c) => c.server !== undefined || c.credentials.kind === 'argocd-cluster-secret', { message: 'server is required unless credentials come from an Argo CD cluster secret', path: ['server'] });
export type ClusterEntry = z.infer<typeof ClusterEntry>;

export const ClusterRegistryFile = z.strictObject({ clusters: z.array(ClusterEntry) }).superRefine((file, ctx) => {
  const seen = new Set<string>();
  file.clusters.forEach((c, i) => {
    if (seen.has(c.name)) ctx.addIssue({ code: 'custom', path: ['clusters', i, 'name'], message: `duplicate cluster ${c.name}` });
    seen.add(c.name);
  });
});
export type ClusterRegistryFile = z.infer<typeof ClusterRegistryFile>;

/** The `config` JSON inside an Argo CD cluster secret (the fields fleetops honours). */
export const ArgoClusterConfig = z.object({
  bearerToken: z.string().optional(),
  tlsClientConfig: z.object({
    caData: z.string().optional(), insecure: z.boolean().optional(), serverName: z.string().optional(),
    certData: z.string().optional(), keyData: z.string().optional(),
  }).optional(),
  awsAuthConfig: z.object({ clusterName: z.string(), roleARN: z.string().optional() }).optional(),
  execProviderConfig: z.object({
    command: z.string(), args: z.array(z.string()).optional(), env: z.record(z.string(), z.string()).optional(), apiVersion: z.string().optional(),
  }).optional(),
});
export type ArgoClusterConfig = z.infer<typeof ArgoClusterConfig>;

/** Config sub-schema for the lead to add under `clusterOps` (secrets only by env var name). */
export const ClusterOpsSettings = z.strictObject({
  /** YAML file of ClusterRegistryFile; required for kinds kubernetes and argo-workflows. */
  registryFile: z.string().optional(),
  availabilityFloor: z.number().gt(0).max(1).default(0.8),
  requestTimeoutMs: z.number().int().min(1000).default(30_000),
  argocd: z.strictObject({ url: z.url(), tokenEnv: z.string().default('ARGOCD_AUTH_TOKEN') }).optional(),
  argoWorkflows: z.strictObject({
    url: z.url(), namespace: z.string().default('fleetops'), tokenEnv: z.string().default('ARGO_WORKFLOWS_TOKEN'),
    workflowTemplate: z.string().default('fleetops-safe-operation'),
  }).optional(),
});
export type ClusterOpsSettings = z.infer<typeof ClusterOpsSettings>;
