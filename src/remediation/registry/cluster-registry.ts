import { KubeConfig, type Cluster, type User } from '@kubernetes/client-node';
import { ConfigError, NotFoundError, SafetyViolationError } from '../../core/errors.js';
import { ArgoClusterConfig, type ClusterEntry, type SecretRef } from './cluster-registry-schema.js';

export { loadClusterRegistry, parseClusterRegistry } from './cluster-registry-file.js';

/** Reads a Secret of the management cluster; values decoded from base64. */
export interface SecretReader {
  readSecret(ref: { namespace: string; name: string }): Promise<Record<string, string>>;
}

export interface ClusterRegistry {
  /** Names of all registered clusters. */
  names(): string[];
  /** The entry of a cluster; NotFoundError for an unknown one (fail closed: nothing is reached). */
  entry(cluster: string): ClusterEntry;
  /** A fresh KubeConfig holding only this cluster, its CA and its own credentials. */
  kubeConfigFor(cluster: string): Promise<KubeConfig>;
}

async function secretValue(secrets: SecretReader, ref: SecretRef, what: string): Promise<string> {
  const data = await secrets.readSecret(ref);
  const value = data[ref.key];
  if (!value) throw new ConfigError(`${what}: Secret ${ref.namespace}/${ref.name} has no key ${ref.key}`);
  return value;
}

const execUser = (name: string, command: string, args: string[], env: Record<string, string>, apiVersion: string): User => ({
  name, exec: { apiVersion, command, args, env: Object.entries(env).map(([n, value]) => ({ name: n, value })), interactiveMode: 'Never' },
} as User);

/** `aws eks get-token` (the EKS token as kubectl gets it); without a region the AWS CLI's own default applies. */
const eksArgs = (clusterName: string, region?: string, roleArn?: string) =>
  ['eks', 'get-token', '--cluster-name', clusterName, ...(region ? ['--region', region] : []), ...(roleArn ? ['--role-arn', roleArn] : [])];

/** Cluster and user from an Argo CD cluster secret; an `insecure` TLS config is refused. */
async function fromArgoSecret(entry: ClusterEntry, secrets: SecretReader, ref: { namespace: string; name: string }): Promise<{ cluster: Cluster; user: User }> {
  const data = await secrets.readSecret(ref);
  const parsed = ArgoClusterConfig.safeParse(JSON.parse(data.config ?? '{}'));
  if (!parsed.success || !data.server) throw new ConfigError(`cluster ${entry.name}: Argo CD cluster secret ${ref.namespace}/${ref.name} lacks server or a valid config`);
  if (entry.server && entry.server !== data.server) throw new SafetyViolationError(`cluster ${entry.name}: Argo CD secret points at ${data.server}, registry at ${entry.server}`);
  const cfg = parsed.data;
  if (cfg.tlsClientConfig?.insecure) throw new SafetyViolationError(`cluster ${entry.name}: Argo CD secret disables TLS verification; fleetops refuses it`);
  const user: User = cfg.bearerToken ? { name: entry.name, token: cfg.bearerToken }
    : cfg.awsAuthConfig ? execUser(entry.name, 'aws', eksArgs(cfg.awsAuthConfig.clusterName, undefined, cfg.awsAuthConfig.roleARN), {}, 'client.authentication.k8s.io/v1beta1')
      : cfg.execProviderConfig ? execUser(entry.name, cfg.execProviderConfig.command, cfg.execProviderConfig.args ?? [], cfg.execProviderConfig.env ?? {}, cfg.execProviderConfig.apiVersion ?? 'client.authentication.k8s.io/v1')
        : cfg.tlsClientConfig?.certData ? { name: entry.name, certData: cfg.tlsClientConfig.certData, keyData: cfg.tlsClientConfig.keyData }
          : missingAuth(entry.name);
  const cluster: Cluster = { name: entry.name, server: data.server, caData: cfg.tlsClientConfig?.caData ?? entry.caData, tlsServerName: cfg.tlsClientConfig?.serverName, skipTLSVerify: false };
  return { cluster, user };
}

function missingAuth(name: string): never {
  throw new ConfigError(`cluster ${name}: the Argo CD cluster secret carries no bearer token, AWS, exec or client-certificate auth`);
}

async function userFor(entry: ClusterEntry, secrets: SecretReader): Promise<User> {
  const c = entry.credentials;
  switch (c.kind) {
    case 'token-secret': return { name: entry.name, token: await secretValue(secrets, c.secret, `cluster ${entry.name}`) };
    case 'exec': return execUser(entry.name, c.command, c.args, c.env, c.apiVersion);
    case 'eks': return execUser(entry.name, 'aws', eksArgs(c.clusterName, c.region, c.roleArn), {}, 'client.authentication.k8s.io/v1beta1');
    case 'argocd-cluster-secret': throw new Error('unreachable: handled by fromArgoSecret');
  }
}

/** Builds a registry over validated entries; every KubeConfig holds exactly one cluster and one user. */
export function createClusterRegistry(opts: { clusters: ClusterEntry[]; secrets: SecretReader }): ClusterRegistry {
  const byName = new Map(opts.clusters.map((c) => [c.name, c]));
  const entry = (cluster: string): ClusterEntry => {
    const e = byName.get(cluster);
    if (!e) throw new NotFoundError(`cluster ${cluster} is not in the cluster registry; fleetops acts only on registered clusters`);
    return e;
  };
  return {
    names: () => [...byName.keys()],
    entry,
    async kubeConfigFor(cluster) {
      const e = entry(cluster);
      const caData = e.caData ?? (e.caSecret ? await secretValue(opts.secrets, e.caSecret, `cluster ${e.name} CA`) : undefined);
      const { cluster: c, user } = e.credentials.kind === 'argocd-cluster-secret'
        ? await fromArgoSecret(e, opts.secrets, e.credentials.secret)
        : { cluster: { name: e.name, server: e.server!, caData, tlsServerName: e.tlsServerName, skipTLSVerify: false }, user: await userFor(e, opts.secrets) };
      const kc = new KubeConfig();
      kc.loadFromOptions({ clusters: [c], users: [user], contexts: [{ name: e.name, cluster: e.name, user: e.name }], currentContext: e.name });
      return kc;
    },
  };
}
