import { CoreV1Api, type KubeConfig } from '@kubernetes/client-node';
import { NotFoundError } from '../../core/errors.js';
import type { SecretReader } from './cluster-registry.js';

/** Reads referenced Secrets from the management cluster (fleetops' own, usually in-cluster config). */
export function createKubeSecretReader(kc: KubeConfig): SecretReader {
  const core = kc.makeApiClient(CoreV1Api);
  return {
    async readSecret(ref) {
      const secret = await core.readNamespacedSecret({ namespace: ref.namespace, name: ref.name }).catch((err: unknown) => {
        throw new NotFoundError(`cannot read Secret ${ref.namespace}/${ref.name} for the cluster registry`, { cause: err });
      });
      return Object.fromEntries(Object.entries(secret.data ?? {}).map(([k, v]) => [k, Buffer.from(v, 'base64').toString('utf8')]));
    },
  };
}
