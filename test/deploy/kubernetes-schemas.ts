import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** The kubernetes-models module path of an object, e.g. batch/v1 CronJob → kubernetes-models/batch/v1/CronJob. */
function modulePath(apiVersion: string, kind: string): string {
  const [group, version] = apiVersion.includes('/') ? apiVersion.split('/') : ['', apiVersion];
  return `kubernetes-models/${group ? `${group}/` : ''}${version}/${kind}`;
}

/** Validate one object against the Kubernetes OpenAPI schema shipped in kubernetes-models (pinned). */
export function validateKubernetesObject(obj: Record<string, unknown>): string | undefined {
  const { apiVersion, kind } = obj as { apiVersion: string; kind: string };
  let Model: new (o: unknown) => { validate(): void };
  try {
    Model = require(modulePath(apiVersion, kind))[kind];
  } catch {
    return `${apiVersion} ${kind}: no schema in kubernetes-models`;
  }
  try {
    new Model(obj).validate();
    return undefined;
  } catch (err) {
    return `${kind}/${(obj.metadata as { name?: string })?.name}: ${(err as Error).message}`;
  }
}
