import type { FleetopsConfig } from './schema.js';

/** A need of the configured kinds that is not met: the field it concerns and what is wrong. */
export interface UnmetRequirement {
  path: string[];
  message: string;
}

/**
 * What the chosen kinds need beyond the schema: the secrets they read from the environment and the
 * fields a kind requires. The adapters check the same when they are built (lazily, mid-run);
 * `config validate` and the manifest checks ask here first.
 */
export function unmetRequirements(config: FleetopsConfig, env: NodeJS.ProcessEnv): UnmetRequirement[] {
  const out: UnmetRequirement[] = [];
  const secret = (path: string, name: string) => {
    if (!env[name]) out.push({ path: path.split('.'), message: `environment variable ${name} is not set (secrets come only from the environment)` });
  };
  const field = (path: string, value: unknown, what: string) => {
    if (value === undefined || value === '') out.push({ path: path.split('.'), message: `expected ${what}, found nothing` });
  };

  if (config.store.kind === 'postgres') secret('store.postgresUrlEnv', config.store.postgresUrlEnv);
  if (config.chat.kind === 'slack') secret('chat.slack.tokenEnv', config.chat.slack.tokenEnv);
  if (config.metrics.kind === 'prometheus' || config.inventory.kind === 'prometheus') {
    const a = config.metrics.prometheus.auth;
    if (a.kind === 'bearer') secret('metrics.prometheus.auth.tokenEnv', a.tokenEnv);
    if (a.kind === 'basic') secret('metrics.prometheus.auth.passwordEnv', a.passwordEnv);
  }
  if (config.inventory.kind === 'file') field('inventory.file', config.inventory.file, 'a YAML or CSV path when inventory.kind is file');
  if (config.docs.kind === 'google') field('docs.google.sharedDriveFolderId', config.docs.google.sharedDriveFolderId, 'the Shared Drive folder id for documents when docs.kind is google');
  if (config.logs.kind === 'opensearch' || config.events.kind === 'opensearch') {
    const a = config.opensearch.auth;
    if (a.kind === 'basic') secret('opensearch.auth.passwordEnv', a.passwordEnv);
    if (a.kind === 'bearer') secret('opensearch.auth.tokenEnv', a.tokenEnv);
  }
  if (config.changes.kind === 'argocd') {
    field('changes.argocd.url', config.changes.argocd.url, 'the Argo CD server URL when changes.kind is argocd');
    secret('changes.argocd.tokenEnv', config.changes.argocd.tokenEnv);
  }
  const ops = config.clusterOps;
  if (ops.argocd) secret('clusterOps.argocd.tokenEnv', ops.argocd.tokenEnv);
  if (ops.kind === 'kubernetes') field('clusterOps.registryFile', ops.registryFile, 'the cluster registry file (how to reach each target cluster) when clusterOps.kind is kubernetes');
  if (ops.kind === 'argo-workflows') {
    if (!ops.argoWorkflows) field('clusterOps.argoWorkflows', undefined, 'url, namespace and workflowTemplate of Argo Workflows when clusterOps.kind is argo-workflows');
    else secret('clusterOps.argoWorkflows.tokenEnv', ops.argoWorkflows.tokenEnv);
  }
  return out;
}
