import type { FleetopsConfig } from './schema.js';

/** A need of the configured kinds that is not met: the field it concerns and what is wrong. */
export interface UnmetRequirement {
  path: string[];
  message: string;
}

/** A secret the configured kinds read from the environment: the config field naming it, and the variable. */
export interface SecretEnvField {
  path: string;
  name: string;
}

/**
 * The secrets the configured kinds read from the environment (an optional section's only when it is
 * set and used): what `config validate` checks and `config print` lists.
 */
export function secretEnvFields(config: FleetopsConfig): SecretEnvField[] {
  const out: SecretEnvField[] = [];
  const add = (path: string, name: string) => out.push({ path, name });
  if (config.store.kind === 'postgres') add('store.postgresUrlEnv', config.store.postgresUrlEnv);
  if (config.chat.kind === 'slack') add('chat.slack.tokenEnv', config.chat.slack.tokenEnv);
  if (config.metrics.kind === 'prometheus' || config.inventory.kind === 'prometheus') {
    const a = config.metrics.prometheus.auth;
    if (a.kind === 'bearer') add('metrics.prometheus.auth.tokenEnv', a.tokenEnv);
    if (a.kind === 'basic') add('metrics.prometheus.auth.passwordEnv', a.passwordEnv);
  }
  if (config.logs.kind === 'opensearch' || config.events.kind === 'opensearch') {
    const a = config.opensearch.auth;
    if (a.kind === 'basic') add('opensearch.auth.passwordEnv', a.passwordEnv);
    if (a.kind === 'bearer') add('opensearch.auth.tokenEnv', a.tokenEnv);
  }
  if (config.changes.kind === 'argocd') add('changes.argocd.tokenEnv', config.changes.argocd.tokenEnv);
  const ops = config.clusterOps;
  // the guardrails read Argo CD whenever it is configured; Argo Workflows runs operations only as the executor
  if (ops.argocd) add('clusterOps.argocd.tokenEnv', ops.argocd.tokenEnv);
  if (ops.kind === 'argo-workflows' && ops.argoWorkflows) add('clusterOps.argoWorkflows.tokenEnv', ops.argoWorkflows.tokenEnv);
  return out;
}

/**
 * What the chosen kinds need beyond the schema: the secrets they read from the environment and the
 * fields a kind requires. The adapters check the same when they are built (lazily, mid-run);
 * `config validate` and the manifest checks ask here first.
 */
export function unmetRequirements(config: FleetopsConfig, env: NodeJS.ProcessEnv): UnmetRequirement[] {
  const out: UnmetRequirement[] = secretEnvFields(config).filter((s) => !env[s.name])
    .map((s) => ({ path: s.path.split('.'), message: `environment variable ${s.name} is not set (secrets come only from the environment)` }));
  const field = (path: string, value: unknown, what: string) => {
    if (value === undefined || value === '') out.push({ path: path.split('.'), message: `expected ${what}, found nothing` });
  };

  if (config.inventory.kind === 'file') field('inventory.file', config.inventory.file, 'a YAML or CSV path when inventory.kind is file');
  if (config.docs.kind === 'google') field('docs.google.sharedDriveFolderId', config.docs.google.sharedDriveFolderId, 'the Shared Drive folder id for documents when docs.kind is google');
  if (config.changes.kind === 'argocd') field('changes.argocd.url', config.changes.argocd.url, 'the Argo CD server URL when changes.kind is argocd');
  const ops = config.clusterOps;
  if (ops.kind === 'kubernetes') field('clusterOps.registryFile', ops.registryFile, 'the cluster registry file (how to reach each target cluster) when clusterOps.kind is kubernetes');
  if (ops.kind === 'argo-workflows' && !ops.argoWorkflows) field('clusterOps.argoWorkflows', undefined, 'url, namespace and workflowTemplate of Argo Workflows when clusterOps.kind is argo-workflows');
  return out;
}
