import type { ArgoCdApi } from './argo-cd-api.js';
import type { KubeApi } from './kube-api.js';

/**
 * A KubeApi that reads through to `reads` and performs no write: writes answer with the object as
 * read, evicted pods disappear from later listings. Wrapped in recordingKube it yields the exact
 * calls an execution would make (the dry-run preview), without changing the cluster.
 */
export function planningKube(reads: KubeApi): KubeApi {
  const evicted = new Set<string>();
  const notEvicted = <T extends { metadata?: { namespace?: string; name?: string } }>(pods: T[]) =>
    pods.filter((p) => !evicted.has(`${p.metadata?.namespace}/${p.metadata?.name}`));
  return {
    ...reads,
    cluster: reads.cluster,
    patchWorkload: (kind, ns, name) => reads.readWorkload(kind, ns, name),
    replaceScale: async (_kind, _ns, _name, scale) => scale,
    patchHpa: async (ns, name) => (await reads.listHpas(ns)).find((h) => h.metadata?.name === name) ?? {},
    patchNode: (name) => reads.readNode(name),
    listPodsOnNode: async (node) => notEvicted(await reads.listPodsOnNode(node)),
    listActivePods: async () => notEvicted(await reads.listActivePods()),
    evictPod: async (ns, name) => { evicted.add(`${ns}/${name}`); },
  };
}

/** An ArgoCdApi that reads through and performs no write. */
export function planningArgo(reads: ArgoCdApi): ArgoCdApi {
  return {
    getApplication: (app) => reads.getApplication(app),
    runResourceAction: async () => undefined,
    setAutomatedSync: async () => undefined,
    rollback: async () => undefined,
  };
}
